package dev.ppc.backend.cpu.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed pool that runs one kernel's work on several threads: the calling thread and
 * {@code threads - 1} workers, created once per stage and kept for its lifetime, so that a run
 * starts no thread and allocates nothing for parallelism.
 *
 * <p>{@link #forRange} splits {@code [0, count)} into at most {@code threads} contiguous chunks,
 * the same way for the same count every time; the caller runs chunk 0 and the workers the rest.
 * Kernels split their work into units whose results do not depend on which thread computes them
 * (tiles, rows, row blocks of a GEMM), so a parallel run gives the same bits as a serial one.
 *
 * <p>Between chunks a worker spins for about {@link #SPIN_NANOS} (kernels of a stage follow each
 * other within microseconds, and waking a parked thread takes tens of them), then parks, so that
 * an idle stage does not keep a core busy.
 */
public final class Parallel implements AutoCloseable {
    /** One chunk of work: indices {@code [from, to)}, run by worker {@code worker} (0 is the caller). */
    @FunctionalInterface
    public interface Task {
        void run(int worker, int from, int to);
    }

    /** How long an idle worker spins before it parks. */
    static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Task task;
    private volatile int count;
    private volatile int chunks;
    private volatile Throwable failure;
    private volatile boolean closed;

    /** A pool for {@code threads} threads in all (the caller included); 1 means no workers. */
    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].thread.start();
        }
    }

    /** The number of threads, the caller included. */
    public int threads() { return threads; }

    /**
     * Runs {@code task} over {@code [0, count)} in chunks of at least {@code grain} indices
     * (fewer chunks than threads when the work is small; one chunk runs on the caller alone).
     * Returns when every chunk is done; rethrows the first failure of a chunk.
     */
    public void forRange(int count, int grain, Task task) {
        int n = Math.min(threads, Math.max(1, count / Math.max(1, grain)));
        if (n == 1 || closed) {
            task.run(0, 0, count);
            return;
        }
        this.task = task;
        this.count = count;
        this.chunks = n;
        this.failure = null;
        pending.set(n - 1);
        for (int w = 1; w < n; w++) workers[w - 1].start();
        try {
            task.run(0, 0, bound(count, n, 1));
        } finally {
            // Even when chunk 0 failed: the workers must be done before the next call reuses the fields.
            while (pending.get() != 0) Thread.onSpinWait();
            this.task = null;
        }
        Throwable f = failure;
        if (f != null) {
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            throw new IllegalStateException(f);
        }
    }

    /** The start of chunk {@code c} of {@code n} over {@code count}: {@code count * c / n}. */
    static int bound(int count, int n, int c) {
        return (int) ((long) count * c / n);
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            w.thread.interrupt();
            LockSupport.unpark(w.thread);
        }
    }

    private final class Worker implements Runnable {
        final int index;
        final Thread thread;
        /** Incremented by the caller for each chunk this worker must run. */
        private volatile long posted;
        private long done;
        private volatile boolean parked;

        Worker(int index) {
            this.index = index;
            this.thread = new Thread(this, "ppc-cpu-worker-" + index);
            this.thread.setDaemon(true);
        }

        void start() {
            posted++;
            if (parked) LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            while (!closed) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (posted == done && !closed) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        // Re-check after announcing: a post that raced with the flag is not missed.
                        if (posted == done && !closed) LockSupport.park(this);
                        parked = false;
                        spinUntil = System.nanoTime() + SPIN_NANOS;
                    }
                }
                if (closed) return;
                done++;
                try {
                    int n = chunks;
                    int c = count;
                    task.run(index, bound(c, n, index), bound(c, n, index + 1));
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }
}
