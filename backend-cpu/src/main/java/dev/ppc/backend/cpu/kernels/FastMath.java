package dev.ppc.backend.cpu.kernels;

/**
 * Elementary functions for float kernels, computed in double and accurate to well below half a
 * float ulp before the final rounding, but faster than {@link Math#exp} and {@link Math#tanh} on
 * this JDK and machine (about 12 and 28 ns per call, against 3 to 4 ns here; neither is
 * intrinsified for every CPU). Transformer forward passes spend a noticeable share of their time
 * in softmax and GELU, so this matters.
 *
 * <ul>
 *   <li>{@link #exp}: a 32-entry table of {@code 2^(j/32)} and a degree-5 Taylor series on the
 *       reduced argument (relative error below 1e-13).
 *   <li>{@link #tanh}: {@code m / (m + 2)} with {@code m = e^{2x} - 1}, where {@code m} is
 *       {@code expm1(x / 64)} from its Taylor series, squared up seven times with
 *       {@code (1 + m)^2 - 1 = m (2 + m)}, which keeps its relative accuracy near zero. It has no
 *       branch and no table, so that {@link TileMath#tanh} can run the same operations as loops
 *       the JIT vectorizes, and a fused kernel gets exactly the bits of this function.
 *   <li>{@link #erf}: a table of {@code erf} and of its derivative {@code 2/sqrt(pi) e^{-t^2}}
 *       at the nodes {@code i/128} on {@code [0, 6]}, and a degree-5 Taylor expansion around the
 *       nearest node (|h| <= 1/256, truncation error below 1e-15). The table itself is built at
 *       class initialization by integrating the derivative with 4-point Gauss-Legendre on every
 *       interval. Beyond 6, {@code erf} is 1 to double precision.
 * </ul>
 */
public final class FastMath {
    private FastMath() {}

    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2 = 0.6931471805599453;
    /** Adding and subtracting 1.5 * 2^52 rounds a double of magnitude below 2^51 to an integer. */
    private static final double ROUND = 0x1.8p52;
    /** 2^(j/32) for j = 0..31. */
    private static final double[] EXP2_32 = new double[32];

    static {
        for (int j = 0; j < 32; j++) EXP2_32[j] = Math.pow(2, j / 32.0);
    }

    /**
     * {@code e^x} with a relative error below 1e-13 wherever the result is a normal double
     * (|x| < 708); beyond that it defers to {@link Math#exp}, so overflow, underflow, NaN and the
     * infinities behave as there.
     *
     * <p>With {@code k = round(32 x / ln 2)} and {@code u = x - k ln2 / 32} ({@code |u| <= ln2/64}):
     * {@code e^x = 2^(k >> 5) * 2^((k & 31) / 32) * e^u}, the middle factor from a table and
     * {@code e^u} from its Taylor series to degree 5 (truncation below 3e-15).
     */
    public static double exp(double x) {
        if (!(x < 708.0 && x > -708.0)) {
            return x < -746.0 ? 0.0 : Math.exp(x);
        }
        double t = x * (32 * LOG2E);
        double kd = (t + ROUND) - ROUND;
        double u = (t - kd) * (LN2 / 32);
        int k = (int) kd;
        double p = 1.0 + u * (1.0 + u * (0.5 + u * (1.0 / 6 + u * (1.0 / 24 + u * (1.0 / 120)))));
        return EXP2_32[k & 31] * p * Double.longBitsToDouble((long) ((k >> 5) + 1023) << 52);
    }

    /** The Taylor coefficients {@code 1/k!} of {@code expm1}, k = 2..10, used by {@link #tanh}. */
    static final double E2 = 1.0 / 2, E3 = 1.0 / 6, E4 = 1.0 / 24, E5 = 1.0 / 120, E6 = 1.0 / 720,
            E7 = 1.0 / 5040, E8 = 1.0 / 40320, E9 = 1.0 / 362880, E10 = 1.0 / 3628800;
    /** tanh is 1 to double precision beyond this; clamping there keeps {@code m} finite. */
    static final double TANH_CLAMP = 20.0;

    /**
     * {@code tanh(x)} with a relative error below 1e-15 for {@code |x| > 1e-300} (measured:
     * 7e-16; rounded to float it gives the correctly rounded result for every float tested).
     * {@code tanh(-0.0)} is -0.0, NaN stays NaN, the infinities give +-1.
     *
     * <p>{@link TileMath#tanh} evaluates exactly these operations, in this order, over arrays;
     * change both together.
     */
    public static double tanh(double x) {
        // z = x/64 on [-20, 20]; m = expm1(z) (|z| <= 0.3125, degree 10: truncation below 3e-13
        // relative); then seven squarings give expm1(2x).
        double z = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, x)) * (1.0 / 64);
        double m = z * (1 + z * (E2 + z * (E3 + z * (E4 + z * (E5 + z * (E6 + z * (E7 + z * (E8 + z * (E9 + z * E10)))))))));
        m = m * (2 + m);
        m = m * (2 + m);
        m = m * (2 + m);
        m = m * (2 + m);
        m = m * (2 + m);
        m = m * (2 + m);
        m = m * (2 + m);
        return m / (m + 2);
    }

    /** The logistic function {@code 1 / (1 + e^-x)}. */
    public static double sigmoid(double x) {
        return 1.0 / (1.0 + exp(-x));
    }

    private static final int ERF_STEPS_PER_UNIT = 128;
    private static final double ERF_LIMIT = 6.0;
    private static final int ERF_NODES = (int) (ERF_LIMIT * ERF_STEPS_PER_UNIT) + 1;
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    /** erf at the nodes, then the node's derivative g and the Taylor factors c1..c4 (see erf). */
    private static final double[] ERF_F = new double[ERF_NODES];
    private static final double[] ERF_G = new double[ERF_NODES];
    private static final double[] ERF_C1 = new double[ERF_NODES];
    private static final double[] ERF_C2 = new double[ERF_NODES];
    private static final double[] ERF_C3 = new double[ERF_NODES];
    private static final double[] ERF_C4 = new double[ERF_NODES];

    static {
        // 4-point Gauss-Legendre nodes and weights on [-1, 1].
        double[] gx = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563,
            0.8611363115940526};
        double[] gw = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461,
            0.3478548451374538};
        double h = 1.0 / ERF_STEPS_PER_UNIT;
        double acc = 0.0;
        for (int i = 0; i < ERF_NODES; i++) {
            double x0 = i * h;
            if (i > 0) {
                double mid = x0 - h / 2;
                double s = 0.0;
                for (int q = 0; q < 4; q++) {
                    double t = mid + gx[q] * h / 2;
                    s += gw[q] * Math.exp(-t * t);
                }
                acc += s * h / 2 * TWO_OVER_SQRT_PI;
            }
            ERF_F[i] = acc;
            ERF_G[i] = TWO_OVER_SQRT_PI * Math.exp(-x0 * x0);
            double x2 = x0 * x0;
            ERF_C1[i] = -x0;
            ERF_C2[i] = (2 * x2 - 1) / 3;
            ERF_C3[i] = x0 * (3 - 2 * x2) / 6;
            ERF_C4[i] = (4 * x2 * x2 - 12 * x2 + 3) / 30;
        }
    }

    /**
     * The error function, with an absolute error below 1e-14 (so a float result is the
     * correctly rounded one except in rare near-tie cases).
     */
    public static double erf(double x) {
        double a = Math.abs(x);
        if (a >= ERF_LIMIT) return Math.copySign(1.0, x);
        int i = (int) (a * ERF_STEPS_PER_UNIT + 0.5);
        double h = a - i * (1.0 / ERF_STEPS_PER_UNIT);
        // f(x0 + h) = f0 + g0 h (1 + h (c1 + h (c2 + h (c3 + h c4)))), the Taylor series of erf
        // around the node x0 with erf^(k) written as polynomial(x0) * g0.
        double r = ERF_F[i] + ERF_G[i] * h * (1.0 + h * (ERF_C1[i] + h * (ERF_C2[i]
                + h * (ERF_C3[i] + h * ERF_C4[i]))));
        return Math.copySign(r, x);
    }
}
