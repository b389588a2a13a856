package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ONNX ReduceSum, ReduceMean, ReduceMax and ReduceMin over a set of axes, with {@code keepdims}
 * and {@code noop_with_empty_axes}.
 *
 * <p>The axes are fixed at construction whether the graph gives them as an attribute (ReduceSum
 * before opset 13, the others before 18) or as a constant input (later opsets): with static
 * shapes they are always known. A second input, when present at run time, is ignored.
 *
 * <p>Floats accumulate in double, integers in long. Reducing an empty set gives 0 (Sum), NaN
 * (Mean), and the identity of Max/Min (-inf/+inf, or the integer extremes).
 *
 * <p>Plan: dims of size 1 are dropped and neighbouring dims that are both kept or both reduced
 * are merged. If the innermost merged dim is reduced (the last-axis case), each output element
 * is a contiguous (or strided) run sum. If it is kept, whole rows of the input are accumulated
 * into a row of scratch accumulators, which reads memory in order instead of with a large stride.
 */
public final class Reduce extends AbstractKernel {
    /** The supported reductions, named as in ONNX without the "Reduce" prefix. */
    public enum Op { SUM, MEAN, MAX, MIN }

    private final Op op;
    private final DType type;
    private final boolean identity;
    private final int outCount;
    private final int count;
    private final boolean innerReduced;
    private final int[] keptDims;
    private final int[] keptStrides;
    private final int[] redDims;
    private final int[] redStrides;
    private final double[] accD;
    private final long[] accL;

    /**
     * @param axes the axes to reduce (negative allowed); {@code null} or empty means all axes,
     *     or none at all when {@code noopWithEmptyAxes}
     */
    public Reduce(Op op, DType type, long[] inShape, long[] axes, boolean keepdims,
                  boolean noopWithEmptyAxes) {
        super("Reduce" + op.name().charAt(0) + op.name().substring(1).toLowerCase());
        if (op == Op.MEAN) {
            requireType(name(), type, DType.F32);
        } else {
            requireType(name(), type, DType.F32, DType.I64, DType.I32);
        }
        this.op = op;
        this.type = type;
        boolean[] reduced = reducedAxes(inShape, axes, noopWithEmptyAxes);
        long[] out = outputShape(inShape, axes, keepdims, noopWithEmptyAxes);
        this.identity = axes == null || axes.length == 0 ? noopWithEmptyAxes : false;
        this.outCount = Shapes.toInt(Shapes.numel(out), "element count");
        long c = 1;
        for (int i = 0; i < inShape.length; i++) if (reduced[i]) c *= inShape[i];
        this.count = Shapes.toInt(c, "element count");

        // Merge runs of kept / reduced dims (size-1 dims dropped); each run: {size, reduced}.
        List<long[]> runs = new ArrayList<>();
        for (int i = 0; i < inShape.length; i++) {
            if (inShape[i] == 1) continue;
            long flag = reduced[i] ? 1 : 0;
            if (!runs.isEmpty() && runs.get(runs.size() - 1)[1] == flag) {
                runs.get(runs.size() - 1)[0] *= inShape[i];
            } else {
                runs.add(new long[] {inShape[i], flag});
            }
        }
        if (runs.isEmpty()) runs.add(new long[] {1, 0});
        int[] strides = new int[runs.size()];
        long acc = 1;
        for (int i = runs.size() - 1; i >= 0; i--) {
            strides[i] = Shapes.toInt(acc, "stride");
            acc *= Math.max(runs.get(i)[0], 1);
        }
        List<Integer> kd = new ArrayList<>();
        List<Integer> ks = new ArrayList<>();
        List<Integer> rd = new ArrayList<>();
        List<Integer> rs = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            int size = Shapes.toInt(runs.get(i)[0], "dimension");
            if (runs.get(i)[1] == 1) {
                rd.add(size);
                rs.add(strides[i]);
            } else {
                kd.add(size);
                ks.add(strides[i]);
            }
        }
        this.innerReduced = runs.get(runs.size() - 1)[1] == 1;
        this.keptDims = toArray(kd);
        this.keptStrides = toArray(ks);
        this.redDims = toArray(rd);
        this.redStrides = toArray(rs);
        int scratch = innerReduced || keptDims.length == 0 ? 0 : keptDims[keptDims.length - 1];
        this.accD = type == DType.F32 ? new double[scratch] : null;
        this.accL = type == DType.F32 ? null : new long[scratch];
        inputs(1, new long[][] {inShape, null}, new DType[] {type, null});
        outputs(new long[][] {out}, new DType[] {type});
    }

    private static int[] toArray(List<Integer> l) {
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) r[i] = l.get(i);
        return r;
    }

    private static boolean[] reducedAxes(long[] shape, long[] axes, boolean noop) {
        boolean[] r = new boolean[shape.length];
        if (axes == null || axes.length == 0) {
            if (!noop) Arrays.fill(r, true);
            return r;
        }
        for (long a : axes) {
            int n = Shapes.normalizeAxis(a, shape.length);
            if (r[n]) throw new IllegalArgumentException("axis " + a + " is repeated in " + Arrays.toString(axes));
            r[n] = true;
        }
        return r;
    }

    /** The output shape: reduced dims become 1 with {@code keepdims}, else disappear. */
    public static long[] outputShape(long[] inShape, long[] axes, boolean keepdims,
                                     boolean noopWithEmptyAxes) {
        boolean[] r = reducedAxes(inShape, axes, noopWithEmptyAxes);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < inShape.length; i++) {
            if (!r[i]) out.add(inShape[i]);
            else if (keepdims) out.add(1L);
        }
        long[] s = new long[out.size()];
        for (int i = 0; i < s.length; i++) s[i] = out.get(i);
        return s;
    }

    private static int offsetOf(int idx, int[] dims, int[] strides, int upTo) {
        int off = 0;
        int rem = idx;
        for (int d = upTo - 1; d >= 0; d--) {
            int q = rem / dims[d];
            off += (rem - q * dims[d]) * strides[d];
            rem = q;
        }
        return off;
    }

    private static int product(int[] dims, int upTo) {
        int p = 1;
        for (int i = 0; i < upTo; i++) p *= dims[i];
        return p;
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        if (identity) {
            y.data().put(0, x.data(), 0, (int) x.byteSize());
            return;
        }
        if (outCount == 0) return;
        if (type == DType.F32) {
            if (innerReduced || keptDims.length == 0) reduceRunsFloat(x.floats(), y.floats());
            else reduceRowsFloat(x.floats(), y.floats());
        } else {
            if (innerReduced || keptDims.length == 0) reduceRunsLong(x, y);
            else reduceRowsLong(x, y);
        }
    }

    private double initD() {
        switch (op) {
            case MAX: return Double.NEGATIVE_INFINITY;
            case MIN: return Double.POSITIVE_INFINITY;
            default: return 0;
        }
    }

    private long initL() {
        switch (op) {
            case MAX: return type == DType.I32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            case MIN: return type == DType.I32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
            default: return 0;
        }
    }

    /** Innermost dim reduced: every output element reduces its own runs. */
    private void reduceRunsFloat(FloatBuffer x, FloatBuffer y) {
        int nr = redDims.length;
        int last = nr == 0 ? 1 : redDims[nr - 1];
        int lastStride = nr == 0 ? 0 : redStrides[nr - 1];
        int outerRed = product(redDims, Math.max(nr - 1, 0));
        double init = initD();
        for (int o = 0; o < outCount; o++) {
            int base = offsetOf(o, keptDims, keptStrides, keptDims.length);
            double acc = init;
            for (int q = 0; q < outerRed; q++) {
                int off = base + offsetOf(q, redDims, redStrides, Math.max(nr - 1, 0));
                switch (op) {
                    case MAX:
                        for (int j = 0; j < last; j++) acc = Math.max(acc, x.get(off + j * lastStride));
                        break;
                    case MIN:
                        for (int j = 0; j < last; j++) acc = Math.min(acc, x.get(off + j * lastStride));
                        break;
                    default:
                        if (lastStride == 1) {
                            for (int j = 0; j < last; j++) acc += x.get(off + j);
                        } else {
                            for (int j = 0; j < last; j++) acc += x.get(off + j * lastStride);
                        }
                }
            }
            y.put(o, (float) (op == Op.MEAN ? acc / count : acc));
        }
    }

    /** Innermost dim kept: accumulate whole input rows into a row of accumulators. */
    private void reduceRowsFloat(FloatBuffer x, FloatBuffer y) {
        int nk = keptDims.length;
        int width = keptDims[nk - 1];
        int outerKept = product(keptDims, nk - 1);
        int redCount = product(redDims, redDims.length);
        double init = initD();
        double[] acc = accD;
        for (int p = 0; p < outerKept; p++) {
            int base = offsetOf(p, keptDims, keptStrides, nk - 1);
            Arrays.fill(acc, init);
            for (int q = 0; q < redCount; q++) {
                int off = base + offsetOf(q, redDims, redStrides, redDims.length);
                switch (op) {
                    case MAX:
                        for (int k = 0; k < width; k++) acc[k] = Math.max(acc[k], x.get(off + k));
                        break;
                    case MIN:
                        for (int k = 0; k < width; k++) acc[k] = Math.min(acc[k], x.get(off + k));
                        break;
                    default:
                        for (int k = 0; k < width; k++) acc[k] += x.get(off + k);
                }
            }
            int ob = p * width;
            for (int k = 0; k < width; k++) {
                y.put(ob + k, (float) (op == Op.MEAN ? acc[k] / count : acc[k]));
            }
        }
    }

    private long fold(long acc, long v) {
        switch (op) {
            case MAX: return Math.max(acc, v);
            case MIN: return Math.min(acc, v);
            default: return acc + v;
        }
    }

    private static long get(Tensor t, int i) {
        return t.dtype() == DType.I64 ? t.longs().get(i) : t.ints().get(i);
    }

    private static void set(Tensor t, int i, long v) {
        if (t.dtype() == DType.I64) t.longs().put(i, v); else t.ints().put(i, (int) v);
    }

    private void reduceRunsLong(Tensor x, Tensor y) {
        int nr = redDims.length;
        int last = nr == 0 ? 1 : redDims[nr - 1];
        int lastStride = nr == 0 ? 0 : redStrides[nr - 1];
        int outerRed = product(redDims, Math.max(nr - 1, 0));
        for (int o = 0; o < outCount; o++) {
            int base = offsetOf(o, keptDims, keptStrides, keptDims.length);
            long acc = initL();
            for (int q = 0; q < outerRed; q++) {
                int off = base + offsetOf(q, redDims, redStrides, Math.max(nr - 1, 0));
                for (int j = 0; j < last; j++) acc = fold(acc, get(x, off + j * lastStride));
            }
            set(y, o, acc);
        }
    }

    private void reduceRowsLong(Tensor x, Tensor y) {
        int nk = keptDims.length;
        int width = keptDims[nk - 1];
        int outerKept = product(keptDims, nk - 1);
        int redCount = product(redDims, redDims.length);
        long[] acc = accL;
        for (int p = 0; p < outerKept; p++) {
            int base = offsetOf(p, keptDims, keptStrides, nk - 1);
            Arrays.fill(acc, initL());
            for (int q = 0; q < redCount; q++) {
                int off = base + offsetOf(q, redDims, redStrides, redDims.length);
                for (int k = 0; k < width; k++) acc[k] = fold(acc[k], get(x, off + k));
            }
            for (int k = 0; k < width; k++) set(y, p * width + k, acc[k]);
        }
    }
}
