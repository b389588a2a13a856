package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test helpers written independently of the kernels: naive index arithmetic, random tensors,
 * value extraction in double, and comparisons with tolerances. Nothing here uses the kernels'
 * planning code (BroadcastPlan, StridedCopy), so a reference cannot share a kernel's bug.
 */
final class Ref {
    private Ref() {}

    static long count(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** Multi-index of flat index {@code flat} in row-major order. */
    static int[] unravel(long flat, long[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = (int) (flat % shape[d]);
            flat /= shape[d];
        }
        return idx;
    }

    /** Flat row-major index of {@code idx}. */
    static int ravel(int[] idx, long[] shape) {
        long f = 0;
        for (int d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
        return (int) f;
    }

    /** The flat index in {@code inShape} that NumPy broadcasting reads for output index {@code out}. */
    static int broadcastIndex(int[] out, long[] inShape) {
        int off = out.length - inShape.length;
        long f = 0;
        for (int d = 0; d < inShape.length; d++) {
            int i = inShape[d] == 1 ? 0 : out[off + d];
            f = f * inShape[d] + i;
        }
        return (int) f;
    }

    /** NumPy broadcasting, written out directly. */
    static long[] broadcast(long[]... shapes) {
        int rank = 0;
        for (long[] s : shapes) rank = Math.max(rank, s.length);
        long[] out = new long[rank];
        Arrays.fill(out, 1);
        for (long[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int o = rank - s.length + i;
                if (s[i] != 1) {
                    if (out[o] != 1 && out[o] != s[i]) throw new IllegalStateException("test shapes");
                    out[o] = s[i];
                }
            }
        }
        return out;
    }

    static Tensor randomFloats(Random r, long... shape) {
        Tensor t = Tensor.allocate(DType.F32, shape);
        for (int i = 0; i < t.numel(); i++) t.setFloat(i, (float) r.nextGaussian());
        return t;
    }

    static Tensor randomFloats(Random r, float lo, float hi, long... shape) {
        Tensor t = Tensor.allocate(DType.F32, shape);
        for (int i = 0; i < t.numel(); i++) t.setFloat(i, lo + (hi - lo) * r.nextFloat());
        return t;
    }

    static Tensor randomInts(Random r, DType type, int lo, int hi, long... shape) {
        Tensor t = Tensor.allocate(type, shape);
        for (int i = 0; i < t.numel(); i++) {
            int v = lo + r.nextInt(hi - lo + 1);
            switch (type) {
                case I64: t.setLong(i, v); break;
                case I32: t.setInt(i, v); break;
                case BOOL: t.setBool(i, (v & 1) != 0); break;
                case F32: t.setFloat(i, v); break;
                default: t.data().put(i * type.byteSize(), (byte) v);
            }
        }
        return t;
    }

    /** Every element as a double (bool as 0/1). */
    static double[] values(Tensor t) {
        double[] v = new double[(int) t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = value(t, i);
        return v;
    }

    static double value(Tensor t, int i) {
        switch (t.dtype()) {
            case F32: return t.getFloat(i);
            case F64: return t.getDouble(i);
            case I64: return t.getLong(i);
            case I32: return t.getInt(i);
            case BOOL: return t.getBool(i) ? 1 : 0;
            default: throw new IllegalArgumentException(t.dtype().toString());
        }
    }

    /** Allocates the outputs a kernel declares. */
    static Tensor[] outputsOf(Kernel k) {
        long[][] s = k.outputShapes();
        DType[] t = k.outputTypes();
        Tensor[] out = new Tensor[s.length];
        for (int i = 0; i < s.length; i++) out[i] = Tensor.allocate(t[i], s[i]);
        return out;
    }

    /** Runs a single-output kernel on fresh outputs and returns output 0. */
    static Tensor run(Kernel k, Tensor... inputs) {
        Tensor[] out = outputsOf(k);
        k.run(inputs, out);
        return out[0];
    }

    /**
     * Asserts |expected - actual| <= abs + rel * |expected| for every element; NaN must match
     * NaN and infinities must match exactly.
     */
    static void assertClose(double[] expected, Tensor actual, double rel, double abs, String ctx) {
        assertEquals(expected.length, actual.numel(), ctx + ": element count");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = value(actual, i);
            if (Double.isNaN(e) || Double.isNaN(a) || Double.isInfinite(e) || Double.isInfinite(a)) {
                if (!(Double.isNaN(e) && Double.isNaN(a)) && e != a) {
                    fail(ctx + ": element " + i + " expected " + e + " but was " + a);
                }
                continue;
            }
            if (Math.abs(e - a) > abs + rel * Math.abs(e)) {
                fail(ctx + ": element " + i + " expected " + e + " but was " + a + " (diff "
                        + Math.abs(e - a) + ")");
            }
        }
    }

    /** Asserts exact equality (as doubles; NaN equals NaN). */
    static void assertExact(double[] expected, Tensor actual, String ctx) {
        assertEquals(expected.length, actual.numel(), ctx + ": element count");
        for (int i = 0; i < expected.length; i++) {
            double a = value(actual, i);
            if (Double.compare(expected[i], a) != 0 && !(expected[i] == 0 && a == 0)) {
                fail(ctx + ": element " + i + " expected " + expected[i] + " but was " + a);
            }
        }
    }

    /** Asserts every float is within {@code ulps} units in the last place of the expected one. */
    static void assertUlps(float[] expected, Tensor actual, int ulps, String ctx) {
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual.getFloat(i);
            if (Float.isNaN(e) && Float.isNaN(a)) continue;
            if (e == a) continue;
            if (Float.isNaN(e) || Float.isNaN(a) || Float.isInfinite(e) || Float.isInfinite(a)
                    || Math.abs(e - a) > ulps * Math.ulp(e)) {
                fail(ctx + ": element " + i + " expected " + e + " but was " + a);
            }
        }
    }

    /** A random shape of the given rank with dims in [1, maxDim]. */
    static long[] randomShape(Random r, int rank, int maxDim) {
        long[] s = new long[rank];
        for (int i = 0; i < rank; i++) s[i] = 1 + r.nextInt(maxDim);
        return s;
    }

    /**
     * A shape that broadcasts to {@code out}: a random number of leading dims dropped and some
     * dims replaced by 1.
     */
    static long[] broadcastable(Random r, long[] out) {
        int drop = r.nextInt(out.length + 1);
        long[] s = Arrays.copyOfRange(out, drop, out.length);
        for (int i = 0; i < s.length; i++) if (r.nextInt(3) == 0) s[i] = 1;
        return s;
    }

    static String str(long[]... shapes) {
        StringBuilder sb = new StringBuilder();
        for (long[] s : shapes) sb.append(Arrays.toString(s));
        return sb.toString();
    }
}
