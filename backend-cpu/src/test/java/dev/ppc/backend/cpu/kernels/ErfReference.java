package dev.ppc.backend.cpu.kernels;

/**
 * An independent double-precision erf for tests: the Maclaurin series below 3 (cancellation
 * costs at most e^9 ~ 1e4 in relative terms, leaving ~1e-12), and the classical continued
 * fraction of erfc above, evaluated backwards from 200 terms.
 */
final class ErfReference {
    private ErfReference() {}

    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double a = Math.abs(x);
        double r;
        if (a < 3) {
            double term = a;
            double sum = a;
            for (int n = 1; n < 200; n++) {
                term *= -a * a / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-18) break;
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else if (a > 30) {
            r = 1;
        } else {
            double t = a;
            for (int n = 200; n >= 1; n--) t = a + (n / 2.0) / t;
            r = 1 - Math.exp(-a * a) / (Math.sqrt(Math.PI) * t);
        }
        return x < 0 ? -r : r;
    }
}
