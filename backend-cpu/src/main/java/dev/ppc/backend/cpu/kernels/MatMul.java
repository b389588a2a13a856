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
 */
public final class MatMul extends AbstractKernel {
    private final int m;
    private final int n;
    private final int k;
    private final int batches;
    private final int[] batchDims;
    private final int[] aBatchStrides;
    private final int[] bBatchStrides;
    private final boolean folded;

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
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        FloatPointer a = Blas.pointer(inputs[0]);
        FloatPointer b = Blas.pointer(inputs[1]);
        FloatPointer c = Blas.pointer(outputs[0]);
        int lda = Math.max(k, 1);
        int ldb = Math.max(n, 1);
        int ldc = Math.max(n, 1);
        if (folded) {
            Blas.sgemm(false, false, batches * m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, ldc);
            return;
        }
        long mn = (long) m * n;
        for (int t = 0; t < batches; t++) {
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
