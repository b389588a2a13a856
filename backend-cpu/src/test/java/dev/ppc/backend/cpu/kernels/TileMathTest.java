package dev.ppc.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tile tanh gives exactly the bits of FastMath.tanh, which the unfused kernels use. */
class TileMathTest {
    @Test
    void tanhEqualsTheScalarFormBitwise() {
        Random r = new Random(5);
        int n = 4096;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (i % 4) {
                case 0 -> Float.intBitsToFloat(r.nextInt());
                case 1 -> (float) (r.nextGaussian() * 10);
                case 2 -> (float) (r.nextGaussian() * 1e-3);
                default -> new float[] {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
                    20f, -20f, 19.999998f, 1e-38f}[r.nextInt(10)];
            };
        }
        double[] a = new double[n], b = new double[n];
        float[] t = new float[n];
        TileMath.tanh(x, t, n, a, b);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits((float) FastMath.tanh(x[i])), Float.floatToRawIntBits(t[i]), "tanh(" + x[i] + ")");
        }
        // In place, as the fused kernels and Unary call it.
        TileMath.tanh(x, x, n, a, b);
        for (int i = 0; i < n; i++) assertEquals(Float.floatToRawIntBits(t[i]), Float.floatToRawIntBits(x[i]));
    }

    @Test
    void expOfNonPositiveArgumentsIsAccurate() {
        int n = 100_001;
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = -104.0 * i / (n - 1);
        double[] e = a.clone();
        TileMath.expNonPositive(e, n);
        double worst = 0;
        for (int i = 0; i < n; i++) worst = Math.max(worst, Math.abs(e[i] - Math.exp(a[i])) / Math.exp(a[i]));
        assertTrue(worst < 1e-9, "worst relative error " + worst);
        double[] special = {0.0, -0.0, Double.NEGATIVE_INFINITY, -1e6, Double.NaN, -1e-300};
        TileMath.expNonPositive(special, special.length);
        assertEquals(1.0, special[0]);
        assertEquals(1.0, special[1]);
        assertEquals(0f, (float) special[2]);
        assertEquals(0f, (float) special[3]);
        assertTrue(Double.isNaN(special[4]));
        assertEquals(1.0, special[5]);
    }

    @Test
    void sumsAgreeWithPlainLoops() {
        Random r = new Random(6);
        for (int n : new int[] {0, 1, 7, 8, 9, 128, 1001}) {
            double[] a = new double[n];
            double plain = 0, squares = 0;
            for (int i = 0; i < n; i++) {
                a[i] = r.nextGaussian();
                plain += a[i];
            }
            double mean = n == 0 ? 0 : plain / n;
            for (int i = 0; i < n; i++) squares += (a[i] - mean) * (a[i] - mean);
            assertEquals(plain, TileMath.sum(a, n), 1e-12);
            assertEquals(squares, TileMath.sumOfSquares(a, mean, n), 1e-12);
            if (n > 2) assertEquals(plain - a[0], TileMath.sum(a, 1, n - 1), 1e-12);
        }
    }
}
