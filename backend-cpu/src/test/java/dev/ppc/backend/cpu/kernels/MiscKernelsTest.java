package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Range, ConstantOfShape, CumSum and ArgMax. */
class MiscKernelsTest {
    @Test
    void rangeLengthsAndValues() {
        assertEquals(5, Range.length(0L, 5L, 1L));
        assertEquals(3, Range.length(0L, 5L, 2L));
        assertEquals(0, Range.length(5L, 0L, 1L));
        assertEquals(2, Range.length(10L, 4L, -3L));
        assertEquals(3, Range.length(10L, 3L, -3L));
        // 0.3f / 0.1f is 3.0000000745 in double, so ONNX Runtime (ceil((1.0 * (limit - start))
        // / delta)) and NumPy both make 4 elements.
        assertEquals(4, Range.length(0f, 0.3f, 0.1f));
        assertEquals(3, Range.length(0f, 3f, 1f));
        assertEquals(2, Range.length(1.0, 2.0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> Range.length(0L, 1L, 0L));
        Tensor y = Ref.run(new Range(DType.I64, 3), Tensor.scalarLong(10), Tensor.scalarLong(3), Tensor.scalarLong(-3));
        assertArrayEquals(new long[] {10, 7, 4}, y.toLongArray());
        Tensor yi = Ref.run(new Range(DType.I32, 4), Tensor.scalarInt(-2), Tensor.scalarInt(2), Tensor.scalarInt(1));
        assertArrayEquals(new int[] {-2, -1, 0, 1}, yi.toIntArray());
        Tensor f = Ref.run(new Range(DType.F32, 4), Tensor.scalarFloat(0f), Tensor.scalarFloat(0.3f), Tensor.scalarFloat(0.1f));
        float acc = 0f;
        for (int i = 0; i < 4; i++, acc += 0.1f) assertEquals(acc, f.getFloat(i), "accumulated, element " + i);
        Tensor d = Ref.run(new Range(DType.F64, 2), Tensor.scalarDouble(1), Tensor.scalarDouble(2), Tensor.scalarDouble(0.5));
        assertArrayEquals(new double[] {1, 1.5}, d.toDoubleArray());
        assertThrows(IllegalStateException.class, () -> Ref.run(new Range(DType.I64, 2),
                Tensor.scalarLong(0), Tensor.scalarLong(5), Tensor.scalarLong(1)));
    }

    @Test
    void constantOfShapeFillsAnyDtype() {
        Tensor z = Ref.run(new ConstantOfShape(new long[] {2, 3}, null), Tensor.ofLongs(new long[] {2}, 2, 3));
        assertEquals(DType.F32, z.dtype());
        assertArrayEquals(new float[6], z.toFloatArray());
        Tensor l = Ref.run(new ConstantOfShape(new long[] {5}, Tensor.ofLongs(new long[] {1}, -7)));
        assertArrayEquals(new long[] {-7, -7, -7, -7, -7}, l.toLongArray());
        Tensor b = Ref.run(new ConstantOfShape(new long[] {3}, Tensor.scalarBool(true)));
        assertArrayEquals(new boolean[] {true, true, true}, b.toBoolArray());
        Tensor f = Ref.run(new ConstantOfShape(new long[0], Tensor.scalarFloat(2.5f)));
        assertEquals(2.5f, f.getFloat(0));
        Tensor e = Ref.run(new ConstantOfShape(new long[] {0, 4}, Tensor.scalarFloat(1f)));
        assertEquals(0, e.numel());
        assertThrows(IllegalArgumentException.class, () -> new ConstantOfShape(new long[] {1},
                Tensor.ofFloats(new long[] {2}, 1, 2)));
    }

    @Test
    void cumSumAllModes() {
        Random r = new Random(90);
        for (DType t : new DType[] {DType.F32, DType.I64, DType.I32, DType.F64}) {
            for (int trial = 0; trial < 30; trial++) {
                long[] shape = Ref.randomShape(r, 1 + r.nextInt(3), 5);
                int axis = r.nextInt(shape.length);
                boolean exclusive = r.nextBoolean();
                boolean reverse = r.nextBoolean();
                Tensor x;
                if (t == DType.F64) {
                    x = Tensor.allocate(DType.F64, shape);
                    for (int i = 0; i < x.numel(); i++) x.setDouble(i, r.nextGaussian());
                } else {
                    x = t == DType.F32 ? Ref.randomFloats(r, shape) : Ref.randomInts(r, t, -100, 100, shape);
                }
                Tensor y = Ref.run(new CumSum(t, shape, axis - (r.nextBoolean() ? shape.length : 0), exclusive, reverse), x);
                double[] e = new double[(int) x.numel()];
                for (int i = 0; i < e.length; i++) {
                    int[] idx = Ref.unravel(i, shape);
                    int pos = idx[axis];
                    double s = 0;
                    for (int j = 0; j < shape[axis]; j++) {
                        boolean in = reverse ? (exclusive ? j > pos : j >= pos) : (exclusive ? j < pos : j <= pos);
                        if (in) {
                            idx[axis] = j;
                            s += Ref.value(x, Ref.ravel(idx, shape));
                        }
                    }
                    e[i] = s;
                }
                String ctx = "CumSum " + t + Arrays.toString(shape) + " axis " + axis + " excl " + exclusive + " rev " + reverse;
                if (t == DType.F32 || t == DType.F64) Ref.assertClose(e, y, 1e-6, 1e-6, ctx); else Ref.assertExact(e, y, ctx);
            }
        }
    }

    @Test
    void argMaxFirstOrLastIndex() {
        Random r = new Random(91);
        for (DType t : new DType[] {DType.F32, DType.I64, DType.I32}) {
            for (int trial = 0; trial < 30; trial++) {
                long[] shape = Ref.randomShape(r, 1 + r.nextInt(3), 5);
                int axis = r.nextInt(shape.length);
                boolean keep = r.nextBoolean();
                boolean last = r.nextBoolean();
                Tensor x = Ref.randomInts(r, t, -3, 3, shape); // small range: ties happen
                Tensor y = Ref.run(new ArgMax(t, shape, axis, keep, last), x);
                assertEquals(DType.I64, y.dtype());
                long[] out = ArgMax.outputShape(shape, axis, keep);
                assertArrayEquals(out, y.shape());
                long[] keptShape = shape.clone();
                keptShape[axis] = 1;
                for (int i = 0; i < y.numel(); i++) {
                    int[] idx = Ref.unravel(i, keptShape);
                    int best = -1;
                    double bv = 0;
                    for (int j = 0; j < shape[axis]; j++) {
                        idx[axis] = j;
                        double v = Ref.value(x, Ref.ravel(idx, shape));
                        if (best < 0 || v > bv || (last && v == bv)) {
                            best = j;
                            bv = v;
                        }
                    }
                    assertEquals(best, y.getLong(i), "ArgMax " + t + Arrays.toString(shape) + " axis " + axis);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new ArgMax(DType.F32, new long[] {2, 0}, 1, true, false));
    }
}
