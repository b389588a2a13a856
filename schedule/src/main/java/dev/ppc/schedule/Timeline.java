package dev.ppc.schedule;

import java.util.Comparator;
import java.util.List;

/**
 * When every action of a simulated schedule ran: one {@link Span} per action, in integer ticks from
 * the start of the step. {@link #ticksPerUnit()} converts ticks to the user's time unit.
 */
public final class Timeline {
    /**
     * One action's interval on its core. For a receive, {@code start} is when the core reached it
     * and {@code end} when the message was there, so the span is the time spent waiting.
     */
    public record Span(int core, int step, Action action, long start, long end) {
        public long duration() { return end - start; }
    }

    private final int cores;
    private final long ticksPerUnit;
    private final List<Span> spans;

    public Timeline(int cores, long ticksPerUnit, List<Span> spans) {
        this.cores = cores;
        this.ticksPerUnit = ticksPerUnit;
        this.spans = List.copyOf(spans);
    }

    public int cores() { return cores; }

    public long ticksPerUnit() { return ticksPerUnit; }

    /** All spans, in the order the simulation ran them. */
    public List<Span> spans() { return spans; }

    /** The spans of one core, in step order. */
    public List<Span> spansOn(int core) {
        return spans.stream().filter(s -> s.core() == core).sorted(Comparator.comparingInt(Span::step)).toList();
    }

    /** The time the last action ends, in ticks. */
    public long makespanTicks() { return spans.stream().mapToLong(Span::end).max().orElse(0); }

    /** {@code ticks} in user units, exactly. */
    public Fraction toUnits(long ticks) { return Fraction.of(ticks, ticksPerUnit); }
}
