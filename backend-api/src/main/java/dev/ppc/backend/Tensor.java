package dev.ppc.backend;

import dev.ppc.ir.DType;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;

/**
 * A dense tensor whose elements live off the Java heap, in a direct, native-order
 * {@link ByteBuffer}.
 *
 * <p>Elements are stored in row-major (C) order without padding. The data is off-heap so that
 * native libraries (OpenBLAS, transports) can use it in place, without the copy a {@code float[]}
 * would cost on every call. {@link #allocate} aligns the data to 64 bytes (a cache line, and the
 * widest SIMD load) and zero-fills it; {@link #wrap} takes an existing buffer as it is, for views
 * into a larger arena.
 *
 * <p>Every accessor uses absolute indexing: the buffers' positions and limits are never moved,
 * so one tensor may be read from several threads at once. Writes from several threads need the
 * caller's synchronization, as with any buffer. A tensor holds at most {@link #MAX_BYTES} (2 GiB),
 * the limit of a {@code ByteBuffer}.
 *
 * <p>Tensors have identity semantics ({@code equals} is not overridden); compare contents with
 * {@link #bitwiseEqual}.
 */
public final class Tensor {
    /** Alignment in bytes of the data of every tensor made by {@link #allocate}. */
    public static final int ALIGNMENT = 64;

    /**
     * The most bytes one tensor holds (2 GiB less 128 bytes): its data is one {@code ByteBuffer},
     * indexed by {@code int}, and {@link #allocate} reserves an extra alignment unit to align it.
     * Backends check values against it before they allocate anything.
     */
    public static final long MAX_BYTES = Integer.MAX_VALUE / ALIGNMENT * ALIGNMENT - ALIGNMENT;

    private final DType dtype;
    private final long[] shape;
    private final int numel;
    private final ByteBuffer data;
    /** The view typed by {@code dtype} (FloatBuffer for f32, ...), or the bytes themselves. */
    private final Buffer typed;

    private Tensor(DType dtype, long[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.numel = Shapes.toInt(Shapes.numel(shape), "element count");
        this.data = data;
        this.typed = typedView(dtype, data);
    }

    private static Buffer typedView(DType dtype, ByteBuffer data) {
        switch (dtype) {
            case F32: return data.asFloatBuffer();
            case F64: return data.asDoubleBuffer();
            case I64: case U64: return data.asLongBuffer();
            case I32: case U32: return data.asIntBuffer();
            case F16: case BF16: case I16: case U16: return data.asShortBuffer();
            default: return data;
        }
    }

    private static void checkDType(DType dtype) {
        if (dtype == DType.STRING || dtype == DType.U4 || dtype == DType.I4) {
            throw new IllegalArgumentException("dtype " + dtype + " cannot be held in a Tensor: "
                    + "only fixed-size types of at least one byte are supported");
        }
    }

    /** Allocates a zero-filled tensor whose data is 64-byte aligned. */
    public static Tensor allocate(DType dtype, long... shape) {
        checkDType(dtype);
        long[] s = shape.clone();
        long bytes = Math.multiplyExact(Shapes.numel(s), (long) dtype.byteSize());
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("a " + dtype + " tensor of shape " + Shapes.str(s) + " needs " + bytes
                    + " bytes; a tensor holds at most " + MAX_BYTES + " (2 GiB)");
        }
        // alignedSlice rounds both ends inwards to the alignment, so reserve a whole extra
        // alignment unit on top of the size rounded up.
        long rounded = (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        int n = (int) (rounded + ALIGNMENT);
        ByteBuffer raw = ByteBuffer.allocateDirect(n);
        ByteBuffer aligned = raw.alignedSlice(ALIGNMENT);
        aligned.limit((int) bytes);
        return new Tensor(dtype, s, aligned.slice().order(ByteOrder.nativeOrder()));
    }

    /**
     * Wraps existing bytes without copying. The tensor's data starts at {@code data}'s position
     * and spans {@code numel * dtype.byteSize()} bytes; the buffer must be direct and have that
     * many bytes remaining. The buffer's own position, limit and order are left untouched.
     */
    public static Tensor wrap(DType dtype, long[] shape, ByteBuffer data) {
        checkDType(dtype);
        long[] s = shape.clone();
        long bytes = Math.multiplyExact(Shapes.numel(s), (long) dtype.byteSize());
        if (!data.isDirect()) {
            throw new IllegalArgumentException("tensor data must be a direct ByteBuffer (native code"
                    + " reads it in place)");
        }
        if (data.remaining() < bytes) {
            throw new IllegalArgumentException("buffer has " + data.remaining() + " bytes remaining"
                    + " but a " + dtype + " tensor of shape " + Shapes.str(s) + " needs " + bytes);
        }
        ByteBuffer view = data.slice().limit((int) bytes).slice().order(ByteOrder.nativeOrder());
        return new Tensor(dtype, s, view);
    }

    /** An f32 tensor holding {@code values} (whose count must match the shape). */
    public static Tensor ofFloats(long[] shape, float... values) {
        Tensor t = allocate(DType.F32, shape);
        t.checkCount(values.length);
        t.floats().put(0, values);
        return t;
    }

    /** An f64 tensor holding {@code values}. */
    public static Tensor ofDoubles(long[] shape, double... values) {
        Tensor t = allocate(DType.F64, shape);
        t.checkCount(values.length);
        t.doubles().put(0, values);
        return t;
    }

    /** An i64 tensor holding {@code values}. */
    public static Tensor ofLongs(long[] shape, long... values) {
        Tensor t = allocate(DType.I64, shape);
        t.checkCount(values.length);
        t.longs().put(0, values);
        return t;
    }

    /** An i32 tensor holding {@code values}. */
    public static Tensor ofInts(long[] shape, int... values) {
        Tensor t = allocate(DType.I32, shape);
        t.checkCount(values.length);
        t.ints().put(0, values);
        return t;
    }

    /** A bool tensor (one byte per element, 0 or 1) holding {@code values}. */
    public static Tensor ofBools(long[] shape, boolean... values) {
        Tensor t = allocate(DType.BOOL, shape);
        t.checkCount(values.length);
        for (int i = 0; i < values.length; i++) t.data.put(i, (byte) (values[i] ? 1 : 0));
        return t;
    }

    /** A rank-0 f32 tensor. */
    public static Tensor scalarFloat(float v) { return ofFloats(new long[0], v); }

    /** A rank-0 f64 tensor. */
    public static Tensor scalarDouble(double v) { return ofDoubles(new long[0], v); }

    /** A rank-0 i64 tensor. */
    public static Tensor scalarLong(long v) { return ofLongs(new long[0], v); }

    /** A rank-0 i32 tensor. */
    public static Tensor scalarInt(int v) { return ofInts(new long[0], v); }

    /** A rank-0 bool tensor. */
    public static Tensor scalarBool(boolean v) { return ofBools(new long[0], v); }

    private void checkCount(int n) {
        if (n != numel) {
            throw new IllegalArgumentException(n + " values given for shape " + Shapes.str(shape)
                    + ", which has " + numel + " elements");
        }
    }

    public DType dtype() { return dtype; }

    /** A copy of the shape. */
    public long[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public long dim(int i) { return shape[Shapes.normalizeAxis(i, shape.length)]; }

    /** Whether this tensor has exactly {@code s} as shape, without copying the shape. */
    public boolean hasShape(long[] s) { return Arrays.equals(shape, s); }

    /** Number of elements (1 for rank 0). */
    public long numel() { return numel; }

    /** Number of data bytes, {@code numel * dtype.byteSize()}. */
    public long byteSize() { return (long) numel * dtype.byteSize(); }

    /**
     * The data bytes, native order, position 0, limit {@link #byteSize()}. Use absolute access;
     * moving the position would not affect other views but makes sharing fragile.
     */
    public ByteBuffer data() { return data; }

    private void require(DType expected, String view) {
        if (dtype != expected) {
            throw new IllegalStateException(view + "() needs a " + expected + " tensor, this is "
                    + dtype + " " + Shapes.str(shape));
        }
    }

    /** The elements of an f32 tensor. */
    public FloatBuffer floats() { require(DType.F32, "floats"); return (FloatBuffer) typed; }

    /** The elements of an f64 tensor. */
    public DoubleBuffer doubles() { require(DType.F64, "doubles"); return (DoubleBuffer) typed; }

    /** The elements of an i64 tensor (or the bits of a u64 one). */
    public LongBuffer longs() {
        if (dtype != DType.U64) require(DType.I64, "longs");
        return (LongBuffer) typed;
    }

    /** The elements of an i32 tensor (or the bits of a u32 one). */
    public IntBuffer ints() {
        if (dtype != DType.U32) require(DType.I32, "ints");
        return (IntBuffer) typed;
    }

    /** The 16-bit elements of an f16, bf16, i16 or u16 tensor, as raw bits. */
    public ShortBuffer shorts() {
        if (!(typed instanceof ShortBuffer)) {
            throw new IllegalStateException("shorts() needs a 16-bit tensor, this is " + dtype);
        }
        return (ShortBuffer) typed;
    }

    public float getFloat(long i) { return floats().get(index(i)); }

    public void setFloat(long i, float v) { floats().put(index(i), v); }

    public double getDouble(long i) { return doubles().get(index(i)); }

    public void setDouble(long i, double v) { doubles().put(index(i), v); }

    public long getLong(long i) { return longs().get(index(i)); }

    public void setLong(long i, long v) { longs().put(index(i), v); }

    public int getInt(long i) { return ints().get(index(i)); }

    public void setInt(long i, int v) { ints().put(index(i), v); }

    /** Element {@code i} of a bool tensor; any non-zero byte is true. */
    public boolean getBool(long i) {
        require(DType.BOOL, "getBool");
        return data.get(index(i)) != 0;
    }

    public void setBool(long i, boolean v) {
        require(DType.BOOL, "setBool");
        data.put(index(i), (byte) (v ? 1 : 0));
    }

    private int index(long i) {
        if (i < 0 || i >= numel) {
            throw new IndexOutOfBoundsException("element " + i + " of a tensor with " + numel
                    + " elements");
        }
        return (int) i;
    }

    /** A view with another shape of the same element count, sharing this tensor's data. */
    public Tensor reshape(long... newShape) {
        long n = Shapes.numel(newShape);
        if (n != numel) {
            throw new IllegalArgumentException("cannot reshape " + Shapes.str(shape) + " ("
                    + numel + " elements) to " + Shapes.str(newShape) + " (" + n + " elements)");
        }
        return new Tensor(dtype, newShape.clone(), data);
    }

    /** A new, 64-byte aligned tensor with a copy of this one's data. */
    public Tensor copy() {
        Tensor t = allocate(dtype, shape);
        t.data.put(0, data, 0, (int) byteSize());
        return t;
    }

    /** The elements of an f32 tensor as a new array (for tests and small tensors). */
    public float[] toFloatArray() {
        float[] r = new float[numel];
        floats().get(0, r);
        return r;
    }

    /** The elements of an f64 tensor as a new array. */
    public double[] toDoubleArray() {
        double[] r = new double[numel];
        doubles().get(0, r);
        return r;
    }

    /** The elements of an i64 tensor as a new array. */
    public long[] toLongArray() {
        long[] r = new long[numel];
        longs().get(0, r);
        return r;
    }

    /** The elements of an i32 tensor as a new array. */
    public int[] toIntArray() {
        int[] r = new int[numel];
        ints().get(0, r);
        return r;
    }

    /** The elements of a bool tensor as a new array. */
    public boolean[] toBoolArray() {
        require(DType.BOOL, "toBoolArray");
        boolean[] r = new boolean[numel];
        for (int i = 0; i < numel; i++) r[i] = data.get(i) != 0;
        return r;
    }

    /** Whether both tensors have the same dtype, shape and data bytes. */
    public static boolean bitwiseEqual(Tensor a, Tensor b) {
        return a.dtype == b.dtype && Arrays.equals(a.shape, b.shape) && a.data.equals(b.data);
    }

    /** A short description: dtype, shape and the first few elements. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype).append(' ')
                .append(Shapes.str(shape));
        int show = Math.min(numel, 6);
        if (show > 0) {
            sb.append(' ').append('[');
            for (int i = 0; i < show; i++) {
                if (i > 0) sb.append(", ");
                sb.append(elementString(i));
            }
            if (show < numel) sb.append(", ...");
            sb.append(']');
        }
        return sb.append(')').toString();
    }

    private String elementString(int i) {
        switch (dtype) {
            case F32: return Float.toString(floats().get(i));
            case F64: return Double.toString(doubles().get(i));
            case I64: case U64: return Long.toString(longs().get(i));
            case I32: case U32: return Integer.toString(ints().get(i));
            case BOOL: return data.get(i) != 0 ? "true" : "false";
            case U8: return Integer.toString(data.get(i) & 0xFF);
            case I8: return Byte.toString(data.get(i));
            default:
                if (typed instanceof ShortBuffer) {
                    return "0x" + Integer.toHexString(((ShortBuffer) typed).get(i) & 0xFFFF);
                }
                return "0x" + Integer.toHexString(data.get(i) & 0xFF);
        }
    }
}
