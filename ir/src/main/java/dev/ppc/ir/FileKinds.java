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
            // The file-type bits of st_mode, as POSIX's S_IFMT defines them.
            int type = (Integer) Files.getAttribute(path, "unix:mode") & 0170000;
            switch (type) {
                case 0010000: return "a FIFO";
                case 0020000: return "a character device";
                case 0060000: return "a block device";
                case 0140000: return "a socket";
                default: return "a special file";
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }
}
