package dev.ppc.runtime;

import java.time.Duration;

/**
 * How a {@link Pipeline} guards its runs. The number of cores and of microbatches are not options
 * here: they are the schedule's (see {@link PipelineSpec}); the threads each stage's kernels use
 * are fixed when the stage is compiled ({@link dev.ppc.backend.StageOptions}).
 *
 * @param watchdogTimeout  a run fails as stalled when no core has finished an action for this long;
 *                         {@link Duration#ZERO} turns the watchdog off. It bounds the longest single
 *                         action, including the wait of a downstream core for its first input, so
 *                         it must exceed the slowest stage's microbatch time times the depth.
 * @param shutdownTimeout  how long a failed {@link Pipeline#run} and {@link Pipeline#close} wait for
 *                         worker threads to end before reporting the ones that do not
 */
public record PipelineOptions(Duration watchdogTimeout, Duration shutdownTimeout) {
    /** Default watchdog: a minute without progress on any core. */
    public static final Duration DEFAULT_WATCHDOG = Duration.ofSeconds(60);
    /** Default time given to worker threads to end. */
    public static final Duration DEFAULT_SHUTDOWN = Duration.ofSeconds(5);

    public PipelineOptions {
        if (watchdogTimeout == null || watchdogTimeout.isNegative())
            throw new IllegalArgumentException("the watchdog timeout must be zero (off) or positive, got " + watchdogTimeout);
        if (shutdownTimeout == null || shutdownTimeout.isNegative() || shutdownTimeout.isZero())
            throw new IllegalArgumentException("the shutdown timeout must be positive, got " + shutdownTimeout);
    }

    /** A one-minute watchdog and five seconds to shut down. */
    public static PipelineOptions defaults() { return new PipelineOptions(DEFAULT_WATCHDOG, DEFAULT_SHUTDOWN); }

    /** These options with another watchdog timeout ({@link Duration#ZERO} for none). */
    public PipelineOptions withWatchdogTimeout(Duration timeout) { return new PipelineOptions(timeout, shutdownTimeout); }

    /** These options with another shutdown timeout. */
    public PipelineOptions withShutdownTimeout(Duration timeout) { return new PipelineOptions(watchdogTimeout, timeout); }

    /** Whether the watchdog is on. */
    public boolean watchdogEnabled() { return !watchdogTimeout.isZero(); }
}
