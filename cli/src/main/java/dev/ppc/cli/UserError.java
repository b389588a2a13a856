package dev.ppc.cli;

/** A mistake in the user's arguments or files, reported as one {@code error:} line with exit status 2. */
public class UserError extends RuntimeException {
    public UserError(String message) { super(message); }

    public UserError(String message, Throwable cause) { super(message, cause); }
}
