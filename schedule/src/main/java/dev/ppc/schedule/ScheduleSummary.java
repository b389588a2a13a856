package dev.ppc.schedule;

import java.util.Locale;

/**
 * The text report {@code ppc schedule} prints: what was simulated, the makespan, the bubble
 * fraction, and per core its busy and idle time and peak in-flight and stashed microbatches
 * (definitions in {@link SimulationResult}).
 */
public final class ScheduleSummary {
    private ScheduleSummary() { }

    /** The report for {@code result}, several lines ending in a newline. */
    public static String format(SimulationResult result) {
        Schedule schedule = result.schedule();
        Fraction bubble = result.bubble();
        StringBuilder out = new StringBuilder();
        out.append("schedule  ").append(schedule.describe()).append(", ").append(schedule.size()).append(" actions, valid\n");
        out.append("costs     ").append(result.costs()).append(" (per core's share of the model)\n");
        out.append("makespan  ").append(SvgTimelineRenderer.decimal(result.makespan()));
        if (!result.makespan().isWhole()) out.append(" (").append(result.makespan()).append(')');
        out.append('\n');
        out.append("bubble    ").append(String.format(Locale.ROOT, "%.4f", bubble.toDouble())).append(" (").append(bubble)
                .append(" = ").append(SvgTimelineRenderer.percent(bubble)).append(")\n\n");
        String header = String.format(Locale.ROOT, "%4s  %-11s %8s %8s %15s %12s", "core", "stages", "busy", "idle", "peak in-flight",
                "peak stashed");
        out.append(header.stripTrailing()).append('\n');
        for (int c = 0; c < schedule.cores(); c++) {
            String stages = schedule.stagesOf(c).toString().replace(" ", "").replace("[", "").replace("]", "");
            // Long stage lists are cut at a comma so that no stage number is shown half.
            if (stages.length() > 11) stages = stages.substring(0, stages.lastIndexOf(',', 9) + 1) + "~";
            out.append(String.format(Locale.ROOT, "%4d  %-11s %8s %8s %15d %12d", c, stages.isEmpty() ? "-" : stages,
                    SvgTimelineRenderer.decimal(result.busy(c)), SvgTimelineRenderer.decimal(result.idle(c)),
                    result.peakInFlight(c), result.peakStashed(c))).append('\n');
        }
        return out.toString();
    }
}
