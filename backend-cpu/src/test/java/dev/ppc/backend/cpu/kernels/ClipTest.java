package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipTest {
    @Test
    void floatBoundsOptionalAndNanPassesThrough() {
        Random r = new Random(20);
        Tensor x = Ref.randomFloats(r, 4, 25);
        x.setFloat(3, Float.NaN);
        Clip k = new Clip(DType.F32, x.shape());
        Tensor both = Ref.run(k, x, Tensor.scalarFloat(-0.5f), Tensor.scalarFloat(0.7f));
        Tensor lo = Ref.run(k, x, Tensor.scalarFloat(-0.5f));
        Tensor hi = Ref.run(k, x, null, Tensor.scalarFloat(0.7f));
        Tensor none = Ref.run(k, x);
        for (int i = 0; i < x.numel(); i++) {
            float v = x.getFloat(i);
            if (Float.isNaN(v)) {
                assertTrue(Float.isNaN(both.getFloat(i)) && Float.isNaN(lo.getFloat(i)));
                continue;
            }
            assertTrue(both.getFloat(i) == (v < -0.5f ? -0.5f : v > 0.7f ? 0.7f : v));
            assertTrue(lo.getFloat(i) == (v < -0.5f ? -0.5f : v));
            assertTrue(hi.getFloat(i) == (v > 0.7f ? 0.7f : v));
            assertTrue(none.getFloat(i) == v);
        }
    }

    @Test
    void minAboveMaxGivesMax() {
        Tensor x = Tensor.ofFloats(new long[] {3}, -5, 0, 5);
        Tensor y = Ref.run(new Clip(DType.F32, x.shape()), x, Tensor.scalarFloat(2), Tensor.scalarFloat(1));
        assertArrayEquals(new float[] {1, 1, 1}, y.toFloatArray());
    }

    @Test
    void integerTypesAndShapeOneBounds() {
        Tensor x = Tensor.ofLongs(new long[] {4}, -10, -1, 3, 100);
        Tensor y = Ref.run(new Clip(DType.I64, x.shape()), x, Tensor.ofLongs(new long[] {1}, -2),
                Tensor.scalarLong(50));
        assertArrayEquals(new long[] {-2, -1, 3, 50}, y.toLongArray());
        Tensor xi = Tensor.ofInts(new long[] {2}, -10, 10);
        Tensor yi = Ref.run(new Clip(DType.I32, xi.shape()), xi, null, Tensor.scalarInt(0));
        assertArrayEquals(new int[] {-10, 0}, yi.toIntArray());
    }
}
