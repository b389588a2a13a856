package dev.ppc.passes.partition;

import dev.ppc.ir.IrException;

/**
 * A {@code --cuts} (or {@code --stages}) argument that cannot be applied to the model: bad
 * syntax, a name that matches no scope or value, cuts out of order or repeated, a cut that leaves
 * a stage empty, more stages than blocks. The message is one line that starts with the option
 * as the user wrote it and says what to do; the CLI prints it and exits with status 2.
 */
public final class CutSpecException extends IrException {
    public CutSpecException(String message) { super(message); }
}
