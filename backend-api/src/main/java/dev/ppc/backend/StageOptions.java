package dev.ppc.backend;

/**
 * How to compile a stage: the number of threads its kernels may use (OpenBLAS and parallel
 * element-wise loops), and whether to keep a per-op profile.
 */
public record StageOptions(int threads, boolean profile) {
    public StageOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }

    public static StageOptions defaults() { return new StageOptions(1, false); }
}
