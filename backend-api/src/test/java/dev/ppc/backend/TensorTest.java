package dev.ppc.backend;

import dev.ppc.ir.DType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {
    /** The native address of a direct buffer's first byte, from its alignment offset. */
    private static long misalignment(ByteBuffer b) {
        return b.alignmentOffset(0, Tensor.ALIGNMENT);
    }

    @Test
    void allocateIsDirectNativeAlignedAndZeroed() {
        Tensor t = Tensor.allocate(DType.F32, 3, 5);
        assertTrue(t.data().isDirect());
        assertEquals(ByteOrder.nativeOrder(), t.data().order());
        assertEquals(0, misalignment(t.data()));
        assertEquals(15, t.numel());
        assertEquals(60, t.byteSize());
        assertEquals(60, t.data().limit());
        for (int i = 0; i < 15; i++) assertEquals(0f, t.getFloat(i));
        assertEquals(2, t.rank());
        assertEquals(5, t.dim(-1));
        assertEquals(3, t.dim(0));
    }

    @Test
    void scalarsAndEmptyTensors() {
        Tensor s = Tensor.scalarFloat(2.5f);
        assertEquals(0, s.rank());
        assertEquals(1, s.numel());
        assertEquals(2.5f, s.getFloat(0));
        Tensor e = Tensor.allocate(DType.I64, 4, 0);
        assertEquals(0, e.numel());
        assertEquals(0, e.byteSize());
        assertArrayEquals(new long[0], e.toLongArray());
        assertEquals(7L, Tensor.scalarLong(7).getLong(0));
        assertEquals(-3, Tensor.scalarInt(-3).getInt(0));
        assertTrue(Tensor.scalarBool(true).getBool(0));
        assertEquals(0.125, Tensor.scalarDouble(0.125).getDouble(0));
    }

    @Test
    void factoriesCheckTheValueCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofFloats(new long[] {2, 2}, 1f, 2f, 3f));
        assertTrue(e.getMessage().contains("3 values") && e.getMessage().contains("[2, 2]"));
    }

    @Test
    void typedViewsMatchTheBytes() {
        Tensor t = Tensor.ofLongs(new long[] {2}, 1L, -2L);
        assertEquals(-2L, t.data().getLong(8));
        Tensor b = Tensor.ofBools(new long[] {3}, true, false, true);
        assertArrayEquals(new boolean[] {true, false, true}, b.toBoolArray());
        assertEquals(1, b.data().get(2));
        assertThrows(IllegalStateException.class, t::floats);
        assertThrows(IllegalStateException.class, () -> b.getFloat(0));
    }

    @Test
    void getAndSetCheckBounds() {
        Tensor t = Tensor.allocate(DType.I32, 2);
        t.setInt(1, 42);
        assertArrayEquals(new int[] {0, 42}, t.toIntArray());
        assertThrows(IndexOutOfBoundsException.class, () -> t.getInt(2));
        assertThrows(IndexOutOfBoundsException.class, () -> t.setInt(-1, 0));
    }

    @Test
    void reshapeSharesDataAndCopyDoesNot() {
        Tensor t = Tensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        Tensor r = t.reshape(3, 2);
        assertArrayEquals(new long[] {3, 2}, r.shape());
        r.setFloat(0, 9f);
        assertEquals(9f, t.getFloat(0));
        Tensor c = t.copy();
        assertNotSame(c.data(), t.data());
        c.setFloat(1, -1f);
        assertEquals(2f, t.getFloat(1));
        assertEquals(0, misalignment(c.data()));
        assertThrows(IllegalArgumentException.class, () -> t.reshape(4, 2));
    }

    @Test
    void shapeIsACopy() {
        Tensor t = Tensor.allocate(DType.F32, 2, 3);
        t.shape()[0] = 7;
        assertArrayEquals(new long[] {2, 3}, t.shape());
        assertTrue(t.hasShape(new long[] {2, 3}));
    }

    @Test
    void wrapUsesTheBufferFromItsPositionWithoutCopying() {
        ByteBuffer arena = ByteBuffer.allocateDirect(64).order(ByteOrder.LITTLE_ENDIAN);
        arena.position(16);
        Tensor t = Tensor.wrap(DType.F32, new long[] {2}, arena);
        t.setFloat(1, 1.5f);
        assertEquals(1.5f, arena.order(ByteOrder.nativeOrder()).getFloat(20));
        assertEquals(16, arena.position());
        assertThrows(IllegalArgumentException.class,
                () -> Tensor.wrap(DType.F32, new long[] {2}, ByteBuffer.allocate(8)));
        assertThrows(IllegalArgumentException.class,
                () -> Tensor.wrap(DType.F64, new long[] {7}, ByteBuffer.allocateDirect(48)));
    }

    @Test
    void bitwiseEqualComparesDtypeShapeAndBytes() {
        Tensor a = Tensor.ofFloats(new long[] {2}, 1f, Float.NaN);
        Tensor b = Tensor.ofFloats(new long[] {2}, 1f, Float.NaN);
        assertTrue(Tensor.bitwiseEqual(a, b));
        assertFalse(Tensor.bitwiseEqual(a, b.reshape(2, 1)));
        assertFalse(Tensor.bitwiseEqual(a, Tensor.ofInts(new long[] {2}, 0, 0)));
        b.setFloat(0, -1f);
        assertFalse(Tensor.bitwiseEqual(a, b));
    }

    @Test
    void toStringIsShort() {
        String s = Tensor.ofFloats(new long[] {8}, 0, 1, 2, 3, 4, 5, 6, 7).toString();
        assertEquals("Tensor(f32 [8] [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, ...])", s);
        assertEquals("Tensor(i64 [0, 2])", Tensor.allocate(DType.I64, 0, 2).toString());
    }

    @Test
    void unsupportedDtypesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(DType.STRING, 2));
    }
}
