package dev.ppc.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tile functions give exactly the bits of the scalar functions the unfused kernels use. */
class TileMathTest {
    @Test
    void tanhAndCubeEqualTheScalarFormsBitwise() {
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
        float[] t = new float[n], c = new float[n];
        TileMath.tanh(x, t, n, a, b);
        TileMath.cube(x, c, n, a, b);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits((float) FastMath.tanh(x[i])), Float.floatToRawIntBits(t[i]), "tanh(" + x[i] + ")");
            double v = x[i];
            assertEquals(Float.floatToRawIntBits((float) (v * v * v)), Float.floatToRawIntBits(c[i]), "cube(" + x[i] + ")");
        }
    }
}
