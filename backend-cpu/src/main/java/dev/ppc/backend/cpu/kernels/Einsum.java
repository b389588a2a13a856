package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.Blas;
import dev.ppc.ir.DType;
import org.bytedeco.javacpp.FloatPointer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ONNX Einsum, f32, for any equation {@link EinsumEquation} accepts.
 *
 * <p>Two operands whose labels each occur in the output or in both operands (every contraction
 * attention uses: {@code bhid,bhjd->bhij}, {@code bhij,bhjd->bhid}, {@code bij,bjk->bik},
 * {@code ij,jk}, and layouts like {@code bihd,bjhd->bhij}) run as batched GEMM. The labels split
 * into batch (both operands and the output), M (A and output), N (B and output) and K (both
 * operands only). Where an operand's M and K labels (or K and N) each nest into one stride and
 * one of them is contiguous, OpenBLAS reads it in place, transposed or not, with that stride as
 * the leading dimension; otherwise it is first gathered into a scratch buffer in
 * {@code [batch, M, K]} order. The output is written in place when its N (or M, by computing the
 * transposed product) is contiguous, else through scratch and a final gather. Batch labels are
 * walked with their own strides, so they may broadcast and need not be adjacent.
 *
 * <p>A single operand whose labels are all distinct and all kept is a transpose. Every other
 * equation (diagonals, labels summed within one operand, three or more operands) runs through a
 * direct loop over all labels that accumulates products in double: correct for anything, and
 * slow only in proportion to the product of all label sizes.
 *
 * <p>This kernel owns scratch buffers, so an instance is not thread-safe (see {@link Kernel}).
 */
public final class Einsum extends AbstractKernel {
    private final EinsumEquation eq;
    private final int outCount;
    /** The GEMM plan, or null; the transpose copy, or null; neither: the direct loop. */
    private final Gemm2 gemm;
    private final StridedCopy transpose;
    /** For the direct loop: labels summed over, their count, and each operand's label strides. */
    private final int[] sumLabels;
    private final long sumCount;
    private final long[][] labelStrides;

    public Einsum(String equation, long[]... shapes) {
        super("Einsum");
        this.eq = EinsumEquation.parse(equation, shapes);
        long[] out = eq.outputShape();
        this.outCount = Shapes.toInt(Shapes.numel(out), "element count");
        DType[] types = new DType[shapes.length];
        Arrays.fill(types, DType.F32);
        inputs(shapes.length, shapes, types);
        outputs(new long[][] {out}, new DType[] {DType.F32});
        List<Integer> summed = new ArrayList<>();
        for (int l = 0; l < eq.size.length; l++) {
            boolean occurs = false;
            for (int k = 0; k < shapes.length; k++) occurs |= eq.inInput(k, l);
            if (occurs && !eq.inOutput(l)) summed.add(l);
        }
        this.sumLabels = summed.stream().mapToInt(Integer::intValue).toArray();
        long sc = 1;
        for (int l : sumLabels) sc *= eq.size[l];
        this.sumCount = sc;
        this.labelStrides = new long[shapes.length][];
        for (int k = 0; k < shapes.length; k++) labelStrides[k] = eq.labelStrides(k, shapes[k]);
        boolean anyEmpty = false;
        for (long[] s : shapes) anyEmpty |= Shapes.numel(s) == 0;
        StridedCopy t = null;
        Gemm2 g = null;
        if (shapes.length == 1 && !eq.hasRepeatedLabel(0) && !anyEmpty
                && eq.inputs[0].length == eq.output.length) {
            long[] src = new long[eq.output.length];
            for (int i = 0; i < src.length; i++) src[i] = labelStrides[0][eq.output[i]];
            t = new StridedCopy(4, out, src, 0);
        } else if (shapes.length == 2 && !anyEmpty) {
            g = Gemm2.plan(eq, shapes[0], shapes[1]);
        }
        this.transpose = t;
        this.gemm = g;
    }

    /** The output shape of {@code equation} for operands of the given shapes. */
    public static long[] outputShape(String equation, long[]... shapes) {
        return EinsumEquation.parse(equation, shapes).outputShape();
    }

    /** Whether this instance runs as GEMM (for tests and diagnostics). */
    boolean usesGemm() {
        return gemm != null;
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        if (transpose != null) {
            transpose.copy(inputs[0].data(), 0, outputs[0].data(), 0);
        } else if (gemm != null) {
            gemm.run(inputs[0], inputs[1], outputs[0]);
        } else {
            general(inputs, outputs[0]);
        }
    }

    /**
     * The direct evaluation: for each output element, sum over all summed labels of the product
     * of the operands, in double.
     */
    private void general(Tensor[] inputs, Tensor out) {
        int nIn = inputs.length;
        int[] outLabels = eq.output;
        int[] oIdx = new int[outLabels.length];
        int[] sIdx = new int[sumLabels.length];
        long[] base = new long[nIn];
        java.nio.FloatBuffer y = out.floats();
        for (int o = 0; o < outCount; o++) {
            // Decode the output index into label coordinates (row-major over the output labels).
            int rem = o;
            for (int d = outLabels.length - 1; d >= 0; d--) {
                int sz = (int) eq.size[outLabels[d]];
                oIdx[d] = rem % sz;
                rem /= sz;
            }
            for (int k = 0; k < nIn; k++) {
                long b = 0;
                for (int d = 0; d < outLabels.length; d++) b += oIdx[d] * labelStrides[k][outLabels[d]];
                base[k] = b;
            }
            double acc = 0;
            Arrays.fill(sIdx, 0);
            for (long s = 0; s < sumCount; s++) {
                if (s > 0) {
                    for (int d = sumLabels.length - 1; d >= 0; d--) {
                        if (++sIdx[d] < eq.size[sumLabels[d]]) break;
                        sIdx[d] = 0;
                    }
                }
                double p = 1;
                for (int k = 0; k < nIn; k++) {
                    long a = base[k];
                    for (int d = 0; d < sumLabels.length; d++) a += sIdx[d] * labelStrides[k][sumLabels[d]];
                    p *= inputs[k].floats().get((int) a);
                }
                acc += p;
            }
            y.put(o, (float) acc);
        }
    }

    /**
     * The batched-GEMM plan for two operands: which labels form batch, M, N and K, how each
     * operand and the output are addressed, and the scratch buffers for those that must be
     * gathered first.
     */
    private static final class Gemm2 {
        int m;
        int n;
        int k;
        int[] batchDims;
        int[] aBatch;
        int[] bBatch;
        int[] cBatch;
        boolean transA;
        int lda;
        boolean transB;
        int ldb;
        /** Whether the product is computed transposed (C^T = B^T A^T) to write C in place. */
        boolean swapped;
        int ldc;
        StridedCopy packA;
        StridedCopy packB;
        Tensor scratchA;
        Tensor scratchB;
        Tensor scratchC;
        StridedCopy unpackC;

        static Gemm2 plan(EinsumEquation eq, long[] aShape, long[] bShape) {
            if (eq.hasRepeatedLabel(0) || eq.hasRepeatedLabel(1)) return null;
            List<Integer> batch = new ArrayList<>();
            List<Integer> ml = new ArrayList<>();
            List<Integer> nl = new ArrayList<>();
            List<Integer> kl = new ArrayList<>();
            for (int l : eq.output) {
                boolean inA = eq.inInput(0, l);
                boolean inB = eq.inInput(1, l);
                if (inA && inB) batch.add(l);
                else if (inA) ml.add(l);
                else nl.add(l);
            }
            for (int l : eq.inputs[0]) {
                if (!eq.inOutput(l)) {
                    if (!eq.inInput(1, l)) return null; // summed within A alone
                    kl.add(l);
                }
            }
            for (int l : eq.inputs[1]) {
                if (!eq.inOutput(l) && !eq.inInput(0, l)) return null; // summed within B alone
            }
            long[] sa = eq.labelStrides(0, aShape);
            long[] sb = eq.labelStrides(1, bShape);
            // M, N and K labels must not broadcast: their strides then address every element.
            for (int l : ml) if (sizeIn(eq, 0, aShape, l) != eq.size[l]) return null;
            for (int l : nl) if (sizeIn(eq, 1, bShape, l) != eq.size[l]) return null;
            for (int l : kl) {
                if (sizeIn(eq, 0, aShape, l) != eq.size[l] || sizeIn(eq, 1, bShape, l) != eq.size[l]) {
                    return null;
                }
            }
            long[] outShape = eq.outputShape();
            long[] cOwn = Shapes.strides(outShape);
            long[] sc = new long[eq.size.length];
            for (int i = 0; i < eq.output.length; i++) sc[eq.output[i]] = eq.size[eq.output[i]] == 1 ? 0 : cOwn[i];

            Gemm2 g = new Gemm2();
            g.m = Shapes.toInt(product(eq, ml), "dimension");
            g.n = Shapes.toInt(product(eq, nl), "dimension");
            g.k = Shapes.toInt(product(eq, kl), "dimension");
            int nb = batch.size();
            g.batchDims = new int[nb];
            for (int i = 0; i < nb; i++) g.batchDims[i] = Shapes.toInt(eq.size[batch.get(i)], "dimension");

            // Operand A: [M, K] in place, or packed as [batch, M, K].
            long smA = nest(eq, ml, sa);
            long skA = nest(eq, kl, sa);
            int[] la = smA < 0 || skA < 0 ? null : layout(g.m, smA, g.k, skA);
            g.aBatch = new int[nb];
            if (la != null) {
                g.transA = la[0] == 1;
                g.lda = la[1];
                for (int i = 0; i < nb; i++) g.aBatch[i] = Shapes.toInt(sa[batch.get(i)], "stride");
            } else {
                List<Integer> order = concat(batch, ml, kl);
                g.packA = pack(eq, order, sa);
                g.scratchA = Tensor.allocate(DType.F32, g.packA.total());
                g.transA = false;
                g.lda = Math.max(g.k, 1);
                fillContiguousBatchStrides(g.aBatch, g.batchDims, (long) g.m * g.k);
            }
            // Operand B: [K, N] in place, or packed as [batch, K, N].
            long skB = nest(eq, kl, sb);
            long snB = nest(eq, nl, sb);
            int[] lb = skB < 0 || snB < 0 ? null : layout(g.k, skB, g.n, snB);
            g.bBatch = new int[nb];
            if (lb != null) {
                g.transB = lb[0] == 1;
                g.ldb = lb[1];
                for (int i = 0; i < nb; i++) g.bBatch[i] = Shapes.toInt(sb[batch.get(i)], "stride");
            } else {
                List<Integer> order = concat(batch, kl, nl);
                g.packB = pack(eq, order, sb);
                g.scratchB = Tensor.allocate(DType.F32, g.packB.total());
                g.transB = false;
                g.ldb = Math.max(g.n, 1);
                fillContiguousBatchStrides(g.bBatch, g.batchDims, (long) g.k * g.n);
            }
            // Output C: [M, N] in place, [N, M] in place (swapped product), or via scratch.
            long smC = nest(eq, ml, sc);
            long snC = nest(eq, nl, sc);
            int[] lc = smC < 0 || snC < 0 ? null : layout(g.m, smC, g.n, snC);
            g.cBatch = new int[nb];
            if (lc != null) {
                g.swapped = lc[0] == 1;
                g.ldc = lc[1];
                for (int i = 0; i < nb; i++) g.cBatch[i] = Shapes.toInt(sc[batch.get(i)], "stride");
            } else {
                List<Integer> order = concat(batch, ml, nl);
                long[] scratchShape = new long[order.size()];
                for (int i = 0; i < scratchShape.length; i++) scratchShape[i] = eq.size[order.get(i)];
                long[] scratchStrides = Shapes.strides(scratchShape);
                long[] byLabel = new long[eq.size.length];
                for (int i = 0; i < scratchShape.length; i++) byLabel[order.get(i)] = scratchStrides[i];
                long[] src = new long[eq.output.length];
                for (int i = 0; i < src.length; i++) src[i] = byLabel[eq.output[i]];
                g.scratchC = Tensor.allocate(DType.F32, Shapes.numel(scratchShape));
                g.unpackC = new StridedCopy(4, outShape, src, 0);
                g.swapped = false;
                g.ldc = Math.max(g.n, 1);
                fillContiguousBatchStrides(g.cBatch, g.batchDims, (long) g.m * g.n);
            }
            return g;
        }

        private static long sizeIn(EinsumEquation eq, int k, long[] shape, int l) {
            for (int d = 0; d < shape.length; d++) if (eq.inputs[k][d] == l) return shape[d];
            return -1;
        }

        private static long product(EinsumEquation eq, List<Integer> labels) {
            long p = 1;
            for (int l : labels) p *= eq.size[l];
            return p;
        }

        private static List<Integer> concat(List<Integer> a, List<Integer> b, List<Integer> c) {
            List<Integer> r = new ArrayList<>(a);
            r.addAll(b);
            r.addAll(c);
            return r;
        }

        private static void fillContiguousBatchStrides(int[] out, int[] dims, long matrix) {
            long s = matrix;
            for (int i = dims.length - 1; i >= 0; i--) {
                out[i] = Shapes.toInt(s, "stride");
                s *= dims[i];
            }
        }

        /**
         * The single stride of a group of labels read in the given order, if their strides
         * nest ({@code s[i] == s[i+1] * size[i+1]}, size-1 labels ignored); 0 for a group of
         * total size 1; -1 if they do not nest.
         */
        private static long nest(EinsumEquation eq, List<Integer> labels, long[] strides) {
            long stride = 0;
            int prev = -1;
            for (int l : labels) {
                if (eq.size[l] == 1) continue;
                if (prev >= 0 && strides[prev] != strides[l] * eq.size[l]) return -1;
                prev = l;
                stride = strides[l];
            }
            return stride;
        }

        /**
         * How BLAS can address a {@code rows x cols} matrix with the given element strides:
         * {@code {0, ld}} row-major (cols contiguous), {@code {1, ld}} transposed (rows
         * contiguous), or null. Size-1 extents accept any stride.
         */
        private static int[] layout(int rows, long rs, int cols, long cs) {
            boolean rowsTrivial = rows <= 1;
            boolean colsTrivial = cols <= 1;
            if (colsTrivial || cs == 1) {
                long ld = rowsTrivial ? Math.max(cols, 1) : rs;
                if (ld >= Math.max(cols, 1)) return new int[] {0, Shapes.toInt(ld, "stride")};
            }
            if (rowsTrivial || rs == 1) {
                long ld = colsTrivial ? Math.max(rows, 1) : cs;
                if (ld >= Math.max(rows, 1)) return new int[] {1, Shapes.toInt(ld, "stride")};
            }
            return null;
        }

        /** A gather of an operand into the contiguous layout of the labels in {@code order}. */
        private static StridedCopy pack(EinsumEquation eq, List<Integer> order, long[] strides) {
            long[] shape = new long[order.size()];
            long[] src = new long[order.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = eq.size[order.get(i)];
                src[i] = strides[order.get(i)];
            }
            return new StridedCopy(4, shape, src, 0);
        }

        void run(Tensor a, Tensor b, Tensor c) {
            Tensor aT = a;
            Tensor bT = b;
            if (packA != null) {
                packA.copy(a.data(), 0, scratchA.data(), 0);
                aT = scratchA;
            }
            if (packB != null) {
                packB.copy(b.data(), 0, scratchB.data(), 0);
                bT = scratchB;
            }
            Tensor cT = scratchC != null ? scratchC : c;
            FloatPointer pa = Blas.pointer(aT);
            FloatPointer pb = Blas.pointer(bT);
            FloatPointer pc = Blas.pointer(cT);
            int batches = 1;
            for (int d : batchDims) batches *= d;
            for (int t = 0; t < batches; t++) {
                long ao = 0;
                long bo = 0;
                long co = 0;
                int rem = t;
                for (int d = batchDims.length - 1; d >= 0; d--) {
                    int q = rem / batchDims[d];
                    int i = rem - q * batchDims[d];
                    ao += (long) i * aBatch[d];
                    bo += (long) i * bBatch[d];
                    co += (long) i * cBatch[d];
                    rem = q;
                }
                if (swapped) {
                    Blas.sgemm(!transB, !transA, n, m, k, 1f, pb, bo, ldb, pa, ao, lda, 0f, pc, co, ldc);
                } else {
                    Blas.sgemm(transA, transB, m, n, k, 1f, pa, ao, lda, pb, bo, ldb, 0f, pc, co, ldc);
                }
            }
            if (unpackC != null) unpackC.copy(scratchC.data(), 0, c.data(), 0);
        }
    }
}
