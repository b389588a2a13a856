package dev.ppc.ir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Names the kind of a file that is not a regular file, for diagnostics such as
 * {@code "weights.bin is not a regular file (a FIFO)"}. Readers check {@link Files#isRegularFile}
 * before they open a path a user gave them: opening a FIFO for reading blocks until someone
 * writes to it, and a directory or a device is never what was meant, so "no such file" or a hang
 * would mislead.
 */
public final class FileKinds {
    private FileKinds() {}

    /**
     * What {@code path} is, with its article: {@code "a regular file"}, {@code "a directory"},
     * {@code "a FIFO"}, {@code "a character device"}, {@code "a block device"}, {@code "a socket"},
     * {@code "a special file"} (where the platform does not say which), or
     * {@code "a file that cannot be examined"}. Symbolic links are followed.
     */
    public static String describe(Path path) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return "a file that cannot be examined";
        }
        if (a.isRegularFile()) return "a regular file";
        if (a.isDirectory()) return "a directory";
        try {
            return describeMode((Integer) Files.getAttribute(path, "unix:mode"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }

    /**
     * What the file-type bits of a Unix mode ({@code st_mode}, as POSIX's {@code S_IFMT} defines
     * them, and as zip archives also store it) say, with its article: {@code "a FIFO"}, ...
     */
    public static String describeMode(int mode) {
        return switch (mode & 0170000) {
            case 0100000 -> "a regular file";
            case 0040000 -> "a directory";
            case 0120000 -> "a symbolic link";
            case 0010000 -> "a FIFO";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case 0140000 -> "a socket";
            default -> "a special file";
        };
    }
}
