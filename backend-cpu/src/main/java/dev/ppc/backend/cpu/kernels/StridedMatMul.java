package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.Blas;
import dev.ppc.ir.DType;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A batched f32 matrix product whose operands and result are strided views of larger tensors,
 * so that the layout changes around attention (splitting heads out of the fused QKV projection,
 * transposing K, merging heads back) cost no copy: {@code C[b] = A[b] x B[b]} for every batch
 * index {@code b}, one {@code sgemm} per batch, each matrix read or written in place through its
 * leading dimension and a transpose flag.
 *
 * <p>Each of A, B and C is a {@link View}: an element offset into its tensor, one stride per
 * batch dim (0 along broadcast dims) and the strides of the matrix's rows and columns, one of
 * which must be 1. This computes the same GEMM calls as {@link MatMul}'s batched form on copied
 * operands (OpenBLAS reads strided and transposed operands into the same packed panels), and the
 * tests check that the bits agree.
 */
public final class StridedMatMul extends AbstractKernel implements ParallelKernel {
    /**
     * Where a matrix lives in its tensor: element {@code (batch..., i, j)} is at
     * {@code offset + sum(batch[d] * batchStrides[d]) + i * rowStride + j * colStride}.
     */
    public record View(long offset, long[] batchStrides, long rowStride, long colStride) {
        public View {
            batchStrides = batchStrides.clone();
            if (rowStride != 1 && colStride != 1) {
                throw new IllegalArgumentException("a matrix view needs unit row or column stride, got " + rowStride + " and " + colStride);
            }
        }
    }

    private final int m, n, k;
    private final int[] batchDims;
    private final int batches;
    private final View a, b, c;
    private Parallel parallel;
    private Tensor runA, runB, runC;
    private final Parallel.Task batchChunk = this::batchRange;

    /**
     * @param batch the batch dims of the product
     * @param aShape the shape of A's tensor (the root the view reads), likewise for B and C
     */
    public StridedMatMul(long[] batch, int m, int n, int k, View a, long[] aShape, View b, long[] bShape, View c, long[] cShape) {
        super("MatMul");
        this.m = m;
        this.n = n;
        this.k = k;
        this.batchDims = Shapes.toIntArray(batch);
        this.batches = Shapes.toInt(Shapes.numel(batch), "batch count");
        this.a = a;
        this.b = b;
        this.c = c;
        if (c.colStride() != 1) throw new IllegalArgumentException("MatMul: the result view needs unit column stride");
        checkFits("A", a, m, k, aShape);
        checkFits("B", b, k, n, bShape);
        checkFits("C", c, m, n, cShape);
        inputs(2, new long[][] {aShape, bShape}, new DType[] {DType.F32, DType.F32});
        outputs(new long[][] {cShape}, new DType[] {DType.F32});
    }

    /** Rejects views that reach outside their tensor or whose leading dimension is too small for BLAS. */
    private void checkFits(String what, View v, int rows, int cols, long[] shape) {
        long last = v.offset() + (rows - 1L) * v.rowStride() + (cols - 1L) * v.colStride();
        for (int d = 0; d < batchDims.length; d++) last += (batchDims[d] - 1L) * v.batchStrides()[d];
        if (rows > 0 && cols > 0 && batches > 0 && (v.offset() < 0 || last >= Shapes.numel(shape))) {
            throw new IllegalArgumentException("MatMul: the view of " + what + " reaches outside its tensor " + Shapes.str(shape));
        }
        long ld = v.colStride() == 1 ? v.rowStride() : v.colStride();
        long minLd = v.colStride() == 1 ? cols : rows;
        if (rows > 1 && cols > 1 && ld < minLd) {
            throw new IllegalArgumentException("MatMul: the view of " + what + " has leading dimension " + ld + " < " + minLd);
        }
    }

    @Override
    public void useParallel(Parallel p) { this.parallel = p; }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        runA = inputs[0];
        runB = inputs[1];
        runC = outputs[0];
        try {
            // One GEMM per batch either way, so the split does not change any element.
            long perBatch = (long) m * n * k;
            if (parallel == null) batchRange(0, 0, batches);
            else parallel.forRange(batches, (int) Math.max(1, (1L << 18) / Math.max(perBatch, 1)), batchChunk);
        } finally {
            runA = runB = runC = null;
        }
    }

    private void batchRange(int worker, int t0, int t1) {
        FloatPointer pa = Blas.pointer(runA);
        FloatPointer pb = Blas.pointer(runB);
        FloatPointer pc = Blas.pointer(runC);
        boolean transA = a.colStride() != 1;
        boolean transB = b.colStride() != 1;
        // With one row (or column) the leading dimension is never used; BLAS still wants it >= the width.
        int lda = (int) (transA ? Math.max(a.colStride(), Math.max(m, 1)) : Math.max(a.rowStride(), Math.max(k, 1)));
        int ldb = (int) (transB ? Math.max(b.colStride(), Math.max(k, 1)) : Math.max(b.rowStride(), Math.max(n, 1)));
        int ldc = (int) Math.max(c.rowStride(), Math.max(n, 1));
        for (int t = t0; t < t1; t++) {
            long ao = a.offset(), bo = b.offset(), co = c.offset();
            int rem = t;
            for (int d = batchDims.length - 1; d >= 0; d--) {
                int q = rem / batchDims[d];
                int i = rem - q * batchDims[d];
                ao += i * a.batchStrides()[d];
                bo += i * b.batchStrides()[d];
                co += i * c.batchStrides()[d];
                rem = q;
            }
            Blas.sgemm(transA, transB, m, n, k, 1f, pa, ao, lda, pb, bo, ldb, 0f, pc, co, ldc);
        }
    }
}
