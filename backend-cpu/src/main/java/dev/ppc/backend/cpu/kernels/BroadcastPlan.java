package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;

import java.util.ArrayList;
import java.util.List;

/**
 * The loop structure of an element-wise op over broadcast operands, computed once per kernel.
 *
 * <p>The output is contiguous. Each operand is read with element strides that are 0 along
 * broadcast dims. Dims of size 1 are dropped and neighbouring dims are merged whenever every
 * operand's strides nest across them, so that the common cases become one or two loops: equal
 * shapes collapse to a single contiguous run, a per-row scalar ({@code [B,S,H] - [B,S,1]}) to
 * rows of {@code H} with a stride-0 inner operand, a bias ({@code [B,S,H] + [H]}) to rows with a
 * stride-1 operand whose row offset is always 0. The innermost merged dim is the unit of work
 * handed to the kernels' tight loops; the outer dims ("rows") are walked by {@link #offset}.
 */
final class BroadcastPlan {
    /** Number of output elements. */
    final int total;
    /** Length of the innermost merged dim; every row has this many elements. */
    final int inner;
    /** Number of rows ({@code total / inner}, 0 when the output is empty). */
    final int rows;
    /** Per operand, the element stride along the innermost dim (0 or the nested stride). */
    final int[] innerStride;
    private final int[] outer;
    private final int[][] outerStrides;

    private BroadcastPlan(int total, int inner, int[] outer, int[][] outerStrides, int[] innerStride) {
        this.total = total;
        this.inner = inner;
        this.rows = total == 0 ? 0 : total / inner;
        this.outer = outer;
        this.outerStrides = outerStrides;
        this.innerStride = innerStride;
    }

    /**
     * Plans reading operands of the given shapes broadcast to {@code out}.
     *
     * @throws IllegalArgumentException if an operand does not broadcast to {@code out}
     */
    static BroadcastPlan of(long[] out, long[]... operands) {
        int n = operands.length;
        long[][] st = new long[n][];
        for (int k = 0; k < n; k++) st[k] = Shapes.broadcastStrides(operands[k], out);
        int total = Shapes.toInt(Shapes.numel(out), "element count");
        List<long[]> dims = new ArrayList<>(); // each entry: {dim, stride_0, ..., stride_{n-1}}
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 1) continue;
            long[] cur = new long[n + 1];
            cur[0] = out[i];
            for (int k = 0; k < n; k++) cur[k + 1] = st[k][i];
            if (!dims.isEmpty()) {
                long[] prev = dims.get(dims.size() - 1);
                boolean nests = true;
                for (int k = 1; k <= n; k++) {
                    if (prev[k] != cur[k] * cur[0]) {
                        nests = false;
                        break;
                    }
                }
                if (nests) {
                    prev[0] *= cur[0];
                    for (int k = 1; k <= n; k++) prev[k] = cur[k];
                    continue;
                }
            }
            dims.add(cur);
        }
        if (dims.isEmpty()) dims.add(new long[n + 1]);
        long[] last = dims.get(dims.size() - 1);
        int inner = Shapes.toInt(Math.max(last[0], 1), "dimension");
        int[] innerStride = new int[n];
        for (int k = 0; k < n; k++) innerStride[k] = Shapes.toInt(last[k + 1], "stride");
        int[] outer = new int[dims.size() - 1];
        int[][] outerStrides = new int[n][outer.length];
        for (int d = 0; d < outer.length; d++) {
            long[] e = dims.get(d);
            outer[d] = Shapes.toInt(e[0], "dimension");
            for (int k = 0; k < n; k++) outerStrides[k][d] = Shapes.toInt(e[k + 1], "stride");
        }
        return new BroadcastPlan(total, inner, outer, outerStrides, innerStride);
    }

    /** Element offset in operand {@code k} of the first element of row {@code row}. */
    int offset(int k, int row) {
        int[] s = outerStrides[k];
        int off = 0;
        int rem = row;
        for (int d = outer.length - 1; d >= 0; d--) {
            int dim = outer[d];
            int q = rem / dim;
            off += (rem - q * dim) * s[d];
            rem = q;
        }
        return off;
    }
}
