package dev.ppc.bundle;

import dev.ppc.ir.FileKinds;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;

/**
 * Checks that a bundle directory holds nothing but directories and regular files, before anything
 * in it is opened. A symbolic link is refused wherever it points: one leading outside would make
 * the bundle read files it does not contain, and one leading inside still makes a file's identity
 * depend on something the checksums do not cover. A FIFO would block the reader forever, a device
 * would read endlessly; both are refused by kind.
 */
final class BundleTree {
    private static final int S_IFMT = 0170000;

    private BundleTree() {}

    /**
     * Throws a {@link BundleException} (prefixed {@code where}) naming the first entry that is not
     * a directory or a regular file. {@code bundle} itself may be a link to the bundle directory
     * (a {@code current.ppc} pointing at the latest build); only what lies inside is checked.
     */
    static void check(Path bundle, String where) {
        Path dir;
        try {
            dir = bundle.toRealPath();
        } catch (IOException e) {
            throw new BundleException(where + ": cannot resolve the bundle directory: " + BundleJson.oneLine(e.getMessage()));
        }
        Path root = dir;
        try {
            Files.walkFileTree(dir, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String name = relative(dir, file);
                    if (attrs.isSymbolicLink()) throw new BundleException(where + ": " + name + " is a symbolic link " + linkTarget(root, file)
                            + "; a bundle holds only regular files, so links are refused even when they point inside it; replace it with the file itself");
                    if (!attrs.isRegularFile() && !attrs.isDirectory()) {
                        throw new BundleException(where + ": " + name + " is not a regular file (" + FileKinds.describe(file) + "); a bundle holds only regular files");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    throw new BundleException(where + ": " + relative(dir, file) + " cannot be read: " + BundleJson.oneLine(e.getMessage()));
                }
            });
        } catch (IOException e) {
            throw new BundleException(where + ": cannot list the bundle directory: " + BundleJson.oneLine(e.getMessage()));
        }
    }

    private static String relative(Path dir, Path file) { return dir.relativize(file).toString().replace('\\', '/'); }

    /** {@code (to ../x, outside the bundle)} or {@code (to program.ppir, inside the bundle)}, judged by the link's text. */
    private static String linkTarget(Path root, Path link) {
        try {
            Path target = Files.readSymbolicLink(link);
            Path resolved = link.toAbsolutePath().getParent().resolve(target).normalize();
            return "(to " + target + ", " + (resolved.startsWith(root) ? "inside" : "outside") + " the bundle)";
        } catch (IOException | UnsupportedOperationException e) {
            return "(its target cannot be read)";
        }
    }

    /** Whether a Unix mode is of a regular file or a directory, or carries no file type at all. */
    static boolean isPlainFileOrDirectory(int mode) {
        int type = mode & S_IFMT;
        return type == 0 || type == 0100000 || type == 0040000;
    }
}
