package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.ByteBuffer;

/**
 * ONNX Trilu for any dtype: keeps the upper ({@code j - i >= k}) or lower ({@code j - i <= k})
 * triangle of each of the last-two-dims matrices and zeroes the rest. Each row is one bulk copy
 * of the kept range and fills of zero bytes around it. {@code k} is the (constant) second input.
 */
public final class Trilu extends AbstractKernel {
    private final boolean upper;
    private final long k;
    private final int matrices;
    private final int rows;
    private final int cols;
    private final int elem;

    public Trilu(DType type, long[] shape, boolean upper, long k) {
        super("Trilu");
        if (shape.length < 2) throw new IllegalArgumentException("Trilu needs an input of rank >= 2");
        this.upper = upper;
        this.k = k;
        this.rows = Shapes.toInt(shape[shape.length - 2], "dimension");
        this.cols = Shapes.toInt(shape[shape.length - 1], "dimension");
        long m = 1;
        for (int i = 0; i < shape.length - 2; i++) m *= shape[i];
        this.matrices = Shapes.toInt(m, "dimension");
        this.elem = type.byteSize();
        inputs(1, new long[][] {shape, null}, new DType[] {type, null});
        outputs(new long[][] {shape}, new DType[] {type});
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        ByteBuffer src = inputs[0].data();
        ByteBuffer dst = outputs[0].data();
        int rowBytes = cols * elem;
        for (int m = 0; m < matrices; m++) {
            for (int i = 0; i < rows; i++) {
                int base = (m * rows + i) * rowBytes;
                // Kept columns: [i + k, cols) for upper, [0, i + k] for lower, clipped.
                long from = upper ? Math.max(0, i + k) : 0;
                long to = upper ? cols : Math.min(cols, i + k + 1);
                int f = (int) Math.min(cols, Math.max(0, from));
                int t = (int) Math.max(f, Math.min(cols, Math.max(0, to)));
                zero(dst, base, f * elem);
                if (t > f) dst.put(base + f * elem, src, base + f * elem, (t - f) * elem);
                zero(dst, base + t * elem, (cols - t) * elem);
            }
        }
    }

    private static void zero(ByteBuffer b, int off, int n) {
        int i = 0;
        for (; i + 8 <= n; i += 8) b.putLong(off + i, 0L);
        for (; i < n; i++) b.put(off + i, (byte) 0);
    }
}
