package dev.ppc.runtime;

import dev.ppc.schedule.Action;

/**
 * A run of a {@link Pipeline} failed: a stage threw, the watchdog found a stall, or the pipeline was
 * closed or interrupted during the run. The message is meant for the user and names where it
 * happened: {@code core 1, stage 1, microbatch 3: F failed: <the stage's own message>}, where the
 * stage's message names the op (the backend puts the model's node name there).
 *
 * <p>The first failure of a run wins; failures that follow it on other cores are attached as
 * suppressed exceptions. The pipeline cannot run again after a failed run; close it.
 */
public class PipelineException extends RuntimeException {
    private final int core;
    private final int stage;
    private final int microbatch;

    /**
     * @param core        the core the failure is located at, or -1
     * @param stage       the stage, or -1
     * @param microbatch  the microbatch, or -1
     */
    public PipelineException(String message, int core, int stage, int microbatch, Throwable cause) {
        super(message, cause);
        this.core = core;
        this.stage = stage;
        this.microbatch = microbatch;
    }

    /** A failure that is not about one place (the pipeline was closed, the caller interrupted). */
    public PipelineException(String message) { this(message, -1, -1, -1, null); }

    /** The core the failure happened on, or -1 if it is not about one core. */
    public int core() { return core; }

    /** The stage the failing action belongs to, or -1. */
    public int stage() { return stage; }

    /** The microbatch the failing action worked on, or -1. */
    public int microbatch() { return microbatch; }

    /** The failure of {@code action} on {@code core} with {@code cause}, located and worded for the user. */
    static PipelineException actionFailed(int core, Action action, Throwable cause) {
        String message = "core " + core + ", stage " + action.stage() + ", microbatch " + action.microbatch() + ": "
                + action.type() + " failed: " + describe(cause);
        return new PipelineException(message, core, action.stage(), action.microbatch(), cause);
    }

    /**
     * The cause's message, which for a stage names the failing op. The exception's class is shown
     * when the message alone would not say what happened: no message, or a JDK exception other than
     * the plain argument and state errors ({@code ArithmeticException: / by zero}).
     */
    static String describe(Throwable cause) {
        String message = cause.getMessage();
        if (message == null || message.isBlank()) return cause.getClass().getName();
        boolean plain = cause instanceof IllegalArgumentException || cause instanceof IllegalStateException
                || cause instanceof UnsupportedOperationException || cause instanceof PipelineException
                || !cause.getClass().getName().startsWith("java.");
        return plain ? message : cause.getClass().getSimpleName() + ": " + message;
    }
}
