package dev.ppc.ir;

/**
 * A diagnostic about IR or a model: malformed input, a schema violation, a failed inference. Its
 * message is one line, names the op's location where there is one, and is meant for users.
 */
public class IrException extends RuntimeException {
    public IrException(String message) { super(message); }

    public IrException(String message, Throwable cause) { super(message, cause); }

    /** A diagnostic located at {@code op}: {@code "MatMul node '/h.0/MatMul': <message>"}. */
    public static IrException at(Op op, String message) { return new IrException(op.describe() + ": " + message); }
}
