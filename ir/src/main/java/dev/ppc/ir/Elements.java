package dev.ppc.ir;

import java.nio.ByteBuffer;

/**
 * Reads and writes single elements of little-endian tensor buffers by dtype. Used by constant
 * folding and by importers; kernels have their own typed fast paths.
 */
public final class Elements {
    private Elements() {}

    public static double get(ByteBuffer b, DType t, int i) {
        return switch (t) {
            case F32 -> b.getFloat(i * 4);
            case F64 -> b.getDouble(i * 8);
            case F16 -> Half.toFloat(b.getShort(i * 2));
            case BF16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
            case U64 -> {
                long v = b.getLong(i * 8);
                yield v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
            }
            default -> getLong(b, t, i);
        };
    }

    public static long getLong(ByteBuffer b, DType t, int i) {
        return switch (t) {
            case I64, U64 -> b.getLong(i * 8);
            case I32 -> b.getInt(i * 4);
            case U32 -> b.getInt(i * 4) & 0xffffffffL;
            case I16 -> b.getShort(i * 2);
            case U16 -> b.getShort(i * 2) & 0xffff;
            case I8 -> b.get(i);
            case U8 -> b.get(i) & 0xff;
            case BOOL -> b.get(i) != 0 ? 1 : 0;
            case F32, F64, F16, BF16 -> (long) get(b, t, i);
            default -> throw new IllegalArgumentException("no element access for dtype " + t);
        };
    }

    public static void put(ByteBuffer b, DType t, int i, double v) {
        switch (t) {
            case F32 -> b.putFloat(i * 4, (float) v);
            case F64 -> b.putDouble(i * 8, v);
            case F16 -> b.putShort(i * 2, Half.fromFloat((float) v));
            case BF16 -> b.putShort(i * 2, (short) (Float.floatToIntBits((float) v) >>> 16));
            case BOOL -> b.put(i, (byte) (v != 0 ? 1 : 0));
            default -> putLong(b, t, i, (long) v);
        }
    }

    public static void putLong(ByteBuffer b, DType t, int i, long v) {
        switch (t) {
            case I64, U64 -> b.putLong(i * 8, v);
            case I32, U32 -> b.putInt(i * 4, (int) v);
            case I16, U16 -> b.putShort(i * 2, (short) v);
            case I8, U8 -> b.put(i, (byte) v);
            case BOOL -> b.put(i, (byte) (v != 0 ? 1 : 0));
            case F32, F64, F16, BF16 -> put(b, t, i, v);
            default -> throw new IllegalArgumentException("no element access for dtype " + t);
        }
    }

    /** IEEE 754 half precision conversions (Java 17 has no Float.float16ToFloat). */
    public static final class Half {
        private Half() {}

        public static float toFloat(short h) {
            int bits = h & 0xffff;
            int sign = (bits & 0x8000) << 16;
            int exp = (bits >>> 10) & 0x1f;
            int mant = bits & 0x3ff;
            if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
            if (exp == 0) {
                if (mant == 0) return Float.intBitsToFloat(sign);
                // Subnormal half: value = mant * 2^-24.
                float v = mant * 0x1p-24f;
                return sign != 0 ? -v : v;
            }
            return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
        }

        /** Round-to-nearest-even conversion from float to half. */
        public static short fromFloat(float f) {
            int bits = Float.floatToRawIntBits(f);
            int sign = (bits >>> 16) & 0x8000;
            int absBits = bits & 0x7fffffff;
            if (absBits >= 0x7f800000) { // inf or NaN
                return (short) (sign | 0x7c00 | (absBits > 0x7f800000 ? 0x200 : 0));
            }
            if (absBits >= 0x477ff000) return (short) (sign | 0x7c00); // overflow rounds to inf
            if (absBits < 0x38800000) { // result is subnormal or zero
                float abs = Float.intBitsToFloat(absBits);
                int mant = Math.round(abs * 0x1p24f); // Math.round is half-up; fix ties to even
                float exact = abs * 0x1p24f;
                if (exact - Math.floor(exact) == 0.5f && (mant & 1) == 1) mant--;
                return (short) (sign | mant);
            }
            int exp = ((absBits >>> 23) - 112) << 10;
            int mant = absBits & 0x7fffff;
            int half = exp | (mant >>> 13);
            int rest = mant & 0x1fff;
            if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) half++;
            return (short) (sign | half);
        }
    }
}
