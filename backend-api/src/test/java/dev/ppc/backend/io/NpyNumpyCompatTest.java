package dev.ppc.backend.io;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads files written by NumPy itself (made by {@code make_fixtures.py} next to them), so the
 * reader is checked against the real writer and not only against this project's own writer.
 */
class NpyNumpyCompatTest {
    private static Path fixture(String name) {
        try {
            return Path.of(NpyNumpyCompatTest.class.getResource("numpy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Tensor npy(String name) {
        return Npy.read(fixture(name));
    }

    @Test
    void floatTypes() {
        Tensor f = npy("f32_2x3.npy");
        assertEquals(DType.F32, f.dtype());
        assertArrayEquals(new long[] {2, 3}, f.shape());
        assertArrayEquals(new float[] {-1.25f, -0.75f, -0.25f, 0.25f, 0.75f, 1.25f},
                f.toFloatArray());
        Tensor d = npy("f64_4.npy");
        assertArrayEquals(new double[] {0, 1 / 3.0, 2 / 3.0, 1.0}, d.toDoubleArray());
        Tensor h = npy("f16_3.npy");
        assertEquals(DType.F16, h.dtype());
        assertEquals((short) 0x3C00, h.shorts().get(0));
        assertEquals((short) 0xB800, h.shorts().get(1));
        assertEquals((short) 0x7BFF, h.shorts().get(2));
        assertArrayEquals(new float[] {1.5f, -2f, 1e-3f}, npy("f32_be_3.npy").toFloatArray());
    }

    @Test
    void integerAndBoolTypes() {
        assertArrayEquals(new long[] {7, 4, 1, -2, -5, -8, -11, -14},
                npy("i64_2x2x2.npy").toLongArray());
        assertArrayEquals(new int[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE},
                npy("i32_5.npy").toIntArray());
        assertArrayEquals(new boolean[] {true, false, true}, npy("bool_3.npy").toBoolArray());
        Tensor u8 = npy("u8_4.npy");
        assertEquals(DType.U8, u8.dtype());
        assertEquals(255, u8.data().get(3) & 0xFF);
        assertEquals(128, u8.data().get(2) & 0xFF);
        Tensor i8 = npy("i8_4.npy");
        assertEquals(DType.I8, i8.dtype());
        assertEquals(-128, i8.data().get(0));
        assertEquals(127, i8.data().get(3));
    }

    @Test
    void scalarsEmptyAndLaterVersions() {
        Tensor s = npy("scalar_f32.npy");
        assertEquals(0, s.rank());
        assertEquals(3.25f, s.getFloat(0));
        Tensor e = npy("empty_0x3.npy");
        assertArrayEquals(new long[] {0, 3}, e.shape());
        assertArrayEquals(new float[] {1, 2}, npy("v2_f32_2.npy").toFloatArray());
        assertArrayEquals(new float[] {1, 2}, npy("v3_f32_2.npy").toFloatArray());
    }

    @Test
    void numpyErrorsCases() {
        String f = assertThrows(NpyFormatException.class, () -> npy("fortran_2x3.npy"))
                .getMessage();
        assertTrue(f.endsWith("fortran_2x3.npy is in Fortran order; save it with"
                + " np.ascontiguousarray"), f);
        String c = assertThrows(NpyFormatException.class, () -> npy("complex_2.npy"))
                .getMessage();
        assertTrue(c.contains("unsupported dtype '<c8'"), c);
    }

    @Test
    void savezAndSavezCompressed() {
        Map<String, Tensor> s = Npz.read(fixture("stored.npz"));
        assertEquals(List.of("x", "ids", "mask"), List.copyOf(s.keySet()));
        assertArrayEquals(new float[] {0, 1, 2}, s.get("x").toFloatArray());
        assertArrayEquals(new long[] {1, 2}, s.get("ids").toLongArray());
        assertArrayEquals(new long[] {1, 2}, s.get("ids").shape());
        assertArrayEquals(new boolean[] {true, false}, s.get("mask").toBoolArray());
        Map<String, Tensor> d = Npz.read(fixture("deflated.npz"));
        assertEquals(List.of("b", "a"), List.copyOf(d.keySet()));
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, d.get("b").toFloatArray());
        assertArrayEquals(new long[] {3, 2}, d.get("b").shape());
        assertEquals(2f, d.get("a").getFloat(0));
    }
}
