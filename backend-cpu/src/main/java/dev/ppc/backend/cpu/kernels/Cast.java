package dev.ppc.backend.cpu.kernels;

import dev.ppc.ir.HalfFloats;
import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.ByteBuffer;

/**
 * ONNX Cast between f32, f64, f16, bf16, i64, i32, i8, u8 and bool, element-wise.
 *
 * <p>Conversions follow C and NumPy on x86, which is what ONNX Runtime does:
 * <ul>
 *   <li>float to integer truncates toward zero; out-of-range values and NaN are undefined in
 *       ONNX, here they saturate to the i64 (or i32) range first and then wrap to narrower types;
 *   <li>integer to narrower integer wraps (two's complement);
 *   <li>anything to bool is {@code x != 0} (NaN is true); bool to anything is 0 or 1;
 *   <li>to f16 and bf16 rounds to nearest, ties to even ({@link HalfFloats}); i64 to f32 rounds
 *       once, directly from the integer.
 * </ul>
 * Values are read as either a double (float sources) or a long (integer and bool sources), so
 * every conversion is exact up to the final rounding.
 */
public final class Cast extends AbstractKernel {
    private final DType from;
    private final DType to;
    private final int n;

    public Cast(DType from, DType to, long[] shape) {
        super("Cast");
        DType[] ok = {DType.F32, DType.F64, DType.F16, DType.BF16, DType.I64, DType.I32, DType.I8,
            DType.U8, DType.BOOL};
        requireType("Cast (from)", from, ok);
        requireType("Cast (to)", to, ok);
        this.from = from;
        this.to = to;
        this.n = Shapes.toInt(Shapes.numel(shape), "element count");
        inputs(1, new long[][] {shape}, new DType[] {from});
        outputs(new long[][] {shape}, new DType[] {to});
    }

    private static boolean isFloat(DType t) {
        return t == DType.F32 || t == DType.F64 || t == DType.F16 || t == DType.BF16;
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        if (from == to) {
            y.data().put(0, x.data(), 0, (int) x.byteSize());
            return;
        }
        ByteBuffer src = x.data();
        ByteBuffer dst = y.data();
        if (from == DType.F32 && to == DType.F16) {
            for (int i = 0; i < n; i++) dst.putShort(2 * i, HalfFloats.floatToF16(src.getFloat(4 * i)));
            return;
        }
        if (from == DType.F16 && to == DType.F32) {
            for (int i = 0; i < n; i++) dst.putFloat(4 * i, HalfFloats.f16ToFloat(src.getShort(2 * i)));
            return;
        }
        if (isFloat(from)) {
            for (int i = 0; i < n; i++) writeDouble(dst, i, readDouble(src, i));
        } else {
            for (int i = 0; i < n; i++) writeLong(dst, i, readLong(src, i));
        }
    }

    private double readDouble(ByteBuffer b, int i) {
        switch (from) {
            case F32: return b.getFloat(4 * i);
            case F64: return b.getDouble(8 * i);
            case F16: return HalfFloats.f16ToFloat(b.getShort(2 * i));
            default: return HalfFloats.bf16ToFloat(b.getShort(2 * i));
        }
    }

    private long readLong(ByteBuffer b, int i) {
        switch (from) {
            case I64: return b.getLong(8 * i);
            case I32: return b.getInt(4 * i);
            case I8: return b.get(i);
            case U8: return b.get(i) & 0xFF;
            default: return b.get(i) != 0 ? 1 : 0;
        }
    }

    private void writeDouble(ByteBuffer b, int i, double v) {
        switch (to) {
            case F32: b.putFloat(4 * i, (float) v); break;
            case F64: b.putDouble(8 * i, v); break;
            case F16: b.putShort(2 * i, HalfFloats.floatToF16(narrowToFloat(v))); break;
            case BF16: b.putShort(2 * i, HalfFloats.floatToBf16(narrowToFloat(v))); break;
            case BOOL: b.put(i, (byte) (v != 0 ? 1 : 0)); break;
            case I64: b.putLong(8 * i, (long) v); break;
            case I32: b.putInt(4 * i, (int) (long) v); break;
            case I8: case U8: b.put(i, (byte) (long) v); break;
            default: throw new IllegalStateException(to.toString());
        }
    }

    /**
     * f64 to float for a further narrowing: f32 sources are exact here; for f64 sources the
     * double rounding (to float, then to 16 bits) can differ from a direct rounding only for
     * values within 2^-29 relative of a 16-bit tie, which is accepted.
     */
    private static float narrowToFloat(double v) {
        return (float) v;
    }

    private void writeLong(ByteBuffer b, int i, long v) {
        switch (to) {
            case F32: b.putFloat(4 * i, (float) v); break;
            case F64: b.putDouble(8 * i, (double) v); break;
            case F16: b.putShort(2 * i, HalfFloats.floatToF16((float) v)); break;
            case BF16: b.putShort(2 * i, HalfFloats.floatToBf16((float) v)); break;
            case BOOL: b.put(i, (byte) (v != 0 ? 1 : 0)); break;
            case I64: b.putLong(8 * i, v); break;
            case I32: b.putInt(4 * i, (int) v); break;
            default: b.put(i, (byte) v); break;
        }
    }
}
