package dev.ppc.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zip archives the reader refuses before it opens them as bundles. Java's zip writer cannot make
 * most of these (it stores no Unix modes and refuses duplicate names), so the tests write a plain
 * archive and patch its central directory the way other tools would have written it.
 */
class ZipBundleCheckTest {
    @TempDir
    Path tmp;

    private Path zip(String... names) throws IOException {
        Path zip = tmp.resolve("b.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String name : names) {
                out.putNextEntry(new ZipEntry(name));
                out.write("{}".getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip;
    }

    /** Offset of the central directory header of the entry named {@code name}. */
    private static int centralHeader(byte[] zip, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 + n.length <= zip.length; i++) {
            if (b.getInt(i) == 0x02014b50 && Short.toUnsignedInt(b.getShort(i + 28)) == n.length
                    && new String(zip, i + 46, n.length, StandardCharsets.UTF_8).equals(name)) return i;
        }
        throw new AssertionError("no central header for " + name);
    }

    /** Marks entry {@code name} as made on Unix with file mode {@code mode}. */
    private static void setUnixMode(Path zip, String name, int mode) throws IOException {
        byte[] bytes = Files.readAllBytes(zip);
        int at = centralHeader(bytes, name);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(at + 4, (short) (3 << 8 | 20));
        b.putInt(at + 38, mode << 16);
        Files.write(zip, bytes);
    }

    private static String refused(Path zip) {
        BundleException e = assertThrows(BundleException.class, () -> BundleReader.read(zip));
        String prefix = "bundle " + zip + ": ";
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        return e.getMessage().substring(prefix.length());
    }

    @Test
    void aSymlinkEntryIsRefused() throws IOException {
        Path zip = zip("manifest.json", "core-0/weights.safetensors");
        setUnixMode(zip, "core-0/weights.safetensors", 0120777);
        assertEquals("zip entry 'core-0/weights.safetensors' is a symbolic link, not a regular file; a bundle holds only regular files", refused(zip));
    }

    @Test
    void aFifoEntryIsRefusedByKind() throws IOException {
        Path zip = zip("manifest.json", "pipe");
        setUnixMode(zip, "pipe", 0010644);
        assertEquals("zip entry 'pipe' is a FIFO, not a regular file; a bundle holds only regular files", refused(zip));
    }

    @Test
    void unixRegularFilesAndDirectoriesAreFine() throws IOException {
        Path zip = zip("core-0/", "core-0/program.ppir");
        setUnixMode(zip, "core-0/", 0040755);
        setUnixMode(zip, "core-0/program.ppir", 0100644);
        assertEquals("manifest.json is missing; this is not a ppc bundle", refused(zip));
    }

    @Test
    void absoluteAndBackslashNamesAreRefused() throws IOException {
        assertEquals("zip entry '/etc/passwd' is not a path inside the bundle: it is absolute", refused(zip("manifest.json", "/etc/passwd")));
        assertEquals("zip entry 'core-0\\x' is not a path inside the bundle: it contains a backslash (bundle paths use '/')",
                refused(zip("manifest.json", "core-0\\x")));
    }

    @Test
    void aDuplicateNameIsRefused() throws IOException {
        Path zip = zip("manifest.json", "dup1", "dup2");
        String patched = new String(Files.readAllBytes(zip), StandardCharsets.ISO_8859_1).replace("dup2", "dup1");
        Files.write(zip, patched.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("zip entry 'dup1' appears twice; a bundle names each file once", refused(zip));
    }

    @Test
    void aZip64FieldLongerThanItsExtraAreaIsCorrupt() throws IOException {
        // The last entry's offset says "see the zip64 field", whose length claims 8 bytes the extra area does not hold.
        Path zip = tmp.resolve("x.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            ZipEntry e = new ZipEntry("manifest.json");
            e.setExtra(new byte[] {(byte) 0x99, (byte) 0x99, 0, 0});
            out.putNextEntry(e);
            out.write("{}".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        byte[] bytes = Files.readAllBytes(zip);
        int at = centralHeader(bytes, "manifest.json");
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int extra = at + 46 + "manifest.json".length();
        assertEquals(4, Short.toUnsignedInt(b.getShort(at + 30)), "the central header carries the 4-byte extra field");
        b.putInt(at + 42, 0xFFFFFFFF);
        b.putShort(extra, (short) 0x0001);
        b.putShort(extra + 2, (short) 8);
        Files.write(zip, bytes);
        assertEquals("the file is a truncated or corrupt zip archive (central directory entry 0 has no zip64 offset)", refused(zip));
    }

    @Test
    void aDamagedCentralDirectoryIsCorruptNotForeign() throws IOException {
        Path zip = zip("manifest.json");
        byte[] bytes = Files.readAllBytes(zip);
        bytes[centralHeader(bytes, "manifest.json")] = 'X';
        Files.write(zip, bytes);
        assertEquals("the file is a truncated or corrupt zip archive (central directory entry 0 is damaged)", refused(zip));
    }

    @Test
    void zip64ArchivesAreRead() throws IOException {
        // Over 65535 entries, only the zip64 end records (which bundles over 4 GiB also get) hold the count.
        Path zip = tmp.resolve("many.zip");
        try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(zip)))) {
            for (int i = 0; i <= 0xFFFF; i++) {
                out.putNextEntry(new ZipEntry("f" + i));
                out.closeEntry();
            }
        }
        ZipBundleCheck.check(zip, "bundle " + zip);
        assertTrue(new String(Files.readAllBytes(zip), StandardCharsets.ISO_8859_1).contains("PK\u0006\u0006"), "the archive has a zip64 end record");
    }
}
