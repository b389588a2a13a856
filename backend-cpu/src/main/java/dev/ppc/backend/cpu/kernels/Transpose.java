package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import java.nio.ByteBuffer;

/**
 * ONNX Transpose for any dtype: {@code out.shape[i] = in.shape[perm[i]]}; without {@code perm}
 * the dims are reversed. Runs as a {@link StridedCopy}, which merges dims that stay adjacent and
 * picks a bulk copy when the last dim stays last (e.g. {@code [B,S,H,D] -> [B,H,S,D]}), a
 * cache-blocked swap when the last two dims trade places, and a strided loop otherwise.
 */
public final class Transpose extends AbstractKernel implements ParallelKernel {
    private final StridedCopy copy;
    private Parallel parallel;
    private ByteBuffer runSrc, runDst;
    private final Parallel.Task blockChunk = this::blocks;

    /**
     * @param perm the permutation, or {@code null} for the reversal
     */
    public Transpose(DType type, long[] inShape, long[] perm) {
        super("Transpose");
        long[] p = permutation(inShape.length, perm);
        long[] out = outputShape(inShape, perm);
        long[] inStrides = Shapes.strides(inShape);
        long[] src = new long[p.length];
        for (int i = 0; i < p.length; i++) src[i] = inStrides[(int) p[i]];
        this.copy = new StridedCopy(type.byteSize(), out, src, 0);
        inputs(1, new long[][] {inShape}, new DType[] {type});
        outputs(new long[][] {out}, new DType[] {type});
    }

    private static long[] permutation(int rank, long[] perm) {
        if (perm == null) {
            long[] p = new long[rank];
            for (int i = 0; i < rank; i++) p[i] = rank - 1 - i;
            return p;
        }
        if (perm.length != rank) {
            throw new IllegalArgumentException("Transpose: perm " + Shapes.str(perm) + " has "
                    + perm.length + " entries for an input of rank " + rank);
        }
        boolean[] seen = new boolean[rank];
        long[] p = new long[rank];
        for (int i = 0; i < rank; i++) {
            int a = Shapes.normalizeAxis(perm[i], rank);
            if (seen[a]) {
                throw new IllegalArgumentException("Transpose: perm " + Shapes.str(perm)
                        + " is not a permutation (axis " + a + " repeats)");
            }
            seen[a] = true;
            p[i] = a;
        }
        return p;
    }

    /** {@code out[i] = in[perm[i]]}; a null {@code perm} reverses. */
    public static long[] outputShape(long[] inShape, long[] perm) {
        long[] p = permutation(inShape.length, perm);
        long[] out = new long[p.length];
        for (int i = 0; i < p.length; i++) out[i] = inShape[(int) p[i]];
        return out;
    }

    @Override
    public void useParallel(Parallel p) { this.parallel = p; }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        if (parallel == null) {
            copy.copy(inputs[0].data(), 0, outputs[0].data(), 0);
            return;
        }
        runSrc = inputs[0].data();
        runDst = outputs[0].data();
        parallel.forRange(copy.blocks(), Math.max(1, 16384 / Math.max(copy.blockElements(), 1)), blockChunk);
        runSrc = runDst = null;
    }

    private void blocks(int worker, int from, int to) {
        copy.copyBlocks(runSrc, 0, runDst, 0, from, to);
    }
}
