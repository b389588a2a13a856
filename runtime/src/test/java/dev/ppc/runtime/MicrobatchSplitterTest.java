package dev.ppc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import dev.ppc.ir.TensorType;
import org.junit.jupiter.api.Test;

class MicrobatchSplitterTest {
    @Test
    void viewsCoverConsecutiveRowsAndShareTheFullTensorsMemory() {
        Tensor full = Tensor.allocate(DType.I32, 6, 2);
        for (int i = 0; i < 12; i++) full.setInt(i, i);
        Tensor[] views = MicrobatchSplitter.split(full, 3);
        assertEquals(3, views.length);
        for (int mb = 0; mb < 3; mb++) {
            assertArrayEquals(new long[] {2, 2}, views[mb].shape());
            assertArrayEquals(new int[] {4 * mb, 4 * mb + 1, 4 * mb + 2, 4 * mb + 3}, views[mb].toIntArray());
        }
        views[2].setInt(1, -7); // a write through a view lands in the full tensor
        assertEquals(-7, full.getInt(9));
        full.setInt(4, 99); // and a write to the full tensor shows in the view
        assertEquals(99, views[1].getInt(0));
    }

    @Test
    void sliceOfHigherRankKeepsTheInnerDimensions() {
        Tensor full = Tensor.allocate(DType.F64, 4, 2, 3);
        for (int i = 0; i < 24; i++) full.setDouble(i, i);
        Tensor rows = MicrobatchSplitter.slice(full, 1, 2);
        assertArrayEquals(new long[] {2, 2, 3}, rows.shape());
        assertEquals(6.0, rows.getDouble(0));
        assertEquals(17.0, rows.getDouble(11));
    }

    @Test
    void microbatchTypeDividesAxisZero() {
        assertEquals(TensorType.of(DType.F32, 2, 5), MicrobatchSplitter.microbatchType(TensorType.of(DType.F32, 8, 5), 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MicrobatchSplitter.microbatchType(TensorType.of(DType.F32, 10, 5), 4));
        assertTrue(e.getMessage().contains("does not split into 4 microbatches"), e.getMessage());
    }

    @Test
    void alongAnotherAxisEachMicrobatchIsABlockOfEveryOuterRow() {
        Tensor full = Tensor.allocate(DType.I32, 2, 4, 3);
        for (int i = 0; i < 24; i++) full.setInt(i, i);
        assertEquals(TensorType.of(DType.I32, 2, 2, 3), MicrobatchSplitter.microbatchType(TensorType.of(DType.I32, 2, 4, 3), 2, 1));
        Tensor part = Tensor.allocate(DType.I32, 2, 2, 3);
        MicrobatchSplitter.copyOut(full, 1, 2, 1, part);
        assertArrayEquals(new int[] {6, 7, 8, 9, 10, 11, 18, 19, 20, 21, 22, 23}, part.toIntArray());
        for (int i = 0; i < 12; i++) part.setInt(i, -i);
        MicrobatchSplitter.copyIn(part, full, 1, 2, 0);
        assertArrayEquals(new int[] {0, -1, -2, -3, -4, -5, 6, 7, 8, 9, 10, 11, -6, -7, -8, -9, -10, -11, 18, 19, 20, 21, 22, 23},
                full.toIntArray());
        assertThrows(IllegalArgumentException.class, () -> MicrobatchSplitter.copyOut(full, 1, 4, 0, part));
    }

    @Test
    void splitRejectsABatchThatDoesNotDivideAndScalars() {
        assertThrows(IllegalArgumentException.class, () -> MicrobatchSplitter.split(Tensor.allocate(DType.F32, 5, 2), 2));
        assertThrows(IllegalArgumentException.class, () -> MicrobatchSplitter.split(Tensor.scalarFloat(1), 1));
        assertThrows(IllegalArgumentException.class, () -> MicrobatchSplitter.slice(Tensor.allocate(DType.F32, 5, 2), 4, 2));
    }
}
