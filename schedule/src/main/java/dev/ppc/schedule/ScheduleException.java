package dev.ppc.schedule;

/**
 * A user-facing problem with a schedule or a request for one: a bad combination of stages,
 * microbatches and virtual stages, an invalid or deadlocking schedule, a malformed file. The
 * message is one line and says what is wrong and, where it can, what would work instead; the CLI
 * prints it as {@code error: <message>} and exits with status 2.
 */
public class ScheduleException extends RuntimeException {
    public ScheduleException(String message) { super(message); }

    public ScheduleException(String message, Throwable cause) { super(message, cause); }
}
