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
}
