package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.FloatBuffer;

/**
 * ONNX LayerNormalization (opset 17), f32: each slice {@code X[i0..i(axis-1), :, ..., :]} is
 * normalized to zero mean and unit variance over the dims from {@code axis} on, then scaled and
 * shifted: {@code Y = (X - mean) / sqrt(var + epsilon) * Scale + B}.
 *
 * <p>Inputs: X, Scale, optional B (both broadcastable to {@code X.shape[axis:]}). Outputs: Y,
 * optional Mean and InvStdDev of shape {@code X.shape[:axis] + [1] * (rank - axis)}. The mean and
 * the (biased) variance are computed in double in two passes (each with eight partial sums, see
 * {@link TileMath#sum}), which is exact enough that the result does not depend on the row length.
 */
public final class LayerNormalization extends AbstractKernel implements ParallelKernel {
    private final int rows;
    private final int n;
    private final float epsilon;
    /** Element index into Scale (and B) for each position in a row; null when it is the identity. */
    private final int[] scaleIndex;
    private final int[] biasIndex;
    private final boolean hasBias;
    /** One row as floats and as doubles, and Scale and B as arrays (copied once per run). */
    private float[][] rowF;
    private double[][] rowD;
    private final float[] scaleF;
    private final float[] biasF;
    private Parallel parallel;
    /** The current run's buffers, read by the chunks of a parallel run. */
    private FloatBuffer runX, runScale, runBias, runY, runMean, runInv;
    private final Parallel.Task rowChunk = this::rows;

    /**
     * @param biasShape the shape of B, or {@code null} when the op has no bias input
     */
    public LayerNormalization(long[] xShape, long[] scaleShape, long[] biasShape, long axis,
                              float epsilon) {
        super("LayerNormalization");
        if (xShape.length == 0) {
            throw new IllegalArgumentException("LayerNormalization needs an input of rank >= 1");
        }
        int a = Shapes.normalizeAxis(axis, xShape.length);
        long[] normShape = java.util.Arrays.copyOfRange(xShape, a, xShape.length);
        long r = 1;
        for (int i = 0; i < a; i++) r *= xShape[i];
        this.rows = Shapes.toInt(r, "dimension");
        this.n = Shapes.toInt(Shapes.numel(normShape), "dimension");
        this.epsilon = epsilon;
        this.scaleIndex = indexMap("Scale", scaleShape, normShape);
        this.hasBias = biasShape != null;
        this.biasIndex = hasBias ? indexMap("B", biasShape, normShape) : null;
        this.rowF = new float[][] {new float[n]};
        this.rowD = new double[][] {new double[n]};
        this.scaleF = new float[n];
        this.biasF = new float[n];
        long[] statShape = xShape.clone();
        for (int i = a; i < statShape.length; i++) statShape[i] = 1;
        inputs(hasBias ? 3 : 2, new long[][] {xShape, scaleShape, biasShape},
                new DType[] {DType.F32, DType.F32, DType.F32});
        outputs(new long[][] {xShape, statShape, statShape},
                new DType[] {DType.F32, DType.F32, DType.F32});
    }

    /** Maps row positions to elements of a parameter broadcast to the normalized shape. */
    private static int[] indexMap(String what, long[] shape, long[] normShape) {
        long[] strides;
        try {
            strides = Shapes.broadcastStrides(shape, normShape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("LayerNormalization: " + what + " of shape "
                    + Shapes.str(shape) + " does not broadcast to the normalized shape "
                    + Shapes.str(normShape));
        }
        if (Shapes.numel(shape) == Shapes.numel(normShape)) return null;
        int n = Shapes.toInt(Shapes.numel(normShape), "dimension");
        int[] map = new int[n];
        long[] own = Shapes.strides(normShape);
        for (int i = 0; i < n; i++) {
            long rem = i;
            long off = 0;
            for (int d = 0; d < normShape.length; d++) {
                long c = rem / own[d];
                rem -= c * own[d];
                off += c * strides[d];
            }
            map[i] = (int) off;
        }
        return map;
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        FloatBuffer x = inputs[0].floats();
        FloatBuffer scale = inputs[1].floats();
        FloatBuffer bias = hasBias && present(inputs, 2) ? inputs[2].floats() : null;
        FloatBuffer y = outputs[0].floats();
        FloatBuffer meanOut = present(outputs, 1) ? outputs[1].floats() : null;
        FloatBuffer invOut = present(outputs, 2) ? outputs[2].floats() : null;
        if (scaleIndex == null && (bias == null || biasIndex == null)) {
            scale.get(0, scaleF, 0, n);
            if (bias != null) bias.get(0, biasF, 0, n);
        }
        runX = x;
        runScale = scale;
        runBias = bias;
        runY = y;
        runMean = meanOut;
        runInv = invOut;
        if (parallel != null) parallel.forRange(rows, Math.max(1, 8192 / Math.max(n, 1)), rowChunk);
        else rows(0, 0, rows);
        runX = runScale = runBias = runY = runMean = runInv = null;
    }

    @Override
    public void useParallel(Parallel p) {
        parallel = p;
        float[][] f = new float[p.threads()][];
        double[][] d = new double[p.threads()][];
        for (int w = 0; w < f.length; w++) {
            f[w] = w == 0 ? rowF[0] : new float[n];
            d[w] = w == 0 ? rowD[0] : new double[n];
        }
        rowF = f;
        rowD = d;
    }

    /** Normalizes rows {@code [from, to)} with worker {@code worker}'s arrays. */
    private void rows(int worker, int from, int to) {
        FloatBuffer x = runX, scale = runScale, bias = runBias, y = runY, meanOut = runMean, invOut = runInv;
        boolean fast = scaleIndex == null && (bias == null || biasIndex == null);
        float[] f = rowF[worker];
        double[] d = rowD[worker];
        for (int r = from; r < to; r++) {
            // The row as arrays: the sums run with eight partial sums (TileMath) and the last loop
            // vectorizes; only the conversion to double is scalar.
            x.get(r * n, f, 0, n);
            for (int i = 0; i < n; i++) d[i] = f[i];
            double mean = TileMath.sum(d, n) / n;
            double inv = 1.0 / Math.sqrt(TileMath.sumOfSquares(d, mean, n) / n + epsilon);
            if (meanOut != null) meanOut.put(r, (float) mean);
            if (invOut != null) invOut.put(r, (float) inv);
            if (fast) {
                float m = (float) mean;
                float iv = (float) inv;
                if (bias != null) {
                    for (int i = 0; i < n; i++) f[i] = (f[i] - m) * iv * scaleF[i] + biasF[i];
                } else {
                    for (int i = 0; i < n; i++) f[i] = (f[i] - m) * iv * scaleF[i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    double sc = scale.get(scaleIndex == null ? i : scaleIndex[i]);
                    double b = bias == null ? 0 : bias.get(biasIndex == null ? i : biasIndex[i]);
                    f[i] = (float) ((d[i] - mean) * inv * sc + b);
                }
            }
            y.put(r * n, f, 0, n);
        }
    }
}
