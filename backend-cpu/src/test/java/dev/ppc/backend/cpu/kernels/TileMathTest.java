package dev.ppc.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
