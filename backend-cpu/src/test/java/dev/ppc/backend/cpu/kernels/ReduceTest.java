package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReduceTest {
    /** Reduction by scattering every input element into its output slot. */
    static double[] reference(Reduce.Op op, Tensor x, boolean[] reduced) {
        long[] s = x.shape();
        List<Long> outDims = new ArrayList<>();
        for (int i = 0; i < s.length; i++) if (!reduced[i]) outDims.add(s[i]);
        long[] os = outDims.stream().mapToLong(Long::longValue).toArray();
        int n = (int) Ref.count(os);
        double[] acc = new double[n];
        double init = op == Reduce.Op.MAX ? Double.NEGATIVE_INFINITY
                : op == Reduce.Op.MIN ? Double.POSITIVE_INFINITY : 0;
        Arrays.fill(acc, init);
        long count = 1;
        for (int i = 0; i < s.length; i++) if (reduced[i]) count *= s[i];
        for (int i = 0; i < x.numel(); i++) {
            int[] idx = Ref.unravel(i, s);
            int[] oi = new int[os.length];
            for (int d = 0, k = 0; d < s.length; d++) if (!reduced[d]) oi[k++] = idx[d];
            int o = Ref.ravel(oi, os);
            double v = Ref.value(x, i);
            switch (op) {
                case MAX: acc[o] = Math.max(acc[o], v); break;
                case MIN: acc[o] = Math.min(acc[o], v); break;
                default: acc[o] += v;
            }
        }
        if (op == Reduce.Op.MEAN) for (int i = 0; i < n; i++) acc[i] /= count;
        if (x.dtype() == DType.I32) {
            for (int i = 0; i < n; i++) {
                if (acc[i] == Double.NEGATIVE_INFINITY) acc[i] = Integer.MIN_VALUE;
                if (acc[i] == Double.POSITIVE_INFINITY) acc[i] = Integer.MAX_VALUE;
            }
        }
        if (x.dtype() == DType.I64) {
            for (int i = 0; i < n; i++) {
                if (acc[i] == Double.NEGATIVE_INFINITY) acc[i] = Long.MIN_VALUE;
                if (acc[i] == Double.POSITIVE_INFINITY) acc[i] = Long.MAX_VALUE;
            }
        }
        return acc;
    }

    @Test
    void randomAxesKeepdimsAndTypes() {
        Random r = new Random(50);
        for (Reduce.Op op : Reduce.Op.values()) {
            for (DType t : new DType[] {DType.F32, DType.I64, DType.I32}) {
                if (op == Reduce.Op.MEAN && t != DType.F32) continue;
                for (int trial = 0; trial < 40; trial++) {
                    int rank = r.nextInt(5);
                    long[] shape = Ref.randomShape(r, rank, 5);
                    if (trial == 1 && rank > 0) shape[r.nextInt(rank)] = 0;
                    if (trial == 2) shape = new long[] {4, 128, 96};
                    rank = shape.length;
                    boolean[] red = new boolean[rank];
                    List<Long> axes = new ArrayList<>();
                    for (int i = 0; i < rank; i++) {
                        if (r.nextBoolean()) {
                            red[i] = true;
                            axes.add(r.nextBoolean() ? (long) i : (long) i - rank);
                        }
                    }
                    long[] ax = axes.stream().mapToLong(Long::longValue).toArray();
                    if (ax.length == 0) Arrays.fill(red, true);
                    boolean keep = r.nextBoolean();
                    Tensor x = t == DType.F32 ? Ref.randomFloats(r, shape) : Ref.randomInts(r, t, -1000, 1000, shape);
                    Reduce k = new Reduce(op, t, shape, ax, keep, false);
                    Tensor y = Ref.run(k, x);
                    long[] expShape = shape.clone();
                    List<Long> dims = new ArrayList<>();
                    for (int i = 0; i < rank; i++) if (!red[i] || keep) dims.add(red[i] ? 1 : shape[i]);
                    assertArrayEquals(dims.stream().mapToLong(Long::longValue).toArray(), y.shape());
                    double[] e = reference(op, x, red);
                    String ctx = op + " " + t + " " + Arrays.toString(expShape) + " axes " + Arrays.toString(ax);
                    if (t == DType.F32) Ref.assertClose(e, y, 1e-6, 1e-6, ctx); else Ref.assertExact(e, y, ctx);
                }
            }
        }
    }

    @Test
    void emptyAxesAndNoop() {
        Tensor x = Tensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        assertEquals(21f, Ref.run(new Reduce(Reduce.Op.SUM, DType.F32, x.shape(), null, false, false), x).getFloat(0));
        Tensor keep = Ref.run(new Reduce(Reduce.Op.SUM, DType.F32, x.shape(), new long[0], true, false), x);
        assertArrayEquals(new long[] {1, 1}, keep.shape());
        Tensor same = Ref.run(new Reduce(Reduce.Op.SUM, DType.F32, x.shape(), new long[0], true, true), x);
        assertArrayEquals(x.toFloatArray(), same.toFloatArray());
        assertArrayEquals(new long[] {2, 3}, same.shape());
    }

    @Test
    void emptyReductionsGiveIdentities() {
        long[] s = {3, 0};
        Tensor x = Tensor.allocate(DType.F32, s);
        assertArrayEquals(new float[] {0, 0, 0}, Ref.run(new Reduce(Reduce.Op.SUM, DType.F32, s, new long[] {1}, false, false), x).toFloatArray());
        assertEquals(Float.NaN, Ref.run(new Reduce(Reduce.Op.MEAN, DType.F32, s, new long[] {1}, false, false), x).getFloat(0));
        assertEquals(Float.NEGATIVE_INFINITY, Ref.run(new Reduce(Reduce.Op.MAX, DType.F32, s, new long[] {1}, false, false), x).getFloat(0));
        Tensor xi = Tensor.allocate(DType.I64, s);
        assertEquals(Long.MAX_VALUE, Ref.run(new Reduce(Reduce.Op.MIN, DType.I64, s, new long[] {1}, true, false), xi).getLong(2));
    }

    @Test
    void badAxes() {
        assertThrows(IllegalArgumentException.class, () -> new Reduce(Reduce.Op.SUM, DType.F32, new long[] {2}, new long[] {1}, true, false));
        assertThrows(IllegalArgumentException.class, () -> new Reduce(Reduce.Op.SUM, DType.F32, new long[] {2, 2}, new long[] {0, -2}, true, false));
        assertThrows(IllegalArgumentException.class, () -> new Reduce(Reduce.Op.MEAN, DType.I64, new long[] {2}, null, true, false));
    }
}
