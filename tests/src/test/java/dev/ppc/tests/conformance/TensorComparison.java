package dev.ppc.tests.conformance;

import dev.ppc.ir.DType;
import dev.ppc.ir.Elements;
import dev.ppc.ir.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Compares a computed tensor with a stored reference the way ONNX's backend tests do
 * ({@code numpy.testing.assert_allclose}): same dtype and shape; floating-point elements within
 * {@code atol + rtol * |expected|}, with NaN equal to NaN and infinities equal only to
 * themselves; integers and booleans exactly.
 */
public final class TensorComparison {
    /**
     * The outcome: {@code mismatch} is {@code null} when the tensors agree; {@code worstRatio} is
     * the largest {@code |a - b| / (atol + rtol * |b|)} over float elements (0 for exact types),
     * which says how much of the tolerance was used.
     */
    public record Result(String mismatch, double worstRatio) {
        public boolean ok() { return mismatch == null; }
    }

    private TensorComparison() {}

    public static Result compare(TensorData expected, TensorData actual, double rtol, double atol) {
        if (expected.dtype() != actual.dtype()) return new Result("dtype " + actual.dtype() + ", expected " + expected.dtype(), 0);
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            return new Result("shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape()), 0);
        }
        DType t = expected.dtype();
        ByteBuffer e = expected.bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer a = actual.bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        e.clear();
        a.clear();
        long n = expected.numel();
        if (!t.isFloatingPoint()) {
            for (int i = 0; i < n; i++) {
                long x = Elements.getLong(a, t, i), y = Elements.getLong(e, t, i);
                if (x != y) return new Result("element " + i + " is " + x + ", expected " + y, 0);
            }
            return new Result(null, 0);
        }
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < n; i++) {
            double x = Elements.get(a, t, i), y = Elements.get(e, t, i);
            if (Double.isNaN(x) && Double.isNaN(y) || x == y) continue;
            double ratio = Math.abs(x - y) / (atol + rtol * Math.abs(y));
            if (Double.isNaN(ratio) || Double.isInfinite(x) || Double.isInfinite(y)) ratio = Double.POSITIVE_INFINITY;
            if (ratio > worst) {
                worst = ratio;
                worstAt = i;
            }
        }
        if (worst > 1) {
            return new Result(String.format("element %d is %s, expected %s (%.3g x the tolerance rtol %.0e, atol %.0e)", worstAt,
                    Elements.get(a, t, worstAt), Elements.get(e, t, worstAt), worst, rtol, atol), worst);
        }
        return new Result(null, worst);
    }
}
