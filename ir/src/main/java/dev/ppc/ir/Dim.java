package dev.ppc.ir;

import java.util.Objects;

/**
 * One dimension of a tensor type: a static size, a named symbol (ONNX {@code dim_param}, e.g.
 * {@code batch}) or unknown. Symbols with the same name in one function denote the same size.
 */
public final class Dim {
    private static final Dim UNKNOWN = new Dim(-1, null);

    private final long size;
    private final String symbol;

    private Dim(long size, String symbol) {
        this.size = size;
        this.symbol = symbol;
    }

    public static Dim of(long size) {
        if (size < 0) throw new IllegalArgumentException("negative dimension " + size);
        return new Dim(size, null);
    }

    public static Dim symbol(String name) {
        return new Dim(-1, Objects.requireNonNull(name));
    }

    public static Dim unknown() { return UNKNOWN; }

    public boolean isStatic() { return size >= 0; }

    public boolean isSymbol() { return symbol != null; }

    /** The static size; only meaningful when {@link #isStatic()}. */
    public long size() {
        if (size < 0) throw new IllegalStateException("dimension " + this + " is not static");
        return size;
    }

    public String symbolName() { return symbol; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dim d && d.size == size && Objects.equals(d.symbol, symbol);
    }

    @Override
    public int hashCode() { return Long.hashCode(size) * 31 + Objects.hashCode(symbol); }

    @Override
    public String toString() {
        if (size >= 0) return Long.toString(size);
        return symbol != null ? symbol : "?";
    }
}
