package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.FloatBuffer;

/**
 * ONNX Softmax and LogSoftmax with opset-13 semantics: normalized along one axis (default -1),
 * f32. The max is subtracted before exponentiating, and the sum is accumulated in double.
 *
 * <p>The tensor is viewed as {@code [outer, n, inner]} with {@code n} the axis length. For the
 * last axis ({@code inner == 1}, the attention case) each row is a few tight passes over a copy
 * of the row (the exponentials of Softmax by {@link TileMath#expNonPositive}, relative error
 * below 1e-9, and the sum with eight partial sums); otherwise the same passes run down each
 * column with stride {@code inner}. The output may be the input tensor.
 */
public final class Softmax extends AbstractKernel implements ParallelKernel {
    private final boolean log;
    private final int outer;
    private final int n;
    private final int inner;
    /** Row scratch for the last-axis Softmax (null otherwise). */
    private float[][] rowF;
    private double[][] rowD;
    private final int rowsPerBlock;
    private Parallel parallel;
    private FloatBuffer runX, runY;
    private final Parallel.Task blockChunk = this::blocks;

    /**
     * @param log compute LogSoftmax instead of Softmax
     */
    public Softmax(long[] shape, long axis, boolean log) {
        super(log ? "LogSoftmax" : "Softmax");
        this.log = log;
        if (shape.length == 0) {
            throw new IllegalArgumentException(name() + " needs an input of rank >= 1");
        }
        int a = Shapes.normalizeAxis(axis, shape.length);
        long o = 1;
        long in = 1;
        for (int i = 0; i < a; i++) o *= shape[i];
        for (int i = a + 1; i < shape.length; i++) in *= shape[i];
        this.outer = Shapes.toInt(o, "dimension");
        this.n = Shapes.toInt(shape[a], "dimension");
        this.inner = Shapes.toInt(in, "dimension");
        boolean rows = inner == 1 && !log;
        // Several short rows share one pass of each loop: loop set-up is amortized over a tile.
        this.rowsPerBlock = rows ? Math.max(1, Math.min(outer, Fused.TILE / Math.max(n, 1))) : 1;
        this.rowF = rows ? new float[][] {new float[rowsPerBlock * n]} : null;
        this.rowD = rows ? new double[][] {new double[rowsPerBlock * n]} : null;
        inputs(1, new long[][] {shape}, new DType[] {DType.F32});
        outputs(new long[][] {shape}, new DType[] {DType.F32});
    }

    @Override
    public void useParallel(Parallel p) {
        if (rowF == null) return;
        parallel = p;
        float[][] f = new float[p.threads()][];
        double[][] d = new double[p.threads()][];
        for (int w = 0; w < f.length; w++) {
            f[w] = w == 0 ? rowF[0] : new float[rowF[0].length];
            d[w] = w == 0 ? rowD[0] : new double[rowD[0].length];
        }
        rowF = f;
        rowD = d;
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        FloatBuffer x = inputs[0].floats();
        FloatBuffer y = outputs[0].floats();
        if (n == 0) return;
        if (inner == 1 && !log) {
            int blocks = (outer + rowsPerBlock - 1) / rowsPerBlock;
            runX = x;
            runY = y;
            if (parallel != null) parallel.forRange(blocks, Math.max(1, 8192 / (rowsPerBlock * n)), blockChunk);
            else blockChunk.run(0, 0, blocks);
            runX = null;
            runY = null;
            return;
        }
        for (int o = 0; o < outer; o++) {
            int base = o * n * inner;
            for (int j = 0; j < inner; j++) {
                if (inner == 1) {
                    row(x, y, base);
                } else {
                    column(x, y, base + j, inner);
                }
            }
        }
    }

    /** Blocks {@code [from, to)} of rows of the current run, with worker {@code worker}'s arrays. */
    private void blocks(int worker, int from, int to) {
        for (int b = from; b < to; b++) {
            int o = b * rowsPerBlock;
            rows(worker, runX, runY, o, Math.min(rowsPerBlock, outer - o));
        }
    }

    /**
     * Softmax of {@code count} contiguous rows from row {@code first}, through arrays and
     * vectorizable loops ({@link TileMath}): per row the max, then for all rows at once
     * {@code e = exp(x - max)} in double without a table, per row the sum (eight partial sums)
     * and {@code (float) e * (float) (1 / sum)}. Only the two conversions run scalar.
     *
     * <p>The max is taken with {@code >}, which skips NaN: a row with a NaN still comes out all
     * NaN, because {@code exp(NaN - max)} makes its sum NaN.
     */
    private void rows(int worker, FloatBuffer xAll, FloatBuffer yAll, int first, int count) {
        float[] f = rowF[worker];
        double[] d = rowD[worker];
        int len = count * n;
        xAll.get(first * n, f, 0, len);
        for (int r = 0; r < count; r++) {
            int b = r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = b; i < b + n; i++) {
                float v = f[i];
                max = v > max ? v : max;
            }
            for (int i = b; i < b + n; i++) d[i] = (double) f[i] - max;
        }
        TileMath.expNonPositive(d, len);
        for (int r = 0; r < count; r++) {
            int b = r * n;
            float inv = (float) (1.0 / TileMath.sum(d, b, n));
            for (int i = b; i < b + n; i++) f[i] = (float) d[i] * inv;
        }
        yAll.put(first * n, f, 0, len);
    }

    /** One contiguous row of LogSoftmax; sliced views, so the loops index by the bare counter. */
    private void row(FloatBuffer xAll, FloatBuffer yAll, int base) {
        FloatBuffer x = xAll.slice(base, n);
        FloatBuffer y = yAll.slice(base, n);
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x.get(i));
        double sum = 0;
        for (int i = 0; i < n; i++) sum += FastMath.exp((double) x.get(i) - max);
        double shift = max + Math.log(sum);
        for (int i = 0; i < n; i++) y.put(i, (float) (x.get(i) - shift));
    }

    private void column(FloatBuffer x, FloatBuffer y, int base, int stride) {
        int end = base + n * stride;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = base; i < end; i += stride) max = Math.max(max, x.get(i));
        double sum = 0;
        if (log) {
            for (int i = base; i < end; i += stride) sum += FastMath.exp((double) x.get(i) - max);
            double shift = max + Math.log(sum);
            for (int i = base; i < end; i += stride) y.put(i, (float) (x.get(i) - shift));
        } else {
            for (int i = base; i < end; i += stride) {
                double e = FastMath.exp((double) x.get(i) - max);
                y.put(i, (float) e);
                sum += e;
            }
            double inv = 1.0 / sum;
            for (int i = base; i < end; i += stride) y.put(i, (float) (y.get(i) * inv));
        }
    }
}
