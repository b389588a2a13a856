package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.Blas;
import dev.ppc.ir.DType;
import org.bytedeco.javacpp.FloatPointer;

/**
 * ONNX MatMul (NumPy {@code matmul} semantics), f32, through OpenBLAS {@code sgemm}.
 *
 * <p>A 1-D A is a row vector {@code [1, K]} and a 1-D B a column vector {@code [K, 1]}, the added
 * dim being removed from the result; the batch dims (all but the last two) broadcast. Output:
 * {@code broadcast(A.batch, B.batch) + [M] + [N]} (without M or N for 1-D operands).
 *
 * <p>When B has no batch dims (the weight of a linear layer), A's batch dims fold into M and the
 * whole product is one GEMM of {@code [batch*M, K] x [K, N]}, which is what OpenBLAS runs
 * fastest. Otherwise there is one GEMM per output batch, with broadcast operands re-read at
 * offset 0 along their broadcast dims.
 *
 * <p>With a {@link Parallel} pool, OpenBLAS stays single-threaded and the product is split over
 * the pool: the folded GEMM by row blocks of A and C, the batched form by batches. OpenBLAS's own
 * threads (which spin after each call, competing with the pool for the cores) are never started.
 * Row blocks start at multiples of {@link #ROW_BLOCK} rows: OpenBLAS's SGEMM kernels compute rows
 * in groups (24 rows for Haswell, 16 for SkylakeX and Cooperlake) and the leftover rows of a call
 * by other code paths that round differently, so only splits at multiples of the group size give
 * the same bits as one call. Each batch of the batched form is one call either way.
 */
public final class MatMul extends AbstractKernel implements ParallelKernel {
    private final int m;
    private final int n;
    private final int k;
    private final int batches;
    private final int[] batchDims;
    private final int[] aBatchStrides;
    private final int[] bBatchStrides;
    private final boolean folded;
    private Parallel parallel;
    private Tensor runA, runB, runC;
    private final Parallel.Task rowChunk = this::rowBlocks;
    private final Parallel.Task batchChunk = this::batchRange;
    /** Rows per unit of a parallel split: a multiple of every SGEMM kernel's row group (see above). */
    static final int ROW_BLOCK = 48;
    /** Smallest share of work worth handing to another thread, in multiply-adds. */
    private static final long GRAIN_FLOPS = 1L << 18;

    public MatMul(long[] aShape, long[] bShape) {
        super("MatMul");
        long[] out = outputShape(aShape, bShape);
        long[] a2 = aShape.length == 1 ? new long[] {1, aShape[0]} : aShape;
        long[] b2 = bShape.length == 1 ? new long[] {bShape[0], 1} : bShape;
        this.m = Shapes.toInt(a2[a2.length - 2], "dimension");
        this.k = Shapes.toInt(a2[a2.length - 1], "dimension");
        this.n = Shapes.toInt(b2[b2.length - 1], "dimension");
        long[] aBatch = java.util.Arrays.copyOf(a2, a2.length - 2);
        long[] bBatch = java.util.Arrays.copyOf(b2, b2.length - 2);
        long[] batch = Shapes.broadcast(aBatch, bBatch);
        this.folded = bBatch.length == 0 || Shapes.numel(bBatch) == 1 && java.util.Arrays.equals(batch, aBatch);
        this.batches = Shapes.toInt(Shapes.numel(batch), "batch count");
        this.batchDims = Shapes.toIntArray(batch);
        long[] as = Shapes.broadcastStrides(aBatch, batch);
        long[] bs = Shapes.broadcastStrides(bBatch, batch);
        this.aBatchStrides = new int[batch.length];
        this.bBatchStrides = new int[batch.length];
        for (int i = 0; i < batch.length; i++) {
            aBatchStrides[i] = Shapes.toInt(as[i] * m * k, "stride");
            bBatchStrides[i] = Shapes.toInt(bs[i] * k * n, "stride");
        }
        inputs(2, new long[][] {aShape, bShape}, new DType[] {DType.F32, DType.F32});
        outputs(new long[][] {out}, new DType[] {DType.F32});
    }

    /** The NumPy matmul result shape; fails on rank-0 operands and on mismatched K. */
    public static long[] outputShape(long[] aShape, long[] bShape) {
        if (aShape.length == 0 || bShape.length == 0) {
            throw new IllegalArgumentException("MatMul needs operands of rank >= 1, got "
                    + Shapes.str(aShape) + " and " + Shapes.str(bShape));
        }
        long ka = aShape[aShape.length - 1];
        long kb = bShape.length == 1 ? bShape[0] : bShape[bShape.length - 2];
        if (ka != kb) {
            throw new IllegalArgumentException("MatMul: inner dims differ: " + Shapes.str(aShape)
                    + " x " + Shapes.str(bShape) + " (" + ka + " vs " + kb + ")");
        }
        long[] aBatch = aShape.length <= 2 ? new long[0] : java.util.Arrays.copyOf(aShape, aShape.length - 2);
        long[] bBatch = bShape.length <= 2 ? new long[0] : java.util.Arrays.copyOf(bShape, bShape.length - 2);
        long[] batch;
        try {
            batch = Shapes.broadcast(aBatch, bBatch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MatMul: batch dims of " + Shapes.str(aShape) + " and "
                    + Shapes.str(bShape) + " do not broadcast: " + e.getMessage());
        }
        int extra = (aShape.length > 1 ? 1 : 0) + (bShape.length > 1 ? 1 : 0);
        long[] out = java.util.Arrays.copyOf(batch, batch.length + extra);
        int p = batch.length;
        if (aShape.length > 1) out[p++] = aShape[aShape.length - 2];
        if (bShape.length > 1) out[p] = bShape[bShape.length - 1];
        return out;
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
            if (folded) {
                int rows = batches * m;
                long perBlock = (long) ROW_BLOCK * n * k;
                int blocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
                if (parallel == null || blocks < 2) rowBlock(0, 0, rows);
                else parallel.forRange(blocks, (int) Math.max(1, GRAIN_FLOPS / Math.max(perBlock, 1)), rowChunk);
            } else {
                long perBatch = (long) m * n * k;
                if (parallel == null) batchRange(0, 0, batches);
                else parallel.forRange(batches, (int) Math.max(1, GRAIN_FLOPS / Math.max(perBatch, 1)), batchChunk);
            }
        } finally {
            runA = runB = runC = null;
        }
    }

    /** Row blocks {@code [b0, b1)} of {@link #ROW_BLOCK} rows of the folded product. */
    private void rowBlocks(int worker, int b0, int b1) {
        rowBlock(worker, b0 * ROW_BLOCK, Math.min(b1 * ROW_BLOCK, batches * m));
    }

    /** Rows {@code [r0, r1)} of the folded product (A's batch folded into M). */
    private void rowBlock(int worker, int r0, int r1) {
        if (r1 <= r0) return;
        int lda = Math.max(k, 1), ldb = Math.max(n, 1), ldc = Math.max(n, 1);
        Blas.sgemm(false, false, r1 - r0, n, k, 1f, Blas.pointer(runA), (long) r0 * lda, lda, Blas.pointer(runB), 0, ldb,
                0f, Blas.pointer(runC), (long) r0 * ldc, ldc);
    }

    /** Batches {@code [t0, t1)} of the batched product, one GEMM each. */
    private void batchRange(int worker, int t0, int t1) {
        FloatPointer a = Blas.pointer(runA);
        FloatPointer b = Blas.pointer(runB);
        FloatPointer c = Blas.pointer(runC);
        int lda = Math.max(k, 1);
        int ldb = Math.max(n, 1);
        int ldc = Math.max(n, 1);
        long mn = (long) m * n;
        for (int t = t0; t < t1; t++) {
            long ao = 0;
            long bo = 0;
            int rem = t;
            for (int d = batchDims.length - 1; d >= 0; d--) {
                int q = rem / batchDims[d];
                int i = rem - q * batchDims[d];
                ao += (long) i * aBatchStrides[d];
                bo += (long) i * bBatchStrides[d];
                rem = q;
            }
            Blas.sgemm(false, false, m, n, k, 1f, a, ao, lda, b, bo, ldb, 0f, c, t * mn, ldc);
        }
    }
}
