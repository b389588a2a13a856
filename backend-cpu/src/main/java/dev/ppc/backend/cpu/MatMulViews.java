package dev.ppc.backend.cpu;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.cpu.kernels.StridedMatMul;
import dev.ppc.ir.DType;
import dev.ppc.ir.Function;
import dev.ppc.ir.Op;
import dev.ppc.ir.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds batched MatMuls that can read their operands, and write their result, in place through
 * strides ({@link StridedMatMul}) instead of through copies made by the ops around them.
 *
 * <p>An operand qualifies when it is reached from a larger tensor (its root) through a chain of
 * ops that only move data, Split, Transpose and the reshaping views (Reshape, Squeeze, Unsqueeze,
 * Flatten, Identity, Dropout), each of whose results in the chain has this one use and is not a
 * stage output, and the chain contains a Split or a Transpose (otherwise there is no copy to
 * save). The result qualifies when its only use is a Transpose that keeps its columns contiguous:
 * the MatMul then writes the Transpose's result directly. GPT-2's attention is the case this is
 * for: Q, K and V are split out of one projection, reshaped to heads and transposed (K to
 * {@code [b, h, d, s]}, which becomes a transposed GEMM operand), and the per-head results are
 * transposed back before the heads are merged; all of that becomes strides.
 *
 * <p>Only MatMuls of the batched form (B has batch dims) take part: their GEMM calls stay one per
 * batch, so the results have the same bits as with the copies (the stage tests check it).
 */
final class MatMulViews {
    private static final Set<String> RESHAPES = Set.of("Reshape", "Squeeze", "Unsqueeze", "Flatten", "Identity", "Dropout");

    /** A MatMul that runs as a {@link StridedMatMul}: its kernel, what it reads and what it writes. */
    record Absorbed(StridedMatMul kernel, Value aRoot, Value bRoot, Value target) {}

    /** The MatMuls to run strided and the ops they make unnecessary. */
    record Plan(Map<Op, Absorbed> matmuls, Set<Op> skipped) {}

    /** A strided view of a root tensor: element offset, shape and strides in elements. */
    private record View(long offset, long[] shape, long[] strides) {}

    private MatMulViews() {}

    static Plan plan(Function f) {
        Set<Value> outputs = new HashSet<>();
        for (Function.Output o : f.outputs()) outputs.add(o.value());
        Map<Op, Absorbed> matmuls = new IdentityHashMap<>();
        Set<Op> skipped = new HashSet<>();
        Map<Op, Integer> absorbedSplitResults = new IdentityHashMap<>();
        for (Op op : f.ops()) {
            if (!op.isOnnx("MatMul") || op.numOperands() != 2) continue;
            Value a = op.operand(0), b = op.operand(1), c = op.result();
            if (!isStaticF32(a) || !isStaticF32(b) || !isStaticF32(c)) continue;
            long[] as = a.type().shape(), bs = b.type().shape(), cs = c.type().shape();
            if (as.length < 2 || bs.length < 3) continue;
            long[] aBatch = Arrays.copyOf(as, as.length - 2), bBatch = Arrays.copyOf(bs, bs.length - 2);
            long[] batch = Arrays.copyOf(cs, cs.length - 2);
            // MatMul folds A's batch into one GEMM in this case; keep its decomposition.
            if (Shapes.numel(bBatch) == 1 && Arrays.equals(batch, aBatch)) continue;
            List<Op> aChain = new ArrayList<>(), bChain = new ArrayList<>();
            Value aRoot = root(a, outputs, aChain), bRoot = root(b, outputs, bChain);
            View av = aChain.isEmpty() ? null : view(a, aRoot, aChain);
            View bv = bChain.isEmpty() ? null : view(b, bRoot, bChain);
            if (av == null) {
                aRoot = a;
                aChain.clear();
                av = contiguous(as);
            }
            if (bv == null) {
                bRoot = b;
                bChain.clear();
                bv = contiguous(bs);
            }
            Op transposeAfter = transposeAfter(c, outputs);
            Value target = c;
            View cv = contiguous(cs);
            if (transposeAfter != null) {
                long[] outStrides = Shapes.strides(transposeAfter.result().type().shape());
                long[] perm = permutation(transposeAfter, cs.length);
                long[] strides = new long[cs.length];
                for (int i = 0; i < perm.length; i++) strides[(int) perm[i]] = outStrides[i];
                if (strides[cs.length - 1] == 1) {
                    target = transposeAfter.result();
                    cv = new View(0, cs, strides);
                } else {
                    transposeAfter = null;
                }
            }
            if (aChain.isEmpty() && bChain.isEmpty() && transposeAfter == null) continue;
            StridedMatMul.View ma = matrix(av, batch), mb = matrix(bv, batch), mc = matrix(cv, batch);
            if (ma == null || mb == null || mc == null || mc.colStride() != 1) continue;
            StridedMatMul kernel;
            try {
                kernel = new StridedMatMul(batch, (int) as[as.length - 2], (int) bs[bs.length - 1], (int) as[as.length - 1],
                        ma, aRoot.type().shape(), mb, bRoot.type().shape(), mc, target.type().shape());
            } catch (IllegalArgumentException e) {
                continue; // a view BLAS cannot take (leading dimension too small): keep the copies
            }
            matmuls.put(op, new Absorbed(kernel, aRoot, bRoot, target));
            for (Op chainOp : concat(aChain, bChain)) {
                if (chainOp.isOnnx("Split")) absorbedSplitResults.merge(chainOp, 1, Integer::sum);
                else skipped.add(chainOp);
            }
            if (transposeAfter != null) skipped.add(transposeAfter);
        }
        // A Split goes only when every piece is read through strides.
        absorbedSplitResults.forEach((split, n) -> {
            if (n == split.results().size()) skipped.add(split);
        });
        return new Plan(matmuls, skipped);
    }

    private static List<Op> concat(List<Op> x, List<Op> y) {
        List<Op> all = new ArrayList<>(x);
        all.addAll(y);
        return all;
    }

    private static boolean isStaticF32(Value v) {
        return v != null && v.type().isStatic() && v.type().dtype() == DType.F32;
    }

    /** Walks back through single-use data-moving ops; {@code chain} gets them, nearest first. */
    private static Value root(Value v, Set<Value> outputs, List<Op> chain) {
        Value cur = v;
        while (true) {
            Op d = cur.definingOp();
            if (d == null || cur.uses().size() != 1 || outputs.contains(cur) || !isStaticF32(cur)) break;
            boolean moves = d.isOnnx("Transpose") || d.isOnnx("Split") || (RESHAPES.contains(d.name()) && d.domain().isEmpty());
            if (!moves || d.operand(0) == null || !isStaticF32(d.operand(0))) break;
            if (d.isOnnx("Dropout") && d.results().size() > 1 && d.result(1).hasUses()) break;
            chain.add(d);
            cur = d.operand(0);
        }
        boolean movesData = false;
        for (Op op : chain) movesData |= op.isOnnx("Transpose") || op.isOnnx("Split");
        if (!movesData) chain.clear();
        return chain.isEmpty() ? v : cur;
    }

    /** The view of {@code v} in {@code root} after the chain (nearest op first), or null if a reshape cannot be strided. */
    private static View view(Value v, Value root, List<Op> chain) {
        View cur = contiguous(root.type().shape());
        Value at = root;
        for (int i = chain.size() - 1; i >= 0; i--) {
            Op op = chain.get(i);
            Value next = i == 0 ? v : chain.get(i - 1).operand(0);
            if (op.isOnnx("Transpose")) {
                long[] perm = permutation(op, cur.shape().length);
                long[] shape = new long[perm.length], strides = new long[perm.length];
                for (int d = 0; d < perm.length; d++) {
                    shape[d] = cur.shape()[(int) perm[d]];
                    strides[d] = cur.strides()[(int) perm[d]];
                }
                cur = new View(cur.offset(), shape, strides);
            } else if (op.isOnnx("Split")) {
                int axis = Shapes.normalizeAxis(op.intAttr("axis", 0), cur.shape().length);
                long offset = cur.offset();
                for (int r = 0; r < next.resultIndex(); r++) offset += op.result(r).type().shape()[axis] * cur.strides()[axis];
                long[] shape = cur.shape().clone();
                shape[axis] = next.type().shape()[axis];
                cur = new View(offset, shape, cur.strides());
            } else {
                long[] strides = reshapeStrides(cur.shape(), cur.strides(), next.type().shape());
                if (strides == null) return null;
                cur = new View(cur.offset(), next.type().shape(), strides);
            }
            at = next;
        }
        return Arrays.equals(cur.shape(), at.type().shape()) ? cur : null;
    }

    private static View contiguous(long[] shape) { return new View(0, shape, Shapes.strides(shape)); }

    /** The Transpose that is the only user of {@code c}, or null. */
    private static Op transposeAfter(Value c, Set<Value> outputs) {
        if (c.uses().size() != 1 || outputs.contains(c)) return null;
        Op user = c.uses().get(0).user();
        return user.isOnnx("Transpose") && user.operand(0) == c && isStaticF32(user.result()) ? user : null;
    }

    private static long[] permutation(Op transpose, int rank) {
        long[] perm = transpose.intsAttr("perm");
        if (perm == null) {
            perm = new long[rank];
            for (int i = 0; i < rank; i++) perm[i] = rank - 1 - i;
        }
        long[] p = new long[rank];
        for (int i = 0; i < rank; i++) p[i] = Shapes.normalizeAxis(perm[i], rank);
        return p;
    }

    /**
     * Strides for viewing a strided array with a new shape without copying (NumPy's rule): the
     * size-1 dims are ignored, and each group of old dims that multiplies to a group of new dims
     * must be contiguous within itself. Null when that does not hold.
     */
    static long[] reshapeStrides(long[] oldShape, long[] oldStrides, long[] newShape) {
        List<long[]> old = new ArrayList<>(); // {size, stride} without size-1 dims
        for (int i = 0; i < oldShape.length; i++) if (oldShape[i] != 1) old.add(new long[] {oldShape[i], oldStrides[i]});
        long[] strides = new long[newShape.length];
        int oi = 0, ni = 0;
        while (ni < newShape.length && newShape[ni] == 1) ni++;
        while (oi < old.size() && ni < newShape.length) {
            // Grow both groups until their products match.
            int oj = oi + 1, nj = ni + 1;
            long op = old.get(oi)[0], np = newShape[ni];
            while (op != np) {
                if (op < np) {
                    if (oj == old.size()) return null;
                    op *= old.get(oj++)[0];
                } else {
                    if (nj == newShape.length) return null;
                    np *= newShape[nj++];
                }
            }
            for (int k = oi; k + 1 < oj; k++) {
                if (old.get(k)[1] != old.get(k + 1)[1] * old.get(k + 1)[0]) return null;
            }
            long stride = old.get(oj - 1)[1];
            for (int k = nj - 1; k >= ni; k--) {
                strides[k] = stride;
                stride *= newShape[k];
            }
            oi = oj;
            ni = nj;
            while (ni < newShape.length && newShape[ni] == 1) ni++;
        }
        if (oi != old.size()) return null;
        for (; ni < newShape.length; ni++) if (newShape[ni] != 1) return null;
        // Size-1 dims: any stride works; use the next dim's extent so the view stays tidy.
        for (int i = newShape.length - 1; i >= 0; i--) {
            if (newShape[i] == 1) strides[i] = i + 1 < newShape.length ? strides[i + 1] * newShape[i + 1] : 1;
        }
        return strides;
    }

    /** The matrix view of a strided operand for a product over {@code batch}, or null. */
    private static StridedMatMul.View matrix(View v, long[] batch) {
        int r = v.shape().length;
        long rows = v.shape()[r - 2], cols = v.shape()[r - 1];
        long rowStride = v.strides()[r - 2], colStride = v.strides()[r - 1];
        if (colStride != 1 && rowStride != 1) {
            if (rows == 1) rowStride = 1;
            else if (cols == 1) colStride = 1;
            else return null;
        }
        long[] batchStrides = new long[batch.length];
        int lead = batch.length - (r - 2);
        if (lead < 0) return null;
        for (int d = 0; d < r - 2; d++) batchStrides[lead + d] = v.shape()[d] == 1 ? 0 : v.strides()[d];
        return new StridedMatMul.View(v.offset(), batchStrides, rowStride, colStride);
    }
}
