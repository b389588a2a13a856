package dev.ppc.bundle;

import dev.ppc.ir.IrException;
import dev.ppc.ir.Names;

/**
 * A bundle that cannot be written or read: a missing, truncated or modified file, an unknown
 * format version, an inconsistent manifest or schedule, a program whose weights do not match. The
 * message is one line that names the bundle and the file, e.g. {@code bundle out.ppc:
 * core-1/weights.safetensors: sha256 mismatch (the file was modified after compile)}; the CLI
 * prints it and exits with status 2. Messages quote names read from the bundle, which may hold
 * any character, so control characters in them are escaped ({@link Names#printable}).
 */
public final class BundleException extends IrException {
    public BundleException(String message) { super(Names.printable(message)); }

    public BundleException(String message, Throwable cause) { super(Names.printable(message), cause); }
}
