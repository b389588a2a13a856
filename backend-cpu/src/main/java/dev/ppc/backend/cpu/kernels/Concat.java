package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * ONNX Concat for any dtype: joins the inputs along {@code axis}; all other dims must agree.
 * Inputs may have size 0 along the axis. For each index of the dims before the axis, each input
 * contributes one contiguous block, so the copy is a sequence of bulk moves.
 */
public final class Concat extends AbstractKernel {
    private final int outer;
    private final int[] blockBytes;

    public Concat(DType type, long axis, long[]... shapes) {
        super("Concat");
        long[] out = outputShape(axis, shapes);
        int a = Shapes.normalizeAxis(axis, out.length);
        long o = 1;
        for (int i = 0; i < a; i++) o *= out[i];
        this.outer = Shapes.toInt(o, "dimension");
        this.blockBytes = new int[shapes.length];
        for (int k = 0; k < shapes.length; k++) {
            long b = type.byteSize();
            for (int i = a; i < shapes[k].length; i++) b *= shapes[k][i];
            blockBytes[k] = Shapes.toInt(b, "block size");
        }
        DType[] types = new DType[shapes.length];
        Arrays.fill(types, type);
        inputs(shapes.length, shapes, types);
        outputs(new long[][] {out}, new DType[] {type});
    }

    /** The input shape with the axis dim replaced by the sum over inputs. */
    public static long[] outputShape(long axis, long[]... shapes) {
        if (shapes.length == 0) throw new IllegalArgumentException("Concat needs at least one input");
        int rank = shapes[0].length;
        if (rank == 0) throw new IllegalArgumentException("Concat needs inputs of rank >= 1");
        int a = Shapes.normalizeAxis(axis, rank);
        long[] out = shapes[0].clone();
        out[a] = 0;
        for (long[] s : shapes) {
            boolean ok = s.length == rank;
            for (int i = 0; ok && i < rank; i++) ok = i == a || s[i] == out[i];
            if (!ok) {
                throw new IllegalArgumentException("Concat along axis " + a + ": shape "
                        + Shapes.str(s) + " does not match " + Shapes.str(shapes[0])
                        + " outside the axis");
            }
            out[a] += s[a];
        }
        return out;
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        ByteBuffer dst = outputs[0].data();
        int d = 0;
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < inputs.length; k++) {
                int n = blockBytes[k];
                if (n == 0) continue;
                dst.put(d, inputs[k].data(), o * n, n);
                d += n;
            }
        }
    }
}
