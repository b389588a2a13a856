package dev.ppc.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The contents of a constant tensor: a type and its elements as little-endian bytes (possibly a
 * slice of a memory-mapped file), or a list of strings for {@link DType#STRING} tensors. A tensor
 * read from IR text whose data was elided has neither ({@link #hasData()} false).
 */
public final class TensorData {
    private final TensorType type;
    private final ByteBuffer bytes;
    private final List<String> strings;

    private TensorData(TensorType type, ByteBuffer bytes, List<String> strings) {
        if (!type.isStatic()) throw new IllegalArgumentException("constant tensors need a static shape, got " + type);
        this.type = type;
        this.bytes = bytes == null ? null : bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.strings = strings == null ? null : List.copyOf(strings);
        if (bytes != null && type.dtype() != DType.STRING && this.bytes.remaining() != expectedBytes(type)) {
            throw new IllegalArgumentException("tensor of type " + type + " needs " + expectedBytes(type)
                    + " bytes, got " + this.bytes.remaining());
        }
    }

    /** Bytes that {@code type}'s elements take; 4-bit types pack two elements into a byte. */
    public static long expectedBytes(TensorType type) {
        long n = type.numel();
        if (type.dtype() == DType.U4 || type.dtype() == DType.I4) return (n + 1) / 2;
        return n * type.dtype().byteSize();
    }

    public static TensorData ofBytes(TensorType type, ByteBuffer littleEndianBytes) {
        return new TensorData(type, Objects.requireNonNull(littleEndianBytes), null);
    }

    public static TensorData ofStrings(TensorType type, List<String> values) {
        if (values.size() != type.numel()) throw new IllegalArgumentException("string tensor " + type + " needs " + type.numel() + " values, got " + values.size());
        return new TensorData(type, null, values);
    }

    /** A tensor whose type is known but whose contents live elsewhere (elided from IR text). */
    public static TensorData elided(TensorType type) { return new TensorData(type, null, null); }

    public static TensorData ofLongs(long[] shape, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        return ofBytes(TensorType.of(DType.I64, shape), b.flip());
    }

    public static TensorData ofFloats(long[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return ofBytes(TensorType.of(DType.F32, shape), b.flip());
    }

    /** Builds a tensor of any numeric or bool dtype from double values (converted per dtype). */
    public static TensorData ofNumbers(DType dtype, long[] shape, double[] values) {
        TensorType type = TensorType.of(dtype, shape);
        ByteBuffer b = ByteBuffer.allocate((int) expectedBytes(type)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) Elements.put(b, dtype, i, values[i]);
        return ofBytes(type, b);
    }

    /** Builds an integer or bool tensor from long values. */
    public static TensorData ofIntegers(DType dtype, long[] shape, long[] values) {
        TensorType type = TensorType.of(dtype, shape);
        ByteBuffer b = ByteBuffer.allocate((int) expectedBytes(type)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) Elements.putLong(b, dtype, i, values[i]);
        return ofBytes(type, b);
    }

    public TensorType type() { return type; }

    public DType dtype() { return type.dtype(); }

    public long[] shape() { return type.shape(); }

    public long numel() { return type.numel(); }

    public boolean hasData() { return bytes != null || strings != null; }

    /** A read-only little-endian view of the bytes, positioned at 0. */
    public ByteBuffer bytes() {
        if (bytes == null) throw new IllegalStateException("tensor " + type + " has no byte data");
        return bytes.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    public List<String> strings() {
        if (strings == null) throw new IllegalStateException("tensor " + type + " is not a string tensor with data");
        return strings;
    }

    /** Element {@code i} as a double (numeric and bool dtypes). */
    public double doubleAt(long i) { return Elements.get(bytes, type.dtype(), (int) i); }

    /** Element {@code i} as a long (integer and bool dtypes; floating values are truncated). */
    public long longAt(long i) { return Elements.getLong(bytes, type.dtype(), (int) i); }

    public long[] toLongs() {
        long[] r = new long[(int) numel()];
        for (int i = 0; i < r.length; i++) r[i] = longAt(i);
        return r;
    }

    public double[] toDoubles() {
        double[] r = new double[(int) numel()];
        for (int i = 0; i < r.length; i++) r[i] = doubleAt(i);
        return r;
    }

    /** Content equality: same type and the same bytes (or strings). */
    public boolean sameContents(TensorData other) {
        if (!type.equals(other.type)) return false;
        if (strings != null || other.strings != null) return Objects.equals(strings, other.strings);
        if (bytes == null || other.bytes == null) return bytes == other.bytes;
        return bytes().equals(other.bytes());
    }

    /** A hash of type and contents, consistent with {@link #sameContents}. */
    public int contentHash() {
        int h = type.hashCode();
        if (strings != null) return h * 31 + strings.hashCode();
        if (bytes != null) return h * 31 + bytes().hashCode();
        return h;
    }

    @Override
    public String toString() {
        if (!hasData()) return type + " (elided)";
        if (strings != null) return type + " " + strings;
        if (numel() <= 8 && type.dtype() != DType.U4 && type.dtype() != DType.I4) {
            return type + " " + (type.dtype().isFloatingPoint() ? Arrays.toString(toDoubles()) : Arrays.toString(toLongs()));
        }
        return type.toString();
    }
}
