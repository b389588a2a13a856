package dev.ppc.backend.cpu.kernels;

import dev.ppc.ir.HalfFloats;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CastTest {
    /** Every finite binary16 value, by its definition (sign, exponent, mantissa), as a double. */
    static double halfValue(int bits) {
        int sign = (bits >> 15) & 1;
        int exp = (bits >> 10) & 0x1F;
        int mant = bits & 0x3FF;
        double v = exp == 0 ? mant * Math.pow(2, -24) : (1 + mant / 1024.0) * Math.pow(2, exp - 15);
        return sign == 1 ? -v : v;
    }

    @Test
    void f16DecodesEveryBitPattern() {
        for (int b = 0; b < 65536; b++) {
            float f = HalfFloats.f16ToFloat((short) b);
            int exp = (b >> 10) & 0x1F;
            if (exp == 0x1F) {
                assertTrue((b & 0x3FF) == 0 ? Float.isInfinite(f) : Float.isNaN(f));
                continue;
            }
            assertEquals(halfValue(b), f, 0.0, "bits " + Integer.toHexString(b));
            assertEquals(b, HalfFloats.floatToF16(f) & 0xFFFF, "round trip of " + Integer.toHexString(b));
        }
    }

    /** The nearest binary16 to {@code x}, ties to even, found by exact comparison of decimals. */
    static int nearestHalf(float x) {
        if (Float.isNaN(x)) return 0x7E00;
        int sign = x < 0 || (x == 0 && 1 / x < 0) ? 0x8000 : 0;
        BigDecimal a = new BigDecimal(Math.abs((double) x));
        if (a.compareTo(new BigDecimal(65520)) >= 0) return sign | 0x7C00;
        int lo = 0;
        int hi = 0x7BFF;
        while (lo < hi) { // largest finite pattern whose value is <= a
            int mid = (lo + hi + 1) / 2;
            if (new BigDecimal(halfValue(mid)).compareTo(a) <= 0) lo = mid; else hi = mid - 1;
        }
        if (lo == 0x7BFF) return sign | lo;
        BigDecimal down = new BigDecimal(halfValue(lo));
        BigDecimal up = new BigDecimal(halfValue(lo + 1));
        int c = a.subtract(down).compareTo(up.subtract(a));
        int pick = c < 0 ? lo : c > 0 ? lo + 1 : ((lo & 1) == 0 ? lo : lo + 1);
        return sign | pick;
    }

    @Test
    void f16RoundsToNearestEven() {
        Random r = new Random(100);
        for (int i = 0; i < 20000; i++) {
            float x;
            switch (i % 4) {
                case 0: x = (float) (r.nextGaussian() * 1000); break;
                case 1: x = (float) (r.nextGaussian() * 1e-5); break; // subnormal halves
                case 2: x = Float.intBitsToFloat(r.nextInt()); break;
                default: { // exact ties between two halves
                    int h = r.nextInt(0x7BFF);
                    x = (float) ((halfValue(h) + halfValue(h + 1)) / 2);
                }
            }
            if (Float.isNaN(x)) continue;
            assertEquals(nearestHalf(x), HalfFloats.floatToF16(x) & 0xFFFF, "float " + x);
        }
        assertEquals(0x7C00, HalfFloats.floatToF16(65520f) & 0xFFFF);
        assertEquals(0x7BFF, HalfFloats.floatToF16(65519.99f) & 0xFFFF);
        assertEquals(0x0000, HalfFloats.floatToF16((float) Math.pow(2, -25)) & 0xFFFF);
        assertEquals(0x0001, HalfFloats.floatToF16((float) Math.pow(2, -25) * 1.0001f) & 0xFFFF);
        assertEquals(0x8000, HalfFloats.floatToF16(-0f) & 0xFFFF);
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.NaN))));
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals(1f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1f)));
        // 1 + 2^-8 is a tie between 1 and 1 + 2^-7: even mantissa wins (1).
        assertEquals(1f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1f + 0x1p-8f)));
        assertEquals(1f + 0x1p-6f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1f + 0x1p-7f + 0x1p-8f)));
        assertEquals(1f + 0x1p-7f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1f + 0x1p-8f + 0x1p-12f)));
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.MAX_VALUE)));
    }

    private static final DType[] TYPES = {DType.F32, DType.F64, DType.F16, DType.BF16, DType.I64,
        DType.I32, DType.I8, DType.U8, DType.BOOL};

    /** Writes {@code v} (exactly representable in every type used) into element i. */
    static void put(Tensor t, int i, double v) {
        switch (t.dtype()) {
            case F32: t.setFloat(i, (float) v); break;
            case F64: t.setDouble(i, v); break;
            case F16: t.shorts().put(i, HalfFloats.floatToF16((float) v)); break;
            case BF16: t.shorts().put(i, HalfFloats.floatToBf16((float) v)); break;
            case I64: t.setLong(i, (long) v); break;
            case I32: t.setInt(i, (int) v); break;
            case BOOL: t.setBool(i, v != 0); break;
            default: t.data().put(i, (byte) (long) v);
        }
    }

    static double get(Tensor t, int i) {
        switch (t.dtype()) {
            case F16: return HalfFloats.f16ToFloat(t.shorts().get(i));
            case BF16: return HalfFloats.bf16ToFloat(t.shorts().get(i));
            case I8: return t.data().get(i);
            case U8: return t.data().get(i) & 0xFF;
            default: return Ref.value(t, i);
        }
    }

    @Test
    void everyPairOnSmallIntegers() {
        // Small integers are exact in every type, so every conversion must preserve them
        // (bool: zero stays 0, anything else becomes 1; u8 keeps only non-negatives).
        double[] vals = {0, 1, 2, 3, 7, 100, 127};
        for (DType from : TYPES) {
            for (DType to : TYPES) {
                double[] in = from == DType.BOOL ? new double[] {0, 1, 1, 0} : vals;
                Tensor x = Tensor.allocate(from, in.length);
                for (int i = 0; i < in.length; i++) put(x, i, in[i]);
                Tensor y = Ref.run(new Cast(from, to, x.shape()), x);
                assertEquals(to, y.dtype());
                for (int i = 0; i < in.length; i++) {
                    double e = to == DType.BOOL ? (in[i] != 0 ? 1 : 0) : in[i];
                    assertEquals(e, get(y, i), from + " -> " + to + " of " + in[i]);
                }
            }
        }
    }

    @Test
    void truncationWrappingAndSpecialValues() {
        Tensor f = Tensor.ofFloats(new long[] {6}, 2.7f, -2.7f, Float.NaN, 0f, -0.5f, 300f);
        Tensor toI = Ref.run(new Cast(DType.F32, DType.I64, f.shape()), f);
        assertArrayEquals(new long[] {2, -2, 0, 0, 0, 300}, toI.toLongArray());
        Tensor toB = Ref.run(new Cast(DType.F32, DType.BOOL, f.shape()), f);
        assertArrayEquals(new boolean[] {true, true, true, false, true, true}, toB.toBoolArray());
        Tensor toU8 = Ref.run(new Cast(DType.F32, DType.U8, f.shape()), f);
        assertEquals(300 & 0xFF, toU8.data().get(5) & 0xFF);
        Tensor l = Tensor.ofLongs(new long[] {3}, (1L << 40) + 5, -1, (1L << 24) + 1);
        assertArrayEquals(new int[] {5, -1, (1 << 24) + 1}, Ref.run(new Cast(DType.I64, DType.I32, l.shape()), l).toIntArray());
        // i64 -> f32 rounds once from the integer: 2^24 + 1 is a tie, and goes to the even 2^24.
        assertEquals(16777216f, Ref.run(new Cast(DType.I64, DType.F32, l.shape()), l).getFloat(2));
        Tensor b = Tensor.ofBools(new long[] {2}, true, false);
        assertArrayEquals(new float[] {1, 0}, Ref.run(new Cast(DType.BOOL, DType.F32, b.shape()), b).toFloatArray());
        Tensor h = Tensor.ofFloats(new long[] {3}, 1e5f, Float.NEGATIVE_INFINITY, 1e-8f);
        Tensor hh = Ref.run(new Cast(DType.F32, DType.F16, h.shape()), h);
        assertArrayEquals(new short[] {0x7C00, (short) 0xFC00, 0}, new short[] {hh.shorts().get(0), hh.shorts().get(1), hh.shorts().get(2)});
        Tensor back = Ref.run(new Cast(DType.F16, DType.F32, hh.shape()), hh);
        assertEquals(Float.POSITIVE_INFINITY, back.getFloat(0));
        Tensor same = Ref.run(new Cast(DType.F32, DType.F32, f.shape()), f);
        assertTrue(Tensor.bitwiseEqual(f, same));
        int[] bits = new int[3];
        Tensor d = Tensor.ofDoubles(new long[] {3}, 1.0 / 3, -1e300, 1e-300);
        Tensor df = Ref.run(new Cast(DType.F64, DType.F32, d.shape()), d);
        for (int i = 0; i < 3; i++) bits[i] = Float.floatToIntBits(df.getFloat(i));
        assertArrayEquals(new int[] {Float.floatToIntBits(1f / 3), Float.floatToIntBits(Float.NEGATIVE_INFINITY), 0}, bits, Arrays.toString(bits));
    }
}
