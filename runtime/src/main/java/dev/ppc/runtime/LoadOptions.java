package dev.ppc.runtime;

import dev.ppc.backend.StageOptions;
import java.time.Duration;

/**
 * How to load a bundle into a {@link Pipeline}.
 *
 * @param cores          worker cores, or null for one per stage (the bundle's placement); fewer
 *                       cores than stages place stage s on core s mod cores (Megatron's looped
 *                       placement), which needs the stage count to be a multiple of the cores
 * @param threadsPerCore threads each stage uses (its kernel pool; 1 when each core is one worker),
 *                       at most {@link StageOptions#MAX_THREADS}
 * @param microbatches   microbatches per batch, or null for the bundle's own count; the stages
 *                       were compiled for one microbatch's shape, so a batch is m times that
 * @param pipeline       watchdog and shutdown timeouts
 */
public record LoadOptions(Integer cores, int threadsPerCore, Integer microbatches, PipelineOptions pipeline) {
    public LoadOptions {
        if (cores != null && cores < 1) throw new IllegalArgumentException("cores must be at least 1, got " + cores);
        if (threadsPerCore < 1 || threadsPerCore > StageOptions.MAX_THREADS) {
            throw new IllegalArgumentException("threads per core must be between 1 and " + StageOptions.MAX_THREADS + ", got " + threadsPerCore);
        }
        if (microbatches != null && microbatches < 1) throw new IllegalArgumentException("microbatches must be at least 1, got " + microbatches);
    }

    public static LoadOptions defaults() { return new LoadOptions(null, 1, null, PipelineOptions.defaults()); }

    public LoadOptions withCores(Integer c) { return new LoadOptions(c, threadsPerCore, microbatches, pipeline); }

    public LoadOptions withThreadsPerCore(int t) { return new LoadOptions(cores, t, microbatches, pipeline); }

    public LoadOptions withMicrobatches(Integer m) { return new LoadOptions(cores, threadsPerCore, m, pipeline); }

    public LoadOptions withWatchdogTimeout(Duration d) { return new LoadOptions(cores, threadsPerCore, microbatches, pipeline.withWatchdogTimeout(d)); }
}
