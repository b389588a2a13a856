package dev.ppc.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that it appears whole or not at all: the one way ppc writes a file the user
 * asked for (npz outputs, traces, zipped bundles, schedules, IR dumps).
 *
 * <p>The rule: <b>the target always holds either its previous complete content or the new
 * complete content, never anything else</b>. The content goes into a temp file beside the target
 * ({@code .NAME.tmp-PID-RANDOM}, same directory and so the same file system), which is fsynced,
 * then renamed over the target in one atomic {@code rename(2)}, after which the directory is
 * fsynced so the rename survives a power cut. If anything fails (a full disk, an exception from
 * the content) the temp is deleted and the target is untouched; the old target is never deleted
 * before its replacement is complete. A process killed mid-write leaves only its temp, which the
 * next write of the same target removes (temps are recognized by name and their writer's process
 * id, so those of a writer that is still running are left alone).
 *
 * <p>A target that is a symbolic link is written through: the file the link points to is replaced
 * and the link stays. Permissions of a replaced file are kept.
 *
 * <p>Failures are {@link OutputFileException}s whose one-line message names the target and the
 * reason, e.g. {@code cannot write out/y.npz: no space left on device; the previous y.npz is kept}.
 */
public final class AtomicFile {
    /** Writes a file's content to a stream; the stream is closed by the caller. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {}

    /** Replaces {@code target} with {@code text} in UTF-8. */
    public static void writeString(Path target, String text) {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }

    /**
     * Replaces {@code target} with what {@code content} writes. An unchecked exception from the
     * content propagates unchanged (after the temp is removed); an {@link IOException} becomes an
     * {@link OutputFileException} naming the target.
     */
    public static void write(Path target, Content content) {
        Path file = resolve(target);
        boolean existed = Files.exists(file);
        Path tmp = null;
        try {
            if (Files.isDirectory(file)) throw new OutputFileException("cannot write " + target + ": it is a directory; give the path of a file");
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                throw new OutputFileException("cannot write " + target + ": the folder " + dir + " does not exist; create it first");
            }
            Siblings.deleteDeadTemps(file);
            tmp = Siblings.createTempFile(file);
            if (existed) copyPermissions(file, tmp);
            CrashPoint.TEMP_CREATED.reach();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(new ChannelStream(ch), 1 << 16);
                content.writeTo(out);
                out.flush();
                ch.force(true);
            }
            CrashPoint.DATA_SYNCED.reach();
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            CrashPoint.RENAMED.reach();
            Siblings.syncDirectory(dir);
        } catch (IOException e) {
            throw OutputFileException.cannotWrite(target, e, existed);
        } finally {
            if (tmp != null) deleteQuietly(tmp);
        }
    }

    /**
     * Creates a scratch directory beside {@code target} for assembling what will become its
     * content (a zipped bundle is assembled as a directory first). It carries the target's temp
     * name, so if this process dies the next write of {@code target} removes it; the caller
     * deletes it when done.
     */
    public static Path scratchDirectory(Path target) {
        Path file = resolve(target);
        try {
            Siblings.deleteDeadTemps(file);
            return Siblings.createTempDirectory(file);
        } catch (IOException e) {
            throw OutputFileException.cannotWrite(target, e, Files.exists(file));
        }
    }

    /** Deletes a file or directory tree made by this class; used for scratch directories. */
    public static void deleteScratch(Path scratch) {
        deleteQuietly(scratch);
    }

    /** The absolute path written: a symbolic link's destination, so the link survives the rename. */
    static Path resolve(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        try {
            if (Files.isSymbolicLink(abs) && Files.exists(abs)) return abs.toRealPath();
        } catch (IOException e) {
            // An unreadable link is written over like any file.
        }
        return abs;
    }

    private static void copyPermissions(Path from, Path to) {
        try {
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | UnsupportedOperationException e) {
            // The new file keeps the default permissions; the content is what matters.
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Siblings.deleteTree(p);
        } catch (IOException e) {
            // The write already failed or finished; a leftover temp is removed by the next write of the target.
        }
    }

    /**
     * The temp file's stream: unbuffered writes to the channel. With {@link CrashPoint#DATA_PARTIAL}
     * armed, its first write puts half its bytes into the file and then stops the process there.
     */
    private static final class ChannelStream extends OutputStream {
        private final FileChannel ch;

        ChannelStream(FileChannel ch) { this.ch = ch; }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > 1 && CrashPoint.DATA_PARTIAL.armed()) {
                writeFully(ByteBuffer.wrap(b, off, len / 2));
                CrashPoint.DATA_PARTIAL.reach();
            }
            writeFully(ByteBuffer.wrap(b, off, len));
        }

        private void writeFully(ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) ch.write(buf);
        }
    }
}
