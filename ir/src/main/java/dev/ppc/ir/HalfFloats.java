package dev.ppc.ir;

/**
 * Conversions between {@code float} and the two 16-bit float formats ONNX uses: IEEE 754
 * binary16 ({@code f16}: 1 sign, 5 exponent, 10 mantissa bits) and bfloat16 ({@code bf16}: the
 * top half of a float). Java 17 has no {@code Float.floatToFloat16} (it came in Java 20), so the
 * bit manipulation is written out here.
 *
 * <p>Narrowing rounds to nearest, ties to even, as IEEE casts and NumPy do; values too large
 * become infinities, values too small become (signed) zeros or subnormals, NaN stays NaN (a quiet
 * NaN keeping the top payload bits).
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** The binary16 value with bits {@code h}, exactly. */
    public static float f16ToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        if (exp == 0) {
            // Zero or subnormal: mant * 2^-24, exact in float.
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** The binary16 bits nearest to {@code f} (ties to even). */
    public static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) {
            if (abs == 0x7F800000) return (short) (sign | 0x7C00);
            return (short) (sign | 0x7E00 | ((abs >>> 13) & 0x3FF));
        }
        // 65520 = 65504 + half an ulp: from there on the nearest value is infinity.
        if (abs >= 0x477FF000) return (short) (sign | 0x7C00);
        int e = abs >>> 23;
        if (e < 113) {
            // Below the smallest normal half (2^-14): a subnormal m * 2^-24. Values below 2^-25
            // round to zero (2^-25 itself ties to the even zero).
            if (abs < 0x33000000) return (short) sign;
            int mant24 = (abs & 0x7FFFFF) | 0x800000;
            int shift = 126 - e;
            int m = mant24 >>> shift;
            int rem = mant24 & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (m & 1) != 0)) m++;
            // m == 1024 carries into the exponent field: the smallest normal, correctly encoded.
            return (short) (sign | m);
        }
        int h = ((e - 112) << 10) | ((abs >>> 13) & 0x3FF);
        int rem = abs & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (h & 1) != 0)) h++;
        return (short) (sign | h);
    }

    /** The bfloat16 value with bits {@code h}, exactly. */
    public static float bf16ToFloat(short h) {
        return Float.intBitsToFloat((h & 0xFFFF) << 16);
    }

    /** The bfloat16 bits nearest to {@code f} (ties to even). */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) return (short) ((bits >>> 16) | 0x0040);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
