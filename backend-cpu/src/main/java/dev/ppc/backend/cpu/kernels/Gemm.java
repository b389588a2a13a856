package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.Blas;
import dev.ppc.ir.DType;
import org.bytedeco.javacpp.FloatPointer;

/**
 * ONNX Gemm, f32: {@code Y = alpha * op(A) * op(B) + beta * C}, where {@code op} transposes when
 * {@code transA}/{@code transB} is set, A and B are 2-D and the optional C broadcasts
 * (unidirectionally) to {@code [M, N]}. C is first broadcast into Y, then one {@code sgemm}
 * accumulates into it with the given beta; transposes are BLAS flags, never copies.
 */
public final class Gemm extends AbstractKernel {
    private final int m;
    private final int n;
    private final int k;
    private final float alpha;
    private final float beta;
    private final boolean transA;
    private final boolean transB;
    private final boolean hasC;
    private final StridedCopy broadcastC;

    /**
     * @param cShape the shape of C, or {@code null} when the op has no C
     */
    public Gemm(long[] aShape, long[] bShape, long[] cShape, float alpha, float beta,
                boolean transA, boolean transB) {
        super("Gemm");
        long[] out = outputShape(aShape, bShape, transA, transB);
        this.m = Shapes.toInt(out[0], "dimension");
        this.n = Shapes.toInt(out[1], "dimension");
        this.k = Shapes.toInt(transA ? aShape[0] : aShape[1], "dimension");
        this.alpha = alpha;
        this.beta = beta;
        this.transA = transA;
        this.transB = transB;
        this.hasC = cShape != null;
        if (hasC) {
            long[] strides;
            try {
                strides = Shapes.broadcastStrides(cShape, out);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Gemm: C of shape " + Shapes.str(cShape)
                        + " does not broadcast to the output " + Shapes.str(out));
            }
            this.broadcastC = new StridedCopy(4, out, strides, 0);
        } else {
            this.broadcastC = null;
        }
        inputs(hasC ? 3 : 2, new long[][] {aShape, bShape, cShape},
                new DType[] {DType.F32, DType.F32, DType.F32});
        outputs(new long[][] {out}, new DType[] {DType.F32});
    }

    /** {@code [M, N]} for the (possibly transposed) 2-D operands. */
    public static long[] outputShape(long[] aShape, long[] bShape, boolean transA, boolean transB) {
        if (aShape.length != 2 || bShape.length != 2) {
            throw new IllegalArgumentException("Gemm needs 2-D operands, got " + Shapes.str(aShape)
                    + " and " + Shapes.str(bShape));
        }
        long ka = transA ? aShape[0] : aShape[1];
        long kb = transB ? bShape[1] : bShape[0];
        if (ka != kb) {
            throw new IllegalArgumentException("Gemm: inner dims differ: op(A) is "
                    + (transA ? aShape[1] : aShape[0]) + "x" + ka + ", op(B) is " + kb + "x"
                    + (transB ? bShape[0] : bShape[1]));
        }
        return new long[] {transA ? aShape[1] : aShape[0], transB ? bShape[0] : bShape[1]};
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        Tensor y = outputs[0];
        boolean useC = hasC && present(inputs, 2) && beta != 0f;
        if (useC) broadcastC.copy(inputs[2].data(), 0, y.data(), 0);
        FloatPointer a = Blas.pointer(inputs[0]);
        FloatPointer b = Blas.pointer(inputs[1]);
        FloatPointer c = Blas.pointer(y);
        // Leading dims are the stored row lengths, whatever the transposition.
        int lda = Math.max(transA ? m : k, 1);
        int ldb = Math.max(transB ? k : n, 1);
        Blas.sgemm(transA, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb, useC ? beta : 0f, c, 0,
                Math.max(n, 1));
    }
}
