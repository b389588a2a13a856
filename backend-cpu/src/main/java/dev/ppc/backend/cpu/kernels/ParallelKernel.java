package dev.ppc.backend.cpu.kernels;

/**
 * A kernel that can split its work over a stage's {@link Parallel} pool. The stage calls
 * {@link #useParallel} once, before the first run, when it runs with more than one thread; the
 * kernel then allocates per-thread scratch and splits large runs into units (tiles, rows, row
 * blocks) whose results do not depend on the thread, so that the output has the same bits with
 * any number of threads. Without a call, the kernel runs on the caller's thread alone.
 */
public interface ParallelKernel extends Kernel {
    /** Makes later runs use {@code parallel}; called once, before the first run. */
    void useParallel(Parallel parallel);
}
