package dev.ppc.schedule;

import java.math.BigInteger;

/**
 * An exact non-negative rational number, always in lowest terms with a positive denominator.
 *
 * <p>Schedule times are integer ticks, so makespans and bubble fractions are ratios of integers;
 * keeping them exact is what lets a test say that 1F1B's bubble <em>equals</em>
 * {@code (p-1)/(m+p-1)} rather than comes close to it.
 */
public record Fraction(long numerator, long denominator) implements Comparable<Fraction> {
    public static final Fraction ZERO = new Fraction(0, 1);

    public Fraction {
        if (denominator <= 0) throw new IllegalArgumentException("denominator must be positive, got " + denominator);
        if (numerator < 0) throw new IllegalArgumentException("fraction must be non-negative, got " + numerator);
        long g = gcd(numerator, denominator);
        numerator /= g;
        denominator /= g;
    }

    public static Fraction of(long numerator, long denominator) { return new Fraction(numerator, denominator); }

    public static Fraction of(long whole) { return new Fraction(whole, 1); }

    public static long gcd(long a, long b) {
        a = Math.abs(a);
        b = Math.abs(b);
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a == 0 ? 1 : a;
    }

    public double toDouble() { return (double) numerator / denominator; }

    public boolean isWhole() { return denominator == 1; }

    @Override
    public int compareTo(Fraction o) {
        // Cross-multiplying can overflow a long for large tick counts; BigInteger keeps it exact.
        return BigInteger.valueOf(numerator).multiply(BigInteger.valueOf(o.denominator))
                .compareTo(BigInteger.valueOf(o.numerator).multiply(BigInteger.valueOf(denominator)));
    }

    /** {@code "3/11"}, or {@code "3"} for a whole number. */
    @Override
    public String toString() { return denominator == 1 ? Long.toString(numerator) : numerator + "/" + denominator; }
}
