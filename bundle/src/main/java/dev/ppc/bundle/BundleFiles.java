package dev.ppc.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ppc.files.AtomicDirectory;
import dev.ppc.files.AtomicFile;
import dev.ppc.files.FileKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * File helpers of the bundle writer and reader: streaming sha256, zipping, recovery of an
 * interrupted replacement, and the kinds of file a bundle may replace.
 */
public final class BundleFiles {
    /** A manifest larger than this is no manifest ppc wrote. */
    static final int MAX_MANIFEST_BYTES = 64 << 20;

    /**
     * What {@code ppc compile -o DIR} replaces without {@code --force}: a bundle directory (its
     * manifest.json declares the bundle format: {@code manifest.json} alone is a common name, and
     * replacing a folder deletes it), or an empty directory.
     */
    public static final FileKind DIRECTORY = FileKind.of("a ppc bundle directory", true, p -> {
        if (!Files.isDirectory(p)) return false;
        try (Stream<Path> s = Files.list(p)) {
            return isBundleDirectory(p) || s.findAny().isEmpty();
        }
    });

    /** What {@code ppc compile -o X.zip} replaces without {@code --force}: a zipped bundle. */
    public static final FileKind ARCHIVE = FileKind.of("a zipped ppc bundle", false, BundleFiles::isArchive);

    private BundleFiles() {}

    /** The sha256 of a file's contents, lowercase hex; reads in 1 MiB chunks so large weights need no heap. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha256Digest();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The sha256 of {@code bytes}, lowercase hex. */
    public static String sha256(byte[] bytes) { return HexFormat.of().formatHex(sha256Digest().digest(bytes)); }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * Writes the files of bundle directory {@code dir} into the zip archive {@code zip}, in sorted
     * order, replacing {@code zip} atomically ({@link AtomicFile}): it holds its previous content
     * or the whole new archive, never a truncated one.
     */
    public static void zip(Path dir, Path zip) {
        AtomicFile.write(zip, out -> zip(dir, out));
    }

    /** Writes the files of bundle directory {@code dir} as a zip archive to {@code out} (finished, not closed). */
    public static void zip(Path dir, OutputStream out) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Path f : files) {
            ZipEntry e = new ZipEntry(dir.relativize(f).toString().replace('\\', '/'));
            e.setTime(0); // fixed timestamps keep the archive deterministic
            zip.putNextEntry(e);
            Files.copy(f, zip);
            zip.closeEntry();
        }
        zip.finish();
    }

    /** Whether {@code dir} is a whole bundle directory as far as replacing it goes: it has its manifest.json. */
    public static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve("manifest.json"));
    }

    /**
     * Puts back a bundle directory whose replacement was interrupted and removes what killed
     * writers left beside it ({@link AtomicDirectory#recover}); the reader and the writer call it
     * before they touch {@code path}. Cheap when there is nothing to recover.
     */
    public static void recover(Path path) {
        AtomicDirectory.recover(path, BundleFiles::isComplete);
    }

    /** Whether {@code dir} is a directory whose manifest.json declares the bundle format. */
    public static boolean isBundleDirectory(Path dir) throws IOException {
        Path manifest = dir.resolve("manifest.json");
        if (!Files.isRegularFile(manifest)) return false;
        try (InputStream in = Files.newInputStream(manifest)) {
            return declaresBundleFormat(in);
        }
    }

    /** Whether {@code p} is a zip archive whose manifest.json declares the bundle format. */
    public static boolean isArchive(Path p) throws IOException {
        if (!Files.isRegularFile(p)) return false;
        try (ZipFile zip = new ZipFile(p.toFile())) {
            ZipEntry manifest = zip.getEntry("manifest.json");
            if (manifest == null) return false;
            try (InputStream in = zip.getInputStream(manifest)) {
                return declaresBundleFormat(in);
            }
        } catch (ZipException e) {
            return false;
        }
    }

    /** Whether the JSON document {@code in} holds has {@code "format": "ppc-bundle"}. */
    private static boolean declaresBundleFormat(InputStream in) throws IOException {
        try {
            JsonNode tree = BundleJson.MAPPER.readTree(in.readNBytes(MAX_MANIFEST_BYTES));
            return tree != null && BundleManifest.FORMAT.equals(tree.path("format").asText(null));
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
