package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.ByteBuffer;

/**
 * ONNX Split for any dtype: cuts the input along {@code axis} into pieces of the given sizes
 * (which must add up to the axis length). The inverse of {@link Concat}, with the same bulk
 * block copies. Outputs the graph does not use may be {@code null} (any of them, the first too).
 */
public final class Split extends AbstractKernel implements ParallelKernel {
    private final int outer;
    private final int[] blockBytes;
    private final int rowBytes;
    private Parallel parallel;
    private Tensor[] runIn, runOut;
    private final Parallel.Task outerChunk = this::outerRange;

    public Split(DType type, long[] shape, long axis, long[] sizes) {
        super("Split");
        if (shape.length == 0) throw new IllegalArgumentException("Split needs an input of rank >= 1");
        int a = Shapes.normalizeAxis(axis, shape.length);
        long sum = 0;
        for (long s : sizes) {
            if (s < 0) throw new IllegalArgumentException("Split: negative size in " + Shapes.str(sizes));
            sum += s;
        }
        if (sum != shape[a]) {
            throw new IllegalArgumentException("Split: sizes " + Shapes.str(sizes) + " add up to "
                    + sum + " but axis " + a + " of " + Shapes.str(shape) + " has " + shape[a]);
        }
        long o = 1;
        long in = type.byteSize();
        for (int i = 0; i < a; i++) o *= shape[i];
        for (int i = a + 1; i < shape.length; i++) in *= shape[i];
        this.outer = Shapes.toInt(o, "dimension");
        this.blockBytes = new int[sizes.length];
        long[][] outs = new long[sizes.length][];
        DType[] types = new DType[sizes.length];
        for (int k = 0; k < sizes.length; k++) {
            blockBytes[k] = Shapes.toInt(sizes[k] * in, "block size");
            outs[k] = shape.clone();
            outs[k][a] = sizes[k];
            types[k] = type;
        }
        this.rowBytes = Shapes.toInt(shape[a] * in, "block size");
        inputs(1, new long[][] {shape, null}, new DType[] {type, null});
        optionalOutputs(outs, types);
    }

    /**
     * Sizes for splitting {@code dim} into {@code parts} pieces when the graph gives no sizes:
     * equal pieces of {@code ceil(dim / parts)}, the last one smaller if needed (opset 18's
     * {@code num_outputs} rule; for divisible dims it is the older equal split).
     */
    public static long[] equalSizes(long dim, int parts) {
        if (parts <= 0) throw new IllegalArgumentException("Split into " + parts + " parts");
        long chunk = (dim + parts - 1) / parts;
        long[] s = new long[parts];
        long left = dim;
        for (int i = 0; i < parts; i++) {
            s[i] = Math.min(chunk, left);
            left -= s[i];
        }
        if (left != 0) throw new IllegalArgumentException("cannot split " + dim + " into " + parts);
        return s;
    }

    @Override
    public void useParallel(Parallel p) { this.parallel = p; }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        runIn = inputs;
        runOut = outputs;
        if (parallel != null) parallel.forRange(outer, Math.max(1, 65536 / Math.max(rowBytes, 1)), outerChunk);
        else outerRange(0, 0, outer);
        runIn = runOut = null;
    }

    /** Rows {@code [from, to)} of the dims before the axis: each row's pieces go to the outputs. */
    private void outerRange(int worker, int from, int to) {
        ByteBuffer src = runIn[0].data();
        for (int o = from; o < to; o++) {
            int s = o * rowBytes;
            for (int k = 0; k < blockBytes.length; k++) {
                int n = blockBytes[k];
                if (k < runOut.length && runOut[k] != null && n > 0) {
                    runOut[k].data().put(o * n, src, s, n);
                }
                s += n;
            }
        }
    }
}
