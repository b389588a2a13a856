package dev.ppc.backend.io;

import dev.ppc.backend.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpzTest {
    private static LinkedHashMap<String, Tensor> sample() {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        m.put("zeta", Tensor.ofFloats(new long[] {2, 2}, 1, 2, 3, 4));
        m.put("alpha", Tensor.ofLongs(new long[] {3}, 7, 8, 9));
        m.put("mask", Tensor.ofBools(new long[] {1}, true));
        m.put("empty", Tensor.ofFloats(new long[] {0}));
        return m;
    }

    @Test
    void roundTripKeepsOrderStoredAndDeflated(@TempDir Path dir) throws IOException {
        for (boolean compress : new boolean[] {false, true}) {
            Path p = dir.resolve("s" + compress + ".npz");
            Npz.write(p, sample(), compress);
            Map<String, Tensor> back = Npz.read(p);
            assertEquals(List.of("zeta", "alpha", "mask", "empty"), List.copyOf(back.keySet()));
            for (Map.Entry<String, Tensor> e : sample().entrySet()) {
                assertTrue(Tensor.bitwiseEqual(e.getValue(), back.get(e.getKey())), e.getKey());
            }
            try (ZipFile z = new ZipFile(p.toFile())) {
                ZipEntry e = z.getEntry("zeta.npy");
                assertEquals(compress ? ZipEntry.DEFLATED : ZipEntry.STORED, e.getMethod());
            }
        }
    }

    @Test
    void errorsNameTheEntry(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("bad.npz");
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("ok.npy"));
            z.write(Npy.toBytes(Tensor.scalarFloat(1f)));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("cut.npy"));
            byte[] b = Npy.toBytes(Tensor.ofFloats(new long[] {4}, 1, 2, 3, 4));
            z.write(b, 0, b.length - 3);
            z.closeEntry();
        }
        String m = assertThrows(NpyFormatException.class, () -> Npz.read(p)).getMessage();
        assertTrue(m.startsWith(p + " entry 'cut.npy': truncated data"), m);
    }

    @Test
    void notAZipFile(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("plain.npz");
        Files.write(p, Npy.toBytes(Tensor.scalarFloat(1f)));
        String m = assertThrows(NpyFormatException.class, () -> Npz.read(p)).getMessage();
        assertTrue(m.startsWith(p + ": not a valid .npz (zip) archive"), m);
        Path missing = dir.resolve("missing.npz");
        assertEquals(missing + ": no such file",
                assertThrows(NpyFormatException.class, () -> Npz.read(missing)).getMessage());
    }

    @Test
    void keysWithoutNpySuffixAreKeptAsIs(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("raw.npz");
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("weights"));
            z.write(Npy.toBytes(Tensor.ofInts(new long[] {2}, 5, 6)));
            z.closeEntry();
        }
        assertArrayEquals(new int[] {5, 6}, Npz.read(p).get("weights").toIntArray());
    }

    /** Writes a stored archive with one array whose data contains the bytes of 1234.5f. */
    private static Path storedArchive(Path dir) {
        Path p = dir.resolve("stored.npz");
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.ofFloats(new long[] {3}, 1f, 1234.5f, 3f));
        Npz.write(p, m, false);
        return p;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("pattern not found");
    }

    @Test
    void aFlippedByteInAStoredEntryIsACrcError(@TempDir Path dir) throws IOException {
        Path p = storedArchive(dir);
        byte[] b = Files.readAllBytes(p);
        byte[] value = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1234.5f).array();
        b[indexOf(b, value) + 1] ^= 0x10;
        Files.write(p, b);
        String m = assertThrows(NpyFormatException.class, () -> Npz.read(p)).getMessage();
        assertTrue(m.startsWith(p + " entry 'w.npy': CRC-32 mismatch"), m);
    }

    @Test
    void aTruncatedArchiveIsOneLineNamingTheFile(@TempDir Path dir) throws IOException {
        byte[] full = Files.readAllBytes(storedArchive(dir));
        for (int cut : new int[] {0, 10, full.length / 2, full.length - 1}) {
            Path p = dir.resolve("cut" + cut + ".npz");
            Files.write(p, Arrays.copyOf(full, cut));
            String m = assertThrows(NpyFormatException.class, () -> Npz.read(p)).getMessage();
            assertTrue(m.startsWith(p + ": not a valid .npz (zip) archive"), m);
            assertFalse(m.contains("\n"), m);
        }
    }

    @Test
    void bytesAfterTheArrayAreRefused(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("trailing.npz");
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("x.npy"));
            z.write(Npy.toBytes(Tensor.ofFloats(new long[] {2}, 1, 2)));
            z.write(new byte[] {9, 9, 9});
            z.closeEntry();
        }
        String m = assertThrows(NpyFormatException.class, () -> Npz.read(p)).getMessage();
        assertTrue(m.startsWith(p + " entry 'x.npy': 3 bytes follow the array's data"), m);
    }

    @Test
    void anEntryShorterThanDeclaredIsRefused(@TempDir Path dir) throws IOException {
        // A deflated entry whose central-directory size says 4 bytes more than the data inflates to.
        Path p = dir.resolve("size.npz");
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("x", Tensor.ofFloats(new long[] {2}, 1, 2));
        Npz.write(p, m, true);
        byte[] b = Files.readAllBytes(p);
        int cd = indexOf(b, new byte[] {'P', 'K', 1, 2});
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(cd + 24, bb.getInt(cd + 24) + 4);
        Files.write(p, b);
        String msg = assertThrows(NpyFormatException.class, () -> Npz.read(p)).getMessage();
        assertTrue(msg.startsWith(p + " entry 'x.npy': the entry holds "), msg);
    }

    @Test
    void controlCharactersInEntryNamesAreEscaped(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("names.npz");
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("a\nb\u0000.npy"));
            z.write(new byte[] {1, 2, 3});
            z.closeEntry();
        }
        String m = assertThrows(NpyFormatException.class, () -> Npz.read(p)).getMessage();
        assertTrue(m.startsWith(p + " entry 'a\\nb\\0.npy': not a .npy file"), m);
    }

    @Test
    void directoriesAndFifosAreRefusedWithoutOpeningThem(@TempDir Path dir) throws IOException, InterruptedException {
        String m = assertThrows(NpyFormatException.class, () -> Npz.read(dir)).getMessage();
        assertEquals(dir + ": not a regular file (a directory); expected an .npz file", m);
        Path fifo = dir.resolve("in.npz");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        m = assertThrows(NpyFormatException.class, () -> Npz.read(fifo)).getMessage();
        assertEquals(fifo + ": not a regular file (a FIFO); expected an .npz file", m);
        m = assertThrows(NpyFormatException.class, () -> Npy.read(fifo)).getMessage();
        assertEquals(fifo + ": not a regular file (a FIFO); expected an .npy file", m);
    }
}
