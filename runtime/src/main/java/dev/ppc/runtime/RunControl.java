package dev.ppc.runtime;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared state of one run: how many cores are still working, the first failure, and the
 * cancellation flag every worker checks between actions and every waiting receive checks on wake-up.
 *
 * <p>The first {@link #fail} wins; it sets the flag and runs the cancellation hook (which wakes the
 * receivers and interrupts the workers), and wakes the caller waiting in {@link #awaitEnd}. Later
 * failures are attached to the first as suppressed exceptions.
 */
final class RunControl {
    /** Enough suppressed failures to see a pattern, few enough to keep a report readable. */
    private static final int MAX_SUPPRESSED = 8;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    private final Runnable onCancel;
    private int unfinished;
    private PipelineException failure;
    private volatile boolean cancelled;
    private volatile long lastProgressNanos;

    /**
     * @param cores     workers that must finish
     * @param start     {@link System#nanoTime()} when the run was handed to the workers
     * @param onCancel  run once, by the thread that reports the first failure
     */
    RunControl(int cores, long start, Runnable onCancel) {
        this.unfinished = cores;
        this.lastProgressNanos = start;
        this.onCancel = onCancel;
    }

    /** Whether the run has failed and workers should stop. */
    boolean cancelled() { return cancelled; }

    /** A core finished an action at {@code now}; the watchdog measures stalls from the latest. */
    void progressed(long now) { lastProgressNanos = now; }

    long lastProgressNanos() { return lastProgressNanos; }

    /** A core ran its whole action list. */
    void coreFinished() {
        lock.lock();
        try {
            if (--unfinished == 0) ended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Records a failure; the first one cancels the run. */
    void fail(PipelineException e) {
        boolean first = false;
        lock.lock();
        try {
            if (failure == null) {
                failure = e;
                cancelled = true;
                first = true;
                ended.signalAll();
            } else if (failure != e && failure.getSuppressed().length < MAX_SUPPRESSED) {
                failure.addSuppressed(e);
            }
        } finally {
            lock.unlock();
        }
        if (first) onCancel.run();
    }

    /**
     * Waits up to {@code nanos} for every core to finish or for a failure; {@link Long#MAX_VALUE}
     * waits as long as it takes.
     *
     * @return whether the run has ended (either way)
     */
    boolean awaitEnd(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (unfinished > 0 && failure == null) {
                if (left <= 0) return false;
                left = ended.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The first failure, or null. */
    PipelineException failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }
}
