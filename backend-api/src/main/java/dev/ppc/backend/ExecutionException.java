package dev.ppc.backend;

/**
 * A failure while running a stage, located at the op that failed ({@code MatMul node '/h.0/MatMul'}).
 * {@link #isBadInput()} tells a problem in the data the caller supplied (an index out of range,
 * a wrong shape) from a fault in ppc itself.
 */
public class ExecutionException extends RuntimeException {
    private final boolean badInput;

    public ExecutionException(String message, boolean badInput, Throwable cause) {
        super(message, cause);
        this.badInput = badInput;
    }

    public boolean isBadInput() { return badInput; }
}
