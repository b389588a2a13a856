package dev.ppc.ir;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The type of a tensor value: an element type and a shape. The shape is a list of {@link Dim}s,
 * or absent ({@link #isRanked()} false) when not even the rank is known.
 */
public final class TensorType {
    private final DType dtype;
    private final List<Dim> dims; // null when unranked

    private TensorType(DType dtype, List<Dim> dims) {
        this.dtype = Objects.requireNonNull(dtype);
        this.dims = dims == null ? null : Collections.unmodifiableList(new ArrayList<>(dims));
    }

    public static TensorType of(DType dtype, List<Dim> dims) { return new TensorType(dtype, dims); }

    public static TensorType of(DType dtype, long... shape) {
        List<Dim> d = new ArrayList<>(shape.length);
        for (long s : shape) d.add(Dim.of(s));
        return new TensorType(dtype, d);
    }

    public static TensorType unranked(DType dtype) { return new TensorType(dtype, null); }

    public DType dtype() { return dtype; }

    public boolean isRanked() { return dims != null; }

    public List<Dim> dims() {
        if (dims == null) throw new IllegalStateException("type " + this + " has no rank");
        return dims;
    }

    public int rank() { return dims().size(); }

    public Dim dim(int i) { return dims().get(i); }

    /** True when the rank and every dimension are known numbers. */
    public boolean isStatic() {
        if (dims == null) return false;
        for (Dim d : dims) if (!d.isStatic()) return false;
        return true;
    }

    /** The static shape; fails unless {@link #isStatic()}. */
    public long[] shape() {
        if (!isStatic()) throw new IllegalStateException("type " + this + " is not static");
        long[] s = new long[dims.size()];
        for (int i = 0; i < s.length; i++) s[i] = dims.get(i).size();
        return s;
    }

    /**
     * Number of elements; fails unless static, and with an {@link ArithmeticException} when it
     * exceeds a long (binding and inferring shapes refuse such types first, see {@link #hasLongSize}).
     */
    public long numel() {
        long n = 1;
        for (long s : shape()) n = Math.multiplyExact(n, s);
        return n;
    }

    public long byteSize() { return Math.multiplyExact(numel(), (long) dtype.byteSize()); }

    /**
     * Whether this static type's element count and byte size fit in a long, so that
     * {@link #numel()} and {@link #byteSize()} are exact. Dims that multiply past 2^63 describe no
     * tensor; {@code specialize-shapes} and type inference refuse them, naming the value.
     */
    public boolean hasLongSize() {
        return exactByteSize().bitLength() < Long.SIZE && exactNumel().bitLength() < Long.SIZE;
    }

    /** The element count of a static type as an exact integer, however large (for messages). */
    public BigInteger exactNumel() {
        BigInteger n = BigInteger.ONE;
        for (long s : shape()) n = n.multiply(BigInteger.valueOf(s));
        return n;
    }

    /** The byte size of a static type as an exact integer, however large (for messages). */
    public BigInteger exactByteSize() { return exactNumel().multiply(BigInteger.valueOf(dtype.byteSize())); }

    public TensorType withDtype(DType newType) { return new TensorType(newType, dims); }

    /**
     * Whether a value of type {@code other} may stand where this type is declared: same dtype,
     * and where both know a dimension as a number, the numbers agree.
     */
    public boolean isCompatibleWith(TensorType other) {
        if (dtype != other.dtype) return false;
        if (dims == null || other.dims == null) return true;
        if (dims.size() != other.dims.size()) return false;
        for (int i = 0; i < dims.size(); i++) {
            Dim a = dims.get(i), b = other.dims.get(i);
            if (a.isStatic() && b.isStatic() && a.size() != b.size()) return false;
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorType t && t.dtype == dtype && Objects.equals(t.dims, dims);
    }

    @Override
    public int hashCode() { return dtype.hashCode() * 31 + Objects.hashCode(dims); }

    /** The text form, e.g. {@code f32[batch,8,64]}; {@code f32[*]} when unranked. */
    @Override
    public String toString() {
        if (dims == null) return dtype.textName() + "[*]";
        StringBuilder sb = new StringBuilder(dtype.textName()).append('[');
        for (int i = 0; i < dims.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(dims.get(i));
        }
        return sb.append(']').toString();
    }

    public static String shapeString(long[] shape) { return Arrays.toString(shape); }
}
