package dev.ppc.backend.io;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {
    /** Builds a .npy image by hand: magic, version, little-endian header length, header, data. */
    static byte[] npy(int major, String header, byte[] data) {
        int lenBytes = major == 1 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(8 + lenBytes + header.length() + data.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) b.putShort((short) header.length()); else b.putInt(header.length());
        b.put(header.getBytes(StandardCharsets.UTF_8)).put(data);
        return b.array();
    }

    static byte[] le(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    private static String message(Runnable r) {
        return assertThrows(NpyFormatException.class, r::run).getMessage();
    }

    @Test
    void readsHandWrittenVersion1File() {
        byte[] f = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n",
                le(1f, 2f, 3f, -4f));
        Tensor t = Npy.fromBytes(f, "a.npy");
        assertEquals(DType.F32, t.dtype());
        assertArrayEquals(new long[] {2, 2}, t.shape());
        assertArrayEquals(new float[] {1f, 2f, 3f, -4f}, t.toFloatArray());
    }

    @Test
    void readsVersion2And3HeadersAndOtherSpellings() {
        // Keys in another order, double quotes, a list shape and Python 2 long literals.
        byte[] v2 = npy(2, "{\"shape\": [3L], 'fortran_order': False, 'descr': '<f4'}",
                le(5f, 6f, 7f));
        assertArrayEquals(new float[] {5f, 6f, 7f}, Npy.fromBytes(v2, "v2").toFloatArray());
        byte[] v3 = npy(3, "{'descr': '<i4', 'fortran_order': False, 'shape': (), }\n",
                new byte[] {1, 1, 0, 0});
        Tensor t = Npy.fromBytes(v3, "v3");
        assertEquals(0, t.rank());
        assertEquals(257, t.getInt(0));
    }

    @Test
    void readsBigEndianBySwapping() {
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        data.putLong(-5L).putLong(1L << 40);
        byte[] f = npy(1, "{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }",
                data.array());
        assertArrayEquals(new long[] {-5L, 1L << 40}, Npy.fromBytes(f, "be").toLongArray());
    }

    @Test
    void roundTripsEveryWritableDtype(@TempDir Path dir) {
        Tensor[] ts = {
            Tensor.ofFloats(new long[] {2, 3}, 1, -2, 3.5f, Float.NaN, Float.NEGATIVE_INFINITY, 0),
            Tensor.ofDoubles(new long[] {2}, Math.PI, -1e300),
            Tensor.ofLongs(new long[] {3}, Long.MIN_VALUE, 0, Long.MAX_VALUE),
            Tensor.ofInts(new long[] {1, 1, 2}, -7, 9),
            Tensor.ofBools(new long[] {4}, true, false, false, true),
            Tensor.scalarFloat(0.5f),
            Tensor.allocate(DType.F32, 0, 4),
            Tensor.allocate(DType.U8, 3),
            Tensor.allocate(DType.I8, 2),
            Tensor.allocate(DType.F16, 2),
        };
        ts[7].data().put(1, (byte) 200);
        ts[8].data().put(0, (byte) -100);
        ts[9].data().putShort(0, (short) 0x3C00);
        int k = 0;
        for (Tensor t : ts) {
            Path p = dir.resolve("t" + k++ + ".npy");
            Npy.write(p, t);
            Tensor back = Npy.read(p);
            assertTrue(Tensor.bitwiseEqual(t, back), t + " came back as " + back);
            byte[] bytes = Npy.toBytes(t);
            assertEquals(0, (bytes.length - t.byteSize()) % 64, "data must start 64-aligned");
            assertTrue(Tensor.bitwiseEqual(t, Npy.fromBytes(bytes, "mem")));
        }
    }

    @Test
    void writtenHeaderIsWhatNumpyWrites() {
        byte[] b = Npy.toBytes(Tensor.ofFloats(new long[] {3}, 1, 2, 3));
        int len = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
        assertEquals(b.length - 12, 10 + len);
        String header = new String(b, 10, len, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"),
                header);
        assertTrue(header.endsWith("\n"));
        assertEquals(1, b[6]);
        String scalar = new String(Npy.toBytes(Tensor.scalarLong(1)), 10, 60,
                StandardCharsets.ISO_8859_1);
        assertTrue(scalar.contains("'shape': ()"), scalar);
    }

    @Test
    void fortranOrderIsRejectedWithAdvice() {
        byte[] f = npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                le(1, 2, 3, 4));
        assertEquals("w.npy is in Fortran order; save it with np.ascontiguousarray",
                message(() -> Npy.fromBytes(f, "w.npy")));
        // For one dimension the two orders are the same thing, so it is accepted.
        byte[] g = npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", le(1, 2));
        assertArrayEquals(new float[] {1, 2}, Npy.fromBytes(g, "g").toFloatArray());
    }

    @Test
    void unsupportedDtypeIsNamedWithTheSupportedList() {
        byte[] f = npy(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }",
                new byte[8]);
        String m = message(() -> Npy.fromBytes(f, "c.npy"));
        assertTrue(m.startsWith("c.npy: unsupported dtype '<c8'"), m);
        assertTrue(m.contains("f4") && m.contains("i8") && m.contains("b1"), m);
        byte[] s = npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }",
                new byte[4]);
        assertTrue(message(() -> Npy.fromBytes(s, "s.npy")).contains("structured"));
        assertThrows(NpyFormatException.class,
                () -> Npy.toBytes(Tensor.allocate(DType.BF16, 1)));
    }

    @Test
    void truncatedDataSaysHowMuchIsMissing() {
        byte[] f = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                le(1, 2, 3));
        String m = message(() -> Npy.fromBytes(f, "t.npy"));
        assertEquals("t.npy: truncated data: shape [2, 3] of <f4 needs 24 bytes, the file has 12",
                m);
        byte[] full = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", le(1));
        assertTrue(message(() -> Npy.fromBytes(Arrays.copyOf(full, 20), "h.npy"))
                .startsWith("h.npy: truncated header"));
    }

    @Test
    void badMagicAndBadVersion() {
        String m = message(() -> Npy.fromBytes("PK\u0003\u0004 not npy".getBytes(
                StandardCharsets.ISO_8859_1), "x.npy"));
        assertTrue(m.startsWith("x.npy: not a .npy file (bad magic"), m);
        assertTrue(message(() -> Npy.fromBytes(new byte[0], "e.npy")).contains("bad magic"));
        byte[] f = npy(1, "{}", new byte[0]);
        f[6] = 9;
        assertTrue(message(() -> Npy.fromBytes(f, "v.npy")).contains("version 9.0"));
    }

    @Test
    void headerTooLongIsRejectedBeforeReadingIt() {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(1 << 30);
        String m = message(() -> Npy.read(new ByteArrayInputStream(b.array()), "big.npy"));
        assertTrue(m.startsWith("big.npy: header too long (1073741824 bytes"), m);
    }

    @Test
    void malformedHeadersAreReported() {
        byte[] f = npy(1, "{'descr': '<f4', 'shape': (1,), }", le(1));
        assertTrue(message(() -> Npy.fromBytes(f, "m.npy")).contains("'fortran_order'"));
        byte[] g = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", le(1));
        assertTrue(message(() -> Npy.fromBytes(g, "m.npy")).contains("bad shape"));
        byte[] h = npy(1, "{'descr': '<f4' 'fortran_order'", le(1));
        assertTrue(message(() -> Npy.fromBytes(h, "m.npy")).startsWith("m.npy: malformed header"));
    }

    @Test
    void readLeavesTheStreamAfterTheArray() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        Npy.write(bos, Tensor.ofInts(new long[] {2}, 1, 2), "a");
        Npy.write(bos, Tensor.ofInts(new long[] {1}, 3), "b");
        ByteArrayInputStream in = new ByteArrayInputStream(bos.toByteArray());
        assertArrayEquals(new int[] {1, 2}, Npy.read(in, "s").toIntArray());
        assertArrayEquals(new int[] {3}, Npy.read(in, "s").toIntArray());
    }

    @Test
    void missingFileIsReported(@TempDir Path dir) {
        Path p = dir.resolve("nope.npy");
        assertEquals(p + ": no such file", message(() -> Npy.read(p)));
    }
}
