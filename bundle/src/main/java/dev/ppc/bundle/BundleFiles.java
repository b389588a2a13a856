package dev.ppc.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** File helpers of the bundle writer and reader: sha256 (streaming for files), recursive delete, zip. */
public final class BundleFiles {
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

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        List<Path> paths;
        try (Stream<Path> s = Files.walk(dir)) {
            paths = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : paths) Files.deleteIfExists(p);
    }

    /** Writes the files of bundle directory {@code dir} into the zip archive {@code zip}, in sorted order. */
    public static void zip(Path dir, Path zip) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            for (Path f : files) {
                java.util.zip.ZipEntry e = new java.util.zip.ZipEntry(dir.relativize(f).toString().replace('\\', '/'));
                e.setTime(0); // fixed timestamps keep the archive deterministic
                out.putNextEntry(e);
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }
}
