package dev.ppc.backend.cpu.kernels;

/**
 * Element-wise functions over short on-heap arrays ("tiles"), written as loops that C2 (JDK 17)
 * unrolls and vectorizes, for the fused kernels that {@link FusedClassEmitter} generates.
 *
 * <p>What C2 in JDK 17 vectorizes, measured on this machine: float and double arithmetic,
 * {@code Math.min}/{@code max}/{@code abs}, and {@code (float) Math.sqrt(float)} in small loop
 * bodies over arrays (about 0.04 ns per float element and operation); not float/double or int
 * conversions, nor bit moves ({@code Float.floatToRawIntBits}), nor selects (each about 0.2 ns
 * per element, scalar), nor loop bodies of a few dozen operations (those are not unrolled, and
 * then not vectorized: 10 ns per element for tanh as one loop). So each function here is a
 * sequence of short loops, with the conversions in loops of their own.
 *
 * <p>Every function computes exactly what the corresponding unfused kernel computes for each
 * element (same operations in the same order, so the same bits): {@link #tanh} the operations of
 * {@link FastMath#tanh}, the others call the same {@link FastMath} functions as {@link Unary}. The scratch arrays
 * {@code a} and {@code b} hold at least {@code n} doubles.
 */
final class TileMath {
    private TileMath() {}

    /**
     * {@code y[i] = (float) FastMath.tanh(x[i])}; {@code y} may be {@code x}. The clamp runs on
     * the floats (16 lanes; exact, and the same as clamping the doubles), the conversions in
     * loops of their own; the squarings and the division share a loop (measured fastest).
     */
    static void tanh(float[] x, float[] y, int n, double[] a, double[] b) {
        float clamp = (float) FastMath.TANH_CLAMP;
        for (int i = 0; i < n; i++) y[i] = Math.max(-clamp, Math.min(clamp, x[i]));
        for (int i = 0; i < n; i++) a[i] = y[i];
        for (int i = 0; i < n; i++) {
            double z = a[i] * (1.0 / 64);
            b[i] = z * (1 + z * (FastMath.E2 + z * (FastMath.E3 + z * (FastMath.E4 + z * (FastMath.E5 + z * (FastMath.E6
                    + z * (FastMath.E7 + z * (FastMath.E8 + z * (FastMath.E9 + z * FastMath.E10)))))))));
        }
        for (int i = 0; i < n; i++) {
            double m = b[i];
            m = m * (2 + m);
            m = m * (2 + m);
            m = m * (2 + m);
            m = m * (2 + m);
            m = m * (2 + m);
            m = m * (2 + m);
            m = m * (2 + m);
            b[i] = m / (m + 2);
        }
        for (int i = 0; i < n; i++) y[i] = (float) b[i];
    }

    /** {@code y[i] = (float) Math.sqrt(x[i])}, the correctly rounded float square root. */
    static void sqrt(float[] x, float[] y, int n, double[] a, double[] b) {
        for (int i = 0; i < n; i++) y[i] = (float) Math.sqrt(x[i]);
    }

    /** {@code y[i] = (float) FastMath.exp(x[i])}, scalar: the table lookup does not vectorize. */
    static void exp(float[] x, float[] y, int n, double[] a, double[] b) {
        for (int i = 0; i < n; i++) y[i] = (float) FastMath.exp(x[i]);
    }

    /** {@code y[i] = (float) FastMath.erf(x[i])}, scalar. */
    static void erf(float[] x, float[] y, int n, double[] a, double[] b) {
        for (int i = 0; i < n; i++) y[i] = (float) FastMath.erf(x[i]);
    }

    /** {@code y[i] = (float) FastMath.sigmoid(x[i])}, scalar. */
    static void sigmoid(float[] x, float[] y, int n, double[] a, double[] b) {
        for (int i = 0; i < n; i++) y[i] = (float) FastMath.sigmoid(x[i]);
    }

    /** Inputs below this give {@code e^x} under half the smallest float (so 0 as a float). */
    static final double EXP_FLOOR = -104.0;

    /**
     * {@code a[i] = e^a[i]} for {@code a[i] <= 0} (or NaN), with a relative error below 1e-9:
     * {@code (e^(x/1024))^1024}, the inner exponential from its Taylor series to degree 7 (on
     * {@code |x/1024| <= 0.102}: truncation below 3e-13) and ten squarings, each doubling the
     * relative error. Arguments below {@link #EXP_FLOOR} are raised to it: their exponentials
     * round to 0 as floats either way, and add nothing to a sum that contains {@code e^0 = 1}.
     * No table, no branch: C2 vectorizes it (Softmax's exponentials).
     */
    static void expNonPositive(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            double z = Math.max(a[i], EXP_FLOOR) * (1.0 / 1024);
            a[i] = 1 + z * (1 + z * (FastMath.E2 + z * (FastMath.E3 + z * (FastMath.E4 + z * (FastMath.E5 + z * (FastMath.E6
                    + z * FastMath.E7))))));
        }
        for (int i = 0; i < n; i++) {
            double e = a[i];
            e *= e;
            e *= e;
            e *= e;
            e *= e;
            e *= e;
            e *= e;
            e *= e;
            e *= e;
            e *= e;
            e *= e;
            a[i] = e;
        }
    }

    /**
     * The sum of {@code a[0..n)} in double, with eight partial sums (element i goes to sum
     * i mod 8, added in order; the eight are added pairwise at the end): the partial sums do
     * not wait on each other, which a single running sum does (four cycles per element). The
     * order is fixed, so the result is deterministic.
     */
    static double sum(double[] a, int n) {
        return sum(a, 0, n);
    }

    /** {@link #sum(double[], int)} of {@code a[from..from+n)}. */
    static double sum(double[] a, int from, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = from;
        int end = from + n;
        for (; i + 8 <= end; i += 8) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
            s4 += a[i + 4];
            s5 += a[i + 5];
            s6 += a[i + 6];
            s7 += a[i + 7];
        }
        for (; i < end; i++) s0 += a[i];
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** The sum of squares of {@code a[i] - mean}, ordered as in {@link #sum}. */
    static double sumOfSquares(double[] a, double mean, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            double d0 = a[i] - mean, d1 = a[i + 1] - mean, d2 = a[i + 2] - mean, d3 = a[i + 3] - mean;
            double d4 = a[i + 4] - mean, d5 = a[i + 5] - mean, d6 = a[i + 6] - mean, d7 = a[i + 7] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
            s4 += d4 * d4;
            s5 += d5 * d5;
            s6 += d6 * d6;
            s7 += d7 * d7;
        }
        for (; i < n; i++) {
            double d = a[i] - mean;
            s0 += d * d;
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
