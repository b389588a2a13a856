package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnaryTest {
    private static final float[] SPECIAL = {0f, -0f, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE,
        -Float.MAX_VALUE, 1e-20f, -1e-20f, 1f, -1f};

    /** Random values in [lo, hi] plus the special values, shape [n]. */
    private static Tensor data(Random r, float lo, float hi, int n) {
        Tensor t = Ref.randomFloats(r, lo, hi, n + SPECIAL.length);
        for (int i = 0; i < SPECIAL.length; i++) t.setFloat(n + i, SPECIAL[i]);
        return t;
    }

    private static float[] map(Tensor x, DoubleUnaryOperator f) {
        float[] r = new float[(int) x.numel()];
        for (int i = 0; i < r.length; i++) r[i] = (float) f.applyAsDouble(x.getFloat(i));
        return r;
    }

    private static Tensor run(Unary.Op op, Tensor x) {
        return Ref.run(new Unary(op, x.dtype(), x.shape()), x);
    }

    @Test
    void exactOps() {
        Random r = new Random(10);
        Tensor x = data(r, -100, 100, 3000);
        assertArrayEquals(map(x, Math::abs), run(Unary.Op.ABS, x).toFloatArray());
        assertArrayEquals(map(x, v -> -v), run(Unary.Op.NEG, x).toFloatArray());
        assertArrayEquals(map(x, Math::sqrt), run(Unary.Op.SQRT, x).toFloatArray());
        assertArrayEquals(map(x, v -> 1.0 / v), run(Unary.Op.RECIPROCAL, x).toFloatArray());
        assertArrayEquals(map(x, Math::log), run(Unary.Op.LOG, x).toFloatArray());
        assertArrayEquals(map(x, v -> Double.isNaN(v) ? v : v > 0 ? v : 0.0),
                run(Unary.Op.RELU, x).toFloatArray());
    }

    @Test
    void transcendentalOpsWithinOneUlp() {
        Random r = new Random(11);
        Tensor e = data(r, -110, 95, 5000);
        Ref.assertUlps(map(e, Math::exp), run(Unary.Op.EXP, e), 1, "Exp");
        Tensor t = data(r, -12, 12, 5000);
        Ref.assertUlps(map(t, Math::tanh), run(Unary.Op.TANH, t), 1, "Tanh");
        Tensor small = data(r, -0.1f, 0.1f, 2000);
        Ref.assertUlps(map(small, Math::tanh), run(Unary.Op.TANH, small), 1, "Tanh near 0");
        Ref.assertUlps(map(t, v -> 1 / (1 + Math.exp(-v))), run(Unary.Op.SIGMOID, t), 1, "Sigmoid");
    }

    @Test
    void erfWithinOneEMinus7OfADoubleReference() {
        Random r = new Random(12);
        Tensor x = data(r, -5, 5, 20000);
        Tensor y = run(Unary.Op.ERF, x);
        double worst = 0;
        for (int i = 0; i < x.numel(); i++) {
            float v = x.getFloat(i);
            double ref = ErfReference.erf(v);
            float got = y.getFloat(i);
            if (Double.isNaN(ref)) {
                assertTrue(Float.isNaN(got));
                continue;
            }
            worst = Math.max(worst, Math.abs(got - ref));
        }
        assertTrue(worst <= 1e-7, "max abs error " + worst);
    }

    @Test
    void integerAndBoolOps() {
        Tensor l = Tensor.ofLongs(new long[] {4}, -3, 0, 5, Long.MIN_VALUE + 1);
        assertArrayEquals(new long[] {3, 0, -5, Long.MAX_VALUE}, run(Unary.Op.NEG, l).toLongArray());
        assertArrayEquals(new long[] {3, 0, 5, Long.MAX_VALUE}, run(Unary.Op.ABS, l).toLongArray());
        assertArrayEquals(new long[] {0, 0, 5, 0}, run(Unary.Op.RELU, l).toLongArray());
        Tensor i = Tensor.ofInts(new long[] {2, 1}, -7, 7);
        assertArrayEquals(new int[] {7, -7}, run(Unary.Op.NEG, i).toIntArray());
        Tensor b = Tensor.ofBools(new long[] {3}, true, false, true);
        assertArrayEquals(new boolean[] {false, true, false}, run(Unary.Op.NOT, b).toBoolArray());
        assertThrows(IllegalArgumentException.class, () -> new Unary(Unary.Op.EXP, DType.I64, new long[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new Unary(Unary.Op.NOT, DType.F32, new long[] {1}));
    }

    @Test
    void scalarsEmptyAndInPlace() {
        assertArrayEquals(new float[] {(float) Math.exp(1)},
                run(Unary.Op.EXP, Tensor.scalarFloat(1f)).toFloatArray());
        assertArrayEquals(new float[0], run(Unary.Op.ERF, Tensor.allocate(DType.F32, 3, 0)).toFloatArray());
        Tensor x = Tensor.ofFloats(new long[] {2}, 4f, 9f);
        new Unary(Unary.Op.SQRT, DType.F32, x.shape()).run(new Tensor[] {x}, new Tensor[] {x});
        assertArrayEquals(new float[] {2f, 3f}, x.toFloatArray());
    }
}
