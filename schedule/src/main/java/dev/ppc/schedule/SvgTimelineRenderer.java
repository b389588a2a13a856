package dev.ppc.schedule;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Draws a simulated schedule as an SVG timeline in the style of the Megatron-LM paper's schedule
 * figures: one row per core, time from left to right, forward passes in blue and backward passes
 * in green (zero-bubble W in orange), each box labelled with its microbatch (0-based, like every
 * index in ppc), idle time left as the grey of the row. With virtual stages, later stages of a core
 * are drawn in darker shades of the same colour, as in Megatron's interleaved figure.
 *
 * <p>The output depends only on the schedule and the simulation (no dates, no random ids), so a
 * rendered file can be committed and checked against a fresh rendering.
 */
public final class SvgTimelineRenderer {
    private static final double LEFT = 64;
    private static final double RIGHT = 44;
    private static final double TOP = 52;
    private static final double ROW = 30;
    private static final double GAP = 6;
    /** Width the smallest compute box should get, and the most a drawing should span. */
    private static final double MIN_BOX = 26;
    private static final double MAX_WIDTH = 1400;

    private static final String FORWARD = "#9dc3e6";
    private static final String BACKWARD = "#a9d18e";
    private static final String WEIGHT = "#f4b183";
    private static final String IDLE = "#eeeeee";

    private SvgTimelineRenderer() { }

    /** The timeline of {@code result}, with a title that names the schedule, costs, makespan and bubble. */
    public static String render(SimulationResult result) {
        Schedule schedule = result.schedule();
        Fraction bubble = result.bubble();
        String subtitle = "costs " + result.costs() + "; makespan " + decimal(result.makespan()) + ", bubble " + bubble
                + " = " + percent(bubble);
        return render(result, schedule.describe(), subtitle);
    }

    /** The timeline of {@code result} under the given title lines. */
    public static String render(SimulationResult result, String title, String subtitle) {
        Schedule schedule = result.schedule();
        Timeline timeline = result.timeline();
        long makespan = Math.max(1, timeline.makespanTicks());
        long smallest = timeline.spans().stream().filter(s -> s.action().type().isBusy() && s.duration() > 0)
                .mapToLong(Timeline.Span::duration).min().orElse(1);
        double px = round2(Math.min(MIN_BOX / smallest, MAX_WIDTH / makespan));
        int cores = schedule.cores();
        double plotWidth = makespan * px;
        Set<ActionType> drawn = EnumSet.noneOf(ActionType.class);
        for (Timeline.Span span : timeline.spans()) {
            if (span.action().type().isCompute() && span.duration() > 0) drawn.add(span.action().type());
        }
        String note = "numbers: microbatch (0-based)" + (schedule.virtual() > 1 ? "; darker: later stages of a core" : "")
                + "; grey: idle";
        double legendWidth = 0;
        for (ActionType type : drawn) legendWidth += legendEntryWidth(type);
        // Text widths are estimated (about 7 px per character at 12 px) so the legend never runs off the picture.
        double width = LEFT + Math.max(plotWidth, Math.max(legendWidth, 7 * Math.max(note.length(), subtitle.length()))) + RIGHT;
        double axisY = TOP + cores * (ROW + GAP);
        double legendY = axisY + 40;
        double height = legendY + 36;

        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(num(width)).append("\" height=\"").append(num(height))
                .append("\" viewBox=\"0 0 ").append(num(width)).append(' ').append(num(height))
                .append("\" font-family=\"Helvetica, Arial, sans-serif\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(svg, LEFT, 20, 15, "start", "bold", title);
        text(svg, LEFT, 38, 12, "start", null, subtitle);

        for (int c = 0; c < cores; c++) {
            double y = TOP + c * (ROW + GAP);
            text(svg, LEFT - 8, y + ROW / 2 + 4, 12, "end", null, "core " + c);
            svg.append("<rect x=\"").append(num(LEFT)).append("\" y=\"").append(num(y)).append("\" width=\"").append(num(plotWidth))
                    .append("\" height=\"").append(num(ROW)).append("\" fill=\"").append(IDLE).append("\"/>\n");
        }

        for (Timeline.Span span : timeline.spans()) {
            Action a = span.action();
            if (!a.type().isCompute() || span.duration() == 0) continue;
            double x = LEFT + span.start() * px;
            double w = span.duration() * px;
            double y = TOP + span.core() * (ROW + GAP);
            String fill = shade(baseColour(a.type()), chunkOf(schedule, span.core(), a.stage()));
            svg.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"").append(num(w))
                    .append("\" height=\"").append(num(ROW)).append("\" fill=\"").append(fill)
                    .append("\" stroke=\"#404040\" stroke-width=\"0.8\"><title>").append(a).append("</title></rect>\n");
            String label = Integer.toString(a.microbatch());
            if (w >= 7 * label.length() + 4) {
                svg.append("<text x=\"").append(num(x + w / 2)).append("\" y=\"").append(num(y + ROW / 2 + 4))
                        .append("\" font-size=\"12\" text-anchor=\"middle\" fill=\"").append(dark(fill) ? "white" : "black")
                        .append("\">").append(label).append("</text>\n");
            }
        }

        // Time axis: a tick every 1, 2, 5, 10, ... units, whichever first leaves 30 px between labels.
        long perUnit = timeline.ticksPerUnit();
        double unitPx = px * perUnit;
        long step = 1;
        while (step * unitPx < 30) step = nextRoundStep(step);
        svg.append("<line x1=\"").append(num(LEFT)).append("\" y1=\"").append(num(axisY)).append("\" x2=\"").append(num(LEFT + plotWidth))
                .append("\" y2=\"").append(num(axisY)).append("\" stroke=\"black\" stroke-width=\"1\"/>\n");
        for (long t = 0; t * perUnit <= makespan; t += step) {
            double x = LEFT + t * unitPx;
            svg.append("<line x1=\"").append(num(x)).append("\" y1=\"").append(num(axisY)).append("\" x2=\"").append(num(x))
                    .append("\" y2=\"").append(num(axisY + 5)).append("\" stroke=\"black\" stroke-width=\"1\"/>\n");
            text(svg, x, axisY + 18, 11, "middle", null, Long.toString(t));
        }
        text(svg, LEFT + plotWidth + 8, axisY + 4, 11, "start", null, "time");

        double x = LEFT;
        for (ActionType type : List.of(ActionType.F, ActionType.B, ActionType.I, ActionType.W)) {
            if (!drawn.contains(type)) continue;
            svg.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(legendY - 11)).append("\" width=\"14\" height=\"14\" fill=\"")
                    .append(baseColour(type)).append("\" stroke=\"#404040\" stroke-width=\"0.8\"/>\n");
            String name = legendName(type);
            text(svg, x + 20, legendY, 12, "start", null, name);
            x += legendEntryWidth(type);
        }
        text(svg, LEFT, legendY + 20, 12, "start", null, note);
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** 1, 2, 5, 10, 20, 50, ...: the next step after {@code step}. */
    private static long nextRoundStep(long step) {
        long base = 1;
        while (base * 10 <= step) base *= 10;
        long lead = step / base;
        return lead < 2 ? 2 * base : lead < 5 ? 5 * base : 10 * base;
    }

    private static double legendEntryWidth(ActionType type) { return 20 + 7 * legendName(type).length() + 24; }

    private static String legendName(ActionType type) {
        return switch (type) {
            case F -> "forward";
            case B -> "backward";
            case I -> "backward, input gradient";
            case W -> "backward, weight gradient";
            default -> type.name();
        };
    }

    private static String baseColour(ActionType type) {
        return switch (type) {
            case F -> FORWARD;
            case B, I -> BACKWARD;
            case W -> WEIGHT;
            default -> "#cccccc";
        };
    }

    /** Which of its core's stages {@code stage} is: 0 for the first, 1 for the second, ... */
    private static int chunkOf(Schedule schedule, int core, int stage) { return schedule.stagesOf(core).indexOf(stage); }

    /** {@code colour} darkened by 22% per chunk after the first. */
    private static String shade(String colour, int chunk) {
        if (chunk <= 0) return colour;
        double f = Math.pow(0.78, chunk);
        int r = (int) Math.round(Integer.parseInt(colour.substring(1, 3), 16) * f);
        int g = (int) Math.round(Integer.parseInt(colour.substring(3, 5), 16) * f);
        int b = (int) Math.round(Integer.parseInt(colour.substring(5, 7), 16) * f);
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    private static boolean dark(String colour) {
        int r = Integer.parseInt(colour.substring(1, 3), 16);
        int g = Integer.parseInt(colour.substring(3, 5), 16);
        int b = Integer.parseInt(colour.substring(5, 7), 16);
        return 0.299 * r + 0.587 * g + 0.114 * b < 110;
    }

    private static void text(StringBuilder svg, double x, double y, int size, String anchor, String weight, String content) {
        svg.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" font-size=\"").append(size)
                .append("\" text-anchor=\"").append(anchor).append('"');
        if (weight != null) svg.append(" font-weight=\"").append(weight).append('"');
        svg.append('>').append(escape(content)).append("</text>\n");
    }

    private static String escape(String s) { return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"); }

    private static double round2(double v) { return Math.max(0.01, Math.floor(v * 100) / 100); }

    /** A coordinate with at most two decimals and no trailing zeros, the same on every machine. */
    private static String num(double v) {
        return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    static String decimal(Fraction f) {
        if (f.isWhole()) return Long.toString(f.numerator());
        return BigDecimal.valueOf(f.numerator()).divide(BigDecimal.valueOf(f.denominator()), 3, RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
    }

    static String percent(Fraction f) {
        return BigDecimal.valueOf(f.numerator() * 100).divide(BigDecimal.valueOf(f.denominator()), 1, RoundingMode.HALF_UP).toPlainString() + "%";
    }
}
