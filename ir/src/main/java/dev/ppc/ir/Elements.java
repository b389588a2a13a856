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
            case F16 -> HalfFloats.f16ToFloat(b.getShort(i * 2));
            case BF16 -> HalfFloats.bf16ToFloat(b.getShort(i * 2));
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
            case F16 -> b.putShort(i * 2, HalfFloats.floatToF16((float) v));
            case BF16 -> b.putShort(i * 2, HalfFloats.floatToBf16((float) v));
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
}
