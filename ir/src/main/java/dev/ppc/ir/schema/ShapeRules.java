package dev.ppc.ir.schema;

import dev.ppc.ir.DType;
import dev.ppc.ir.Dim;
import dev.ppc.ir.IrException;
import dev.ppc.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/** Shape arithmetic shared by type inference rules: broadcasting, reductions, dims from values. */
public final class ShapeRules {
    private ShapeRules() {}

    /**
     * ONNX multidirectional (numpy) broadcasting. Symbolic dims broadcast against 1 and against
     * equal symbols; a symbol against a number other than 1 takes the number (a mismatch would be
     * a runtime error). Returns an unranked type if any operand is unranked.
     */
    public static TensorType broadcast(DType dtype, List<TensorType> types) {
        int rank = 0;
        for (TensorType t : types) {
            if (t == null) continue;
            if (!t.isRanked()) return TensorType.unranked(dtype);
            rank = Math.max(rank, t.rank());
        }
        List<Dim> out = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            Dim result = null;
            for (TensorType t : types) {
                if (t == null) continue;
                int j = i - (rank - t.rank());
                if (j < 0) continue;
                result = broadcastDim(result, t.dim(j), types);
            }
            out.add(result == null ? Dim.of(1) : result);
        }
        return TensorType.of(dtype, out);
    }

    private static Dim broadcastDim(Dim acc, Dim d, List<TensorType> types) {
        if (acc == null) return d;
        if (acc.isStatic() && acc.size() == 1) return d;
        if (d.isStatic() && d.size() == 1) return acc;
        if (acc.isStatic() && d.isStatic()) {
            if (acc.size() != d.size()) {
                throw new IrException("shapes " + types + " cannot be broadcast: " + acc + " vs " + d);
            }
            return acc;
        }
        if (acc.isStatic()) return acc;
        if (d.isStatic()) return d;
        return acc.equals(d) ? acc : Dim.unknown();
    }

    /** Reduction over {@code axes} (all axes when empty and not {@code noopWhenEmpty}). */
    public static TensorType reduce(TensorType in, long[] axes, boolean keepDims, boolean noopWhenEmpty, DType outType) {
        if (!in.isRanked()) return TensorType.unranked(outType);
        int rank = in.rank();
        boolean[] reduced = new boolean[rank];
        if (axes == null || axes.length == 0) {
            if (noopWhenEmpty) return in.withDtype(outType);
            java.util.Arrays.fill(reduced, true);
        } else {
            for (long a : axes) {
                long n = a < 0 ? a + rank : a;
                if (n < 0 || n >= rank) throw new IrException("reduction axis " + a + " is out of range for rank " + rank);
                reduced[(int) n] = true;
            }
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (!reduced[i]) out.add(in.dim(i));
            else if (keepDims) out.add(Dim.of(1));
        }
        return TensorType.of(outType, out);
    }

    /** Dims from a 1-D constant of sizes; {@code null} values give unknown dims of the given rank. */
    public static List<Dim> dimsOf(long[] values) {
        List<Dim> d = new ArrayList<>(values.length);
        for (long v : values) d.add(v >= 0 ? Dim.of(v) : Dim.unknown());
        return d;
    }

    /** Product of dims when all are static, else -1. */
    public static long staticProduct(List<Dim> dims) {
        long p = 1;
        for (Dim d : dims) {
            if (!d.isStatic()) return -1;
            p *= d.size();
        }
        return p;
    }

    /** Length of a 1-D operand whose size is static, else -1. */
    public static int staticLength1D(TensorType t) {
        if (!t.isRanked() || t.rank() != 1 || !t.dim(0).isStatic()) return -1;
        return (int) t.dim(0).size();
    }
}
