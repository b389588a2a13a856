package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Softmax, LogSoftmax and LayerNormalization against direct double computations. */
class NormalizationTest {
    /** Softmax along {@code axis} by walking every line of the axis explicitly. */
    static double[] softmaxRef(Tensor x, int axis, boolean log) {
        long[] s = x.shape();
        double[] out = new double[(int) x.numel()];
        for (int i = 0; i < out.length; i++) {
            int[] idx = Ref.unravel(i, s);
            if (idx[axis] != 0) continue;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < s[axis]; j++) {
                idx[axis] = j;
                max = Math.max(max, x.getFloat(Ref.ravel(idx, s)));
            }
            double sum = 0;
            for (int j = 0; j < s[axis]; j++) {
                idx[axis] = j;
                sum += Math.exp(x.getFloat(Ref.ravel(idx, s)) - max);
            }
            for (int j = 0; j < s[axis]; j++) {
                idx[axis] = j;
                int f = Ref.ravel(idx, s);
                double v = x.getFloat(f) - max;
                out[f] = log ? v - Math.log(sum) : Math.exp(v) / sum;
            }
        }
        return out;
    }

    @Test
    void softmaxAndLogSoftmaxAnyAxis() {
        Random r = new Random(40);
        for (int trial = 0; trial < 60; trial++) {
            long[] shape = Ref.randomShape(r, 1 + r.nextInt(4), 6);
            if (trial == 0) shape = new long[] {2, 12, 64, 64};
            int rank = shape.length;
            int axis = r.nextInt(rank);
            if (trial < 20) axis = rank - 1;
            boolean log = trial % 3 == 0;
            Tensor x = Ref.randomFloats(r, -8, 8, shape);
            long axisArg = r.nextBoolean() ? axis : axis - rank;
            Tensor y = Ref.run(new Softmax(shape, axisArg, log), x);
            Ref.assertClose(softmaxRef(x, axis, log), y, 1e-6, 1e-7,
                    (log ? "LogSoftmax " : "Softmax ") + Arrays.toString(shape) + " axis " + axis);
        }
    }

    @Test
    void softmaxMaskedAndExtremeRows() {
        Tensor x = Tensor.ofFloats(new long[] {3, 3}, 0, Float.NEGATIVE_INFINITY, 0,
                1000, 1000, -1000, -5, -5, -5);
        Tensor y = Ref.run(new Softmax(x.shape(), -1, false), x);
        assertArrayEquals(new float[] {0.5f, 0f, 0.5f, 0.5f, 0.5f, 0f, 1 / 3f, 1 / 3f, 1 / 3f},
                y.toFloatArray(), 1e-7f);
        Tensor e = Tensor.allocate(DType.F32, 2, 0);
        Ref.run(new Softmax(e.shape(), 1, false), e);
        assertThrows(IllegalArgumentException.class, () -> new Softmax(new long[] {2}, 1, false));
    }

    static double[][] layerNormRef(Tensor x, int axis, Tensor scale, Tensor bias, float eps) {
        long[] s = x.shape();
        long rows = 1;
        for (int i = 0; i < axis; i++) rows *= s[i];
        int n = (int) (x.numel() / Math.max(rows, 1));
        long[] norm = Arrays.copyOfRange(s, axis, s.length);
        double[] y = new double[(int) x.numel()];
        double[] mean = new double[(int) rows];
        double[] inv = new double[(int) rows];
        for (int r = 0; r < rows; r++) {
            double m = 0;
            for (int i = 0; i < n; i++) m += x.getFloat(r * n + i);
            m /= n;
            double v = 0;
            for (int i = 0; i < n; i++) v += Math.pow(x.getFloat(r * n + i) - m, 2);
            v /= n;
            double iv = 1 / Math.sqrt(v + eps);
            mean[r] = m;
            inv[r] = iv;
            for (int i = 0; i < n; i++) {
                int[] idx = Ref.unravel(i, norm);
                double sc = scale.getFloat(Ref.broadcastIndex(idx, scale.shape()));
                double b = bias == null ? 0 : bias.getFloat(Ref.broadcastIndex(idx, bias.shape()));
                y[r * n + i] = (x.getFloat(r * n + i) - m) * iv * sc + b;
            }
        }
        return new double[][] {y, mean, inv};
    }

    @Test
    void layerNormalizationWithAndWithoutBiasAndStats() {
        Random r = new Random(41);
        for (int trial = 0; trial < 50; trial++) {
            long[] shape = Ref.randomShape(r, 1 + r.nextInt(4), 7);
            if (trial == 0) shape = new long[] {2, 16, 768};
            int rank = shape.length;
            int axis = trial < 15 ? rank - 1 : r.nextInt(rank);
            long[] norm = Arrays.copyOfRange(shape, axis, shape.length);
            long[] scaleShape = trial % 4 == 3 ? Ref.broadcastable(r, norm) : norm;
            long[] biasShape = trial % 3 == 0 ? null : trial % 5 == 4 ? Ref.broadcastable(r, norm) : norm;
            float eps = trial % 2 == 0 ? 1e-5f : 1e-12f;
            Tensor x = Ref.randomFloats(r, shape);
            for (int i = 0; i < x.numel(); i++) x.setFloat(i, x.getFloat(i) * 3 + 5);
            Tensor scale = Ref.randomFloats(r, scaleShape);
            Tensor bias = biasShape == null ? null : Ref.randomFloats(r, biasShape);
            LayerNormalization k = new LayerNormalization(shape, scaleShape, biasShape,
                    r.nextBoolean() ? axis : axis - rank, eps);
            Tensor[] out = Ref.outputsOf(k);
            if (trial % 2 == 1) {
                out[1] = null;
                out[2] = null;
            }
            k.run(bias == null ? new Tensor[] {x, scale} : new Tensor[] {x, scale, bias}, out);
            double[][] e = layerNormRef(x, axis, scale, bias, eps);
            String ctx = "LN " + Arrays.toString(shape) + " axis " + axis + " scale "
                    + Arrays.toString(scaleShape) + " bias " + (biasShape == null ? "-" : Arrays.toString(biasShape));
            Ref.assertClose(e[0], out[0], 2e-6, 2e-6, ctx);
            if (out[1] != null) {
                long[] stat = shape.clone();
                for (int i = axis; i < rank; i++) stat[i] = 1;
                assertArrayEquals(stat, out[1].shape());
                Ref.assertClose(e[1], out[1], 1e-6, 1e-7, ctx + " mean");
                Ref.assertClose(e[2], out[2], 1e-6, 1e-7, ctx + " inv std");
            }
        }
    }

    @Test
    void layerNormalizationRejectsBadScale() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LayerNormalization(new long[] {2, 8}, new long[] {4}, null, -1, 1e-5f));
        assertTrue(e.getMessage().contains("Scale of shape [4]"), e.getMessage());
    }
}
