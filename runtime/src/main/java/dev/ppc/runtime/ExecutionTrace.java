package dev.ppc.runtime;

import dev.ppc.files.AtomicFile;
import dev.ppc.schedule.Action;
import dev.ppc.schedule.ChromeTraceWriter;
import dev.ppc.schedule.Schedule;
import dev.ppc.schedule.Timeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What really ran in one run of a pipeline: for every action a core executed, when it started and
 * ended, measured with {@link System#nanoTime()} from the moment the run was handed to the workers.
 *
 * <p>The measured {@link #timeline()} uses the schedule module's {@link Timeline}, in nanosecond
 * ticks with one unit being a millisecond, and the same definitions as its simulator: a core is busy
 * during its compute actions ({@link dev.ppc.schedule.ActionType#isBusy()}: F, for inference), the
 * makespan is the end of the last action, and the bubble fraction is
 * {@code 1 - sum of busy time / (cores * makespan)}. Predicted and measured bubbles can therefore be
 * compared directly. Unlike the simulator, a receive's span starts when the core reaches it and
 * ends when the message is there, and an F's span starts once all its inputs are there (an input
 * from a stage several stages back may still be on its way when the F is reached).
 *
 * <p>A failed run's trace holds the actions that completed before the failure.
 *
 * <p>The Chrome trace ({@link #toJson}) opens in {@code chrome://tracing} and ui.perfetto.dev: one
 * process, one thread row per core, one complete event per executed action named in PyTorch's
 * compact notation ({@code 1F3}, {@code 2RECV_F3}), with stage, microbatch and step as arguments.
 */
public final class ExecutionTrace {
    /** Nanosecond ticks per millisecond, the time unit of the schedule module's traces. */
    private static final long TICKS_PER_MS = 1_000_000;
    private static final long NOT_RUN = -1;

    private final Schedule schedule;
    private final long startNanos;
    /** Per core and step: start and end, relative to {@link #startNanos}; NOT_RUN if the step did not complete. */
    private final long[][] starts;
    private final long[][] ends;

    ExecutionTrace(Schedule schedule, long startNanos) {
        this.schedule = schedule;
        this.startNanos = startNanos;
        this.starts = new long[schedule.cores()][];
        this.ends = new long[schedule.cores()][];
        for (int c = 0; c < schedule.cores(); c++) {
            starts[c] = new long[schedule.actions(c).size()];
            ends[c] = new long[schedule.actions(c).size()];
            Arrays.fill(starts[c], NOT_RUN);
            Arrays.fill(ends[c], NOT_RUN);
        }
    }

    /** Called by core {@code core}'s thread only, for its own steps. */
    void record(int core, int step, long startNanos, long endNanos) {
        starts[core][step] = Math.max(0, startNanos - this.startNanos);
        ends[core][step] = Math.max(starts[core][step], endNanos - this.startNanos);
    }

    public Schedule schedule() { return schedule; }

    /** The executed actions as a timeline in nanosecond ticks ({@code ticksPerUnit} = one millisecond). */
    public Timeline timeline() {
        List<Timeline.Span> spans = new ArrayList<>();
        for (int c = 0; c < starts.length; c++) {
            List<Action> actions = schedule.actions(c);
            for (int k = 0; k < actions.size(); k++) {
                if (ends[c][k] != NOT_RUN) spans.add(new Timeline.Span(c, k, actions.get(k), starts[c][k], ends[c][k]));
            }
        }
        return new Timeline(schedule.cores(), TICKS_PER_MS, spans);
    }

    /** Number of actions that ran to completion. */
    public int executedActions() {
        int n = 0;
        for (long[] e : ends) for (long t : e) if (t != NOT_RUN) n++;
        return n;
    }

    /** Whether every action of the schedule ran. */
    public boolean complete() { return executedActions() == schedule.size(); }

    /** Nanoseconds from the start of the run to the end of its last action. */
    public long makespanNanos() {
        long max = 0;
        for (long[] e : ends) for (long t : e) max = Math.max(max, t);
        return max;
    }

    /** Nanoseconds core {@code core} spent in compute actions. */
    public long busyNanos(int core) {
        List<Action> actions = schedule.actions(core);
        long busy = 0;
        for (int k = 0; k < actions.size(); k++) {
            if (ends[core][k] != NOT_RUN && actions.get(k).type().isBusy()) busy += ends[core][k] - starts[core][k];
        }
        return busy;
    }

    /** {@code 1 - sum of busy time / (cores * makespan)}; 0 for a trace with no time in it. */
    public double bubble() {
        long makespan = makespanNanos();
        if (makespan == 0) return 0;
        long busy = 0;
        for (int c = 0; c < schedule.cores(); c++) busy += busyNanos(c);
        return 1.0 - (double) busy / ((double) makespan * schedule.cores());
    }

    /** The Chrome trace event JSON; {@code stats}, if not null, is added to {@code otherData}. */
    public String toJson(RunStats stats) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("schedule", schedule.describe());
        meta.put("complete", complete());
        meta.put("makespan_ms", makespanNanos() / 1e6);
        meta.put("bubble", bubble());
        if (stats != null) {
            meta.put("wall_ms", stats.wallNanos() / 1e6);
            meta.put("batch", stats.batchSize());
            meta.put("samples_per_second", stats.samplesPerSecond());
        }
        return ChromeTraceWriter.write(schedule, timeline(), "ppc runtime " + schedule.describe(), true, meta);
    }

    /**
     * Writes {@link #toJson} to {@code file}, replacing it atomically ({@link AtomicFile}); a
     * failure is an {@link dev.ppc.files.OutputFileException} naming the file.
     */
    public void write(Path file, RunStats stats) {
        AtomicFile.writeString(file, toJson(stats));
    }
}
