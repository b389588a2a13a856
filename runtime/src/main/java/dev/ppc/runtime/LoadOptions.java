package dev.ppc.runtime;

import java.time.Duration;

/**
 * How to load a bundle into a {@link Pipeline}.
 *
 * @param threadsPerCore threads each stage's kernels use (1 when each core is its own worker)
 * @param microbatches   microbatches per batch, or null for the bundle's own count; the stages
 *                       were compiled for one microbatch's shape, so a batch is m times that
 * @param pipeline       watchdog and shutdown timeouts
 */
public record LoadOptions(int threadsPerCore, Integer microbatches, PipelineOptions pipeline) {
    public LoadOptions {
        if (threadsPerCore < 1) throw new IllegalArgumentException("threads per core must be at least 1, got " + threadsPerCore);
        if (microbatches != null && microbatches < 1) throw new IllegalArgumentException("microbatches must be at least 1, got " + microbatches);
    }

    public static LoadOptions defaults() { return new LoadOptions(1, null, PipelineOptions.defaults()); }

    public LoadOptions withThreadsPerCore(int t) { return new LoadOptions(t, microbatches, pipeline); }

    public LoadOptions withMicrobatches(Integer m) { return new LoadOptions(threadsPerCore, m, pipeline); }

    public LoadOptions withWatchdogTimeout(Duration d) { return new LoadOptions(threadsPerCore, microbatches, pipeline.withWatchdogTimeout(d)); }
}
