package dev.ppc.backend;

/**
 * How to compile a stage: the number of threads its kernels may split their work over (the CPU
 * backend gives the stage a pool of that many threads, the caller included; results have the same
 * bits for every count), and whether to keep a per-op profile.
 */
public record StageOptions(int threads, boolean profile) {
    /**
     * The most threads one stage may use. Every thread is a real one with its own stack, started
     * when the stage is compiled; more threads than the machine has cores only add overhead, and
     * 256 covers the largest machines ppc runs on.
     */
    public static final int MAX_THREADS = 256;

    public StageOptions {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be between 1 and " + MAX_THREADS + ", got " + threads);
        }
    }

    public static StageOptions defaults() { return new StageOptions(1, false); }
}
