package dev.ppc.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A file the user asked ppc to write could not be written, or must not be (it is an input of the
 * same command, or something else that {@code --force} would have to replace). The message is
 * one line that names the file and says what to do; the CLI reports it as a user error (exit
 * status 2), since the cause is the user's path or disk, not ppc.
 */
public class OutputFileException extends RuntimeException {
    public OutputFileException(String message) { super(message); }

    public OutputFileException(String message, Throwable cause) { super(message, cause); }

    /**
     * {@code cannot write TARGET: REASON}, and, when {@code kept}, that the previous content of
     * the target is still there, since a failed write never touches it.
     */
    public static OutputFileException cannotWrite(Path target, IOException cause, boolean kept) {
        return new OutputFileException("cannot write " + target + ": " + reason(cause)
                + (kept ? "; the previous " + target.getFileName() + " is kept" : ""), cause);
    }

    /**
     * What went wrong, in words and on one line: the operating system's reason (e.g. "no space
     * left on device") rather than the exception's name, since the message is shown to the user.
     */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException n) return "no such file or directory" + about(n);
        if (e instanceof AccessDeniedException a) return "permission denied" + about(a);
        if (e instanceof NotDirectoryException n) return "not a directory" + about(n);
        if (e instanceof FileAlreadyExistsException f) return "already exists" + about(f);
        if (e instanceof DirectoryNotEmptyException d) return "directory not empty" + about(d);
        String text = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() + about(fs) : e.getMessage();
        if (text == null || text.isBlank()) text = e.getClass().getSimpleName();
        text = text.replaceAll("\\s*\\R\\s*", " ").trim();
        return text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
    }

    /** " (PATH)" when the exception names a file, so "permission denied" says where. */
    private static String about(FileSystemException e) { return e.getFile() == null ? "" : " (" + e.getFile() + ")"; }
}
