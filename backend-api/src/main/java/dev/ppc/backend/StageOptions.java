package dev.ppc.backend;

/**
 * How to compile a stage: the number of threads its kernels may split their work over (the CPU
 * backend gives the stage a pool of that many threads, the caller included; results have the same
 * bits for every count), and whether to keep a per-op profile.
 */
public record StageOptions(int threads, boolean profile) {
    public StageOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }

    public static StageOptions defaults() { return new StageOptions(1, false); }
}
