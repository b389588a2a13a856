package dev.ppc.backend.cpu.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FastMathTest {
    @Test
    void expIsAccurateOverTheWholeRange() {
        double worst = 0;
        for (double x = -744; x < 709; x += 0.0137) {
            double e = Math.exp(x);
            double a = FastMath.exp(x);
            // Below ~-708 the results are subnormal doubles with fewer significant bits.
            double tol = x < -708 ? 1e-3 : 1e-13;
            double rel = Math.abs(a - e) / e;
            assertTrue(rel <= tol, "exp(" + x + ") = " + a + " vs " + e);
            if (x > -708) worst = Math.max(worst, rel);
        }
        assertTrue(worst < 1e-13, "worst relative error " + worst);
        // Around the switch to Math.exp and at the table's seams.
        for (double x : new double[] {707.99, 708.0, -707.99, -708.0, -745.5, -746.5, 1e-300, -1e-300,
            0.6931471805599453 / 64, -0.6931471805599453 / 64, 0.6931471805599453 / 32}) {
            assertEquals(Math.exp(x), FastMath.exp(x), 1e-13 * Math.exp(x), "exp(" + x + ")");
        }
        assertEquals(Double.POSITIVE_INFINITY, FastMath.exp(710));
        assertEquals(Double.POSITIVE_INFINITY, FastMath.exp(Double.POSITIVE_INFINITY));
        assertEquals(0.0, FastMath.exp(-746));
        assertEquals(0.0, FastMath.exp(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(FastMath.exp(Double.NaN)));
        assertEquals(1.0, FastMath.exp(0.0));
    }

    @Test
    void tanhIsAccurate() {
        for (double x = -30; x < 30; x += 0.00731) {
            double e = Math.tanh(x);
            double a = FastMath.tanh(x);
            assertTrue(Math.abs(a - e) <= 1e-9 * Math.abs(e) + 1e-300, "tanh(" + x + ") = " + a + " vs " + e);
        }
        for (double x = 1e-30; x < 0.1; x *= 1.37) {
            assertEquals(Math.tanh(x), FastMath.tanh(x), 1e-12 * x);
            assertEquals(Math.tanh(-x), FastMath.tanh(-x), 1e-12 * x);
        }
        assertEquals(1.0, FastMath.tanh(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, FastMath.tanh(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(FastMath.tanh(Double.NaN)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(FastMath.tanh(-0.0)));
    }

    @Test
    void sigmoidIsAccurate() {
        for (double x = -50; x < 50; x += 0.0093) {
            double e = 1 / (1 + Math.exp(-x));
            assertEquals(e, FastMath.sigmoid(x), 1e-10 * e);
        }
        assertEquals(0.0, FastMath.sigmoid(-1000));
        assertEquals(1.0, FastMath.sigmoid(1000));
    }

    @Test
    void erfIsAccurateToOneEMinus13() {
        double worst = 0;
        for (double x = -6; x < 6; x += 0.000917) {
            double e = ErfReference.erf(x);
            double a = FastMath.erf(x);
            worst = Math.max(worst, Math.abs(a - e));
        }
        assertTrue(worst < 1e-13, "worst absolute error " + worst);
        assertEquals(1.0, FastMath.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, FastMath.erf(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(FastMath.erf(Double.NaN)));
        assertEquals(0.0, FastMath.erf(0.0));
    }

    @Test
    void erfReferenceAgreesWithKnownValues() {
        // Values from Abramowitz & Stegun table 7.1 (10 digits).
        assertEquals(0.5204998778, ErfReference.erf(0.5), 1e-10);
        assertEquals(0.8427007929, ErfReference.erf(1.0), 1e-10);
        assertEquals(0.9953222650, ErfReference.erf(2.0), 1e-10);
        assertEquals(0.9999779095, ErfReference.erf(3.0), 1e-10);
        assertEquals(0.9999999846, ErfReference.erf(4.0), 1e-10);
    }
}
