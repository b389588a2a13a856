package dev.ppc.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Writes a directory (a bundle) so that its path always holds a whole directory: the previous
 * one or the new one, never a mix and never a half.
 *
 * <p><b>Writing.</b> The new directory is assembled in a temp sibling
 * ({@code .NAME.tmp-PID-RANDOM}), and every file and directory in it is fsynced. If nothing is at
 * {@code NAME}, one atomic rename puts it there. Linux cannot rename a directory over a non-empty
 * one, so replacing takes two renames: the old directory to an aside name
 * ({@code .NAME.replaced-PID-RANDOM}), then the new one to {@code NAME}; only then is the aside
 * deleted. The parent directory is fsynced after each step. A failure before the second rename
 * deletes the temp and leaves the old directory in place (a failed second rename moves the aside
 * back).
 *
 * <p><b>Recovery.</b> A process killed between the two renames leaves {@code NAME} missing and
 * the old directory, whole, under its aside name. Every reader and writer of such a path first
 * calls {@link #recover}: if {@code NAME} is missing and the aside of a dead writer exists, it is
 * renamed back, so the path again holds its previous content. Asides of dead writers are deleted
 * once {@code NAME} exists and is complete (by the caller's test), and temps of dead writers are
 * deleted always: a temp is never anyone's previous content. Siblings of writers that are still
 * running are left to them.
 *
 * <p>Failures are {@link OutputFileException}s naming the target, e.g.
 * {@code cannot write out/x.ppc: no space left on device; the previous x.ppc is kept}.
 */
public final class AtomicDirectory {
    /** Fills the empty temp directory {@code dir} with the new content and returns what the caller wants back. */
    @FunctionalInterface
    public interface Assembler<T> {
        T assemble(Path dir) throws IOException;
    }

    private AtomicDirectory() {}

    /**
     * Replaces (or creates) the directory {@code target} with what {@code assembler} writes.
     * {@code target}'s parent must exist. An unchecked exception from the assembler propagates
     * unchanged after the temp is removed; an {@link IOException} becomes an
     * {@link OutputFileException} naming the target.
     *
     * @param complete whether a directory is a whole one of this kind (a bundle has its
     *                 manifest); decides when leftovers of killed writers may be deleted
     */
    public static <T> T write(Path target, Predicate<Path> complete, Assembler<T> assembler) {
        Path t = AtomicFile.resolve(target);
        Path parent = t.getParent();
        if (!Files.isDirectory(parent)) {
            throw new OutputFileException("cannot write " + target + ": the folder " + parent + " does not exist; create it first");
        }
        recover(t, complete);
        boolean existed = Files.exists(t, LinkOption.NOFOLLOW_LINKS);
        Path tmp = null;
        try {
            tmp = Siblings.createTempDirectory(t);
            CrashPoint.TEMP_CREATED.reach();
            T result = assembler.assemble(tmp);
            Siblings.syncTree(tmp);
            Siblings.syncDirectory(parent);
            CrashPoint.DATA_SYNCED.reach();
            if (!Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(tmp, t, StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
                CrashPoint.RENAMED.reach();
                Siblings.syncDirectory(parent);
                return result;
            }
            Path aside = Siblings.fresh(t, Siblings.Kind.ASIDE);
            Files.move(t, aside, StandardCopyOption.ATOMIC_MOVE);
            try {
                // Anything that fails from here to the second rename puts the old directory back.
                Siblings.syncDirectory(parent);
                CrashPoint.ASIDE_RENAMED.reach();
                Files.move(tmp, t, StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
            } catch (IOException | RuntimeException | Error e) {
                moveBack(aside, t, e);
                throw e;
            }
            CrashPoint.RENAMED.reach();
            Siblings.syncDirectory(parent);
            CrashPoint.BEFORE_ASIDE_DELETE.reach();
            AtomicFile.deleteQuietly(aside);
            return result;
        } catch (IOException e) {
            throw OutputFileException.cannotWrite(target, e, existed);
        } finally {
            if (tmp != null) AtomicFile.deleteQuietly(tmp);
        }
    }

    /**
     * Puts back a directory whose replacement was interrupted, and removes what killed writers
     * left beside {@code target} (see the class comment). Cheap when there is nothing to do: one
     * listing of the parent directory. Deleting leftovers is best effort (a read-only folder
     * keeps them); failing to put the old directory back is an {@link OutputFileException}.
     */
    public static void recover(Path target, Predicate<Path> complete) {
        Path t = AtomicFile.resolve(target);
        List<Siblings.Found> siblings;
        try {
            siblings = Siblings.of(t);
        } catch (IOException e) {
            return; // an unlistable folder has nothing we could recover either; the caller's own access reports it
        }
        if (siblings.isEmpty()) return;
        if (!Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
            Optional<Path> previous = siblings.stream()
                    .filter(f -> f.kind() == Siblings.Kind.ASIDE && f.ownerDead())
                    .map(Siblings.Found::path)
                    // A whole one first (there is normally exactly one aside), then the newest.
                    .max(Comparator.comparing((Path p) -> complete.test(p)).thenComparing(AtomicDirectory::modified));
            if (previous.isPresent()) {
                try {
                    Files.move(previous.get(), t, StandardCopyOption.ATOMIC_MOVE);
                    Siblings.syncDirectory(t.getParent());
                } catch (IOException e) {
                    if (!Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
                        throw new OutputFileException("cannot restore " + target + " from " + previous.get().getFileName()
                                + ", where an interrupted replacement left it: " + OutputFileException.reason(e)
                                + "; rename it back by hand", e);
                    }
                    // Another process restored it first.
                }
            }
        }
        boolean whole = Files.exists(t, LinkOption.NOFOLLOW_LINKS) && complete.test(t);
        for (Siblings.Found f : siblings) {
            if (!f.ownerDead() || !Files.exists(f.path(), LinkOption.NOFOLLOW_LINKS)) continue;
            if (f.kind() == Siblings.Kind.TEMP || whole) AtomicFile.deleteQuietly(f.path());
        }
    }

    private static void moveBack(Path aside, Path target, Throwable cause) {
        try {
            Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            cause.addSuppressed(e); // the next recover() puts it back
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
