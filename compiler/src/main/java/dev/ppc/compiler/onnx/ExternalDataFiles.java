package dev.ppc.compiler.onnx;

import dev.ppc.ir.FileKinds;
import dev.ppc.ir.IrException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Resolves ONNX external-data locations against the model's folder and memory-maps the ranges
 * they name. A location must be a relative path that stays inside the folder: absolute paths,
 * {@code ..} components and symbolic links that lead outside are refused, so a hostile model
 * cannot read arbitrary files. Each range is mapped separately, so the total may exceed 2 GiB.
 */
final class ExternalDataFiles implements AutoCloseable {
    private final Path modelFile;
    private final Path baseDir;
    private final Map<Path, FileChannel> open = new HashMap<>();

    ExternalDataFiles(Path modelFile) {
        this.modelFile = modelFile;
        Path parent = modelFile.toAbsolutePath().getParent();
        this.baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /** Maps {@code length} bytes at {@code offset} of {@code location} ({@code length < 0}: to the end). */
    ByteBuffer map(String tensorName, String location, long offset, long length) {
        Path file = resolve(tensorName, location);
        try {
            FileChannel ch = open.get(file);
            if (ch == null) {
                ch = FileChannel.open(file, StandardOpenOption.READ);
                open.put(file, ch);
            }
            long size = ch.size();
            if (offset < 0 || offset > size) {
                throw error(tensorName, "offset " + offset + " is past the end of '" + location + "' (" + size + " bytes)");
            }
            long len = length < 0 ? size - offset : length;
            if (offset + len > size) {
                throw error(tensorName, "offset " + offset + " + length " + len + " is past the end of '" + location + "' (" + size + " bytes)");
            }
            if (len > Integer.MAX_VALUE) throw error(tensorName, "a single tensor of " + len + " bytes is larger than ppc supports (2 GiB)");
            return ch.map(FileChannel.MapMode.READ_ONLY, offset, len);
        } catch (IOException e) {
            throw error(tensorName, "cannot read external data '" + location + "': " + e.getMessage());
        }
    }

    private Path resolve(String tensorName, String location) {
        if (location == null || location.isEmpty()) throw error(tensorName, "external data has no 'location'");
        Path rel;
        try {
            rel = Path.of(location);
        } catch (RuntimeException e) {
            throw error(tensorName, "external data location '" + location + "' is not a valid path");
        }
        if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\")) {
            throw error(tensorName, "external data location '" + location + "' is absolute; it must be relative to the model's folder");
        }
        for (Path part : rel) {
            if (part.toString().equals("..")) {
                throw error(tensorName, "external data location '" + location + "' leaves the model's folder ('..' is not allowed)");
            }
        }
        Path file = baseDir.resolve(rel).normalize();
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw error(tensorName, "external data file '" + location + "' does not exist next to the model");
        }
        try {
            Path realBase = baseDir.toRealPath();
            Path real = file.toRealPath();
            if (!real.startsWith(realBase)) {
                throw error(tensorName, "external data location '" + location + "' is a link that leads outside the model's folder");
            }
            if (!Files.isRegularFile(real)) {
                throw error(tensorName, "external data location '" + location + "' is not a regular file (" + FileKinds.describe(real) + ")");
            }
            return real;
        } catch (IOException e) {
            throw error(tensorName, "cannot resolve external data location '" + location + "': " + e.getMessage());
        }
    }

    private IrException error(String tensorName, String message) {
        return new IrException(modelFile + ": tensor '" + tensorName + "': " + message);
    }

    @Override
    public void close() {
        for (FileChannel ch : open.values()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Mapped buffers stay valid after the channel closes; nothing to recover here.
            }
        }
        open.clear();
    }
}
