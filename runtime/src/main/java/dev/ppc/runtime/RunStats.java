package dev.ppc.runtime;

import java.util.Arrays;
import java.util.Locale;

/**
 * Measurements of one successful run.
 *
 * @param batchSize         samples in the run (the size of the first input's batch axis)
 * @param microbatches      microbatches the batch was split into
 * @param wallNanos         the whole {@link Pipeline#run} call: checking the inputs, making the views,
 *                          running the schedule, collecting the outputs
 * @param makespanNanos     from handing the run to the workers to the end of the last action
 * @param bubble            measured bubble fraction, {@code 1 - sum of busy time / (cores * makespan)},
 *                          defined as the schedule simulator defines it (see {@link ExecutionTrace})
 * @param busyNanosPerCore  per core, the time spent in F actions
 */
public record RunStats(int batchSize, int microbatches, long wallNanos, long makespanNanos, double bubble, long[] busyNanosPerCore) {
    public RunStats {
        busyNanosPerCore = busyNanosPerCore.clone();
    }

    /** Samples per second over the wall time of the run. */
    public double samplesPerSecond() { return wallNanos == 0 ? 0 : batchSize * 1e9 / wallNanos; }

    /** Time core {@code core} spent in F actions. */
    public long busyNanos(int core) { return busyNanosPerCore[core]; }

    /** A copy of the busy time of every core. */
    @Override
    public long[] busyNanosPerCore() { return busyNanosPerCore.clone(); }

    /** {@code "batch 32 in 4 microbatches: 12.300 ms, 2602 samples/s, bubble 0.214, busy ms per core [2.1, 2.0]"}. */
    @Override
    public String toString() {
        StringBuilder busy = new StringBuilder("[");
        for (int c = 0; c < busyNanosPerCore.length; c++) {
            if (c > 0) busy.append(", ");
            busy.append(String.format(Locale.ROOT, "%.3f", busyNanosPerCore[c] / 1e6));
        }
        return String.format(Locale.ROOT, "batch %d in %d microbatches: %.3f ms, %.0f samples/s, bubble %.3f, busy ms per core %s]",
                batchSize, microbatches, wallNanos / 1e6, samplesPerSecond(), bubble, busy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunStats r && batchSize == r.batchSize && microbatches == r.microbatches && wallNanos == r.wallNanos
                && makespanNanos == r.makespanNanos && Double.compare(bubble, r.bubble) == 0 && Arrays.equals(busyNanosPerCore, r.busyNanosPerCore);
    }

    @Override
    public int hashCode() { return Long.hashCode(wallNanos) * 31 + Arrays.hashCode(busyNanosPerCore); }
}
