package dev.ppc.backend.io;

import dev.ppc.backend.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
