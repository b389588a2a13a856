package dev.ppc.backend.io;

/**
 * A {@code .npy} or {@code .npz} file that ppc cannot read or a tensor it cannot write. The
 * message is one line meant for the user: it names the file (and the archive entry) and says what
 * is wrong and, where there is one, what to do about it.
 */
public class NpyFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NpyFormatException(String message) {
        super(message);
    }

    public NpyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
