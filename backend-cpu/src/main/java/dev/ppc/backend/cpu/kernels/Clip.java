package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.FloatBuffer;

/**
 * ONNX Clip (opset 11+): {@code out = min(max(x, lo), hi)} where the bounds are optional scalar
 * inputs 1 and 2 (absent: no bound). When {@code lo > hi} every element becomes {@code hi}, as
 * the ONNX spec says. NaN inputs stay NaN. For opset 6 graphs, whose bounds are attributes, pass
 * them as scalar tensors.
 */
public final class Clip extends AbstractKernel {
    private final DType type;
    private final int n;

    /** A kernel for data of the given dtype (f32, i64 or i32) and shape. */
    public Clip(DType type, long[] shape) {
        super("Clip");
        requireType("Clip", type, DType.F32, DType.I64, DType.I32);
        this.type = type;
        this.n = Shapes.toInt(Shapes.numel(shape), "element count");
        // The bounds are scalars in ONNX, but some exporters emit shape [1]: only their dtype is
        // checked, and their first element is used.
        inputs(1, new long[][] {shape, null, null}, new DType[] {type, type, type});
        outputs(new long[][] {shape}, new DType[] {type});
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        boolean hasLo = present(inputs, 1);
        boolean hasHi = present(inputs, 2);
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        if (type == DType.F32) {
            float lo = hasLo ? inputs[1].getFloat(0) : Float.NEGATIVE_INFINITY;
            float hi = hasHi ? inputs[2].getFloat(0) : Float.POSITIVE_INFINITY;
            FloatBuffer xs = x.floats();
            FloatBuffer ys = y.floats();
            for (int i = 0; i < n; i++) {
                float v = xs.get(i);
                // Comparisons (not Math.max/min) so that NaN passes through both bounds.
                if (v < lo) v = lo;
                if (v > hi) v = hi;
                ys.put(i, v);
            }
        } else if (type == DType.I64) {
            long lo = hasLo ? inputs[1].getLong(0) : Long.MIN_VALUE;
            long hi = hasHi ? inputs[2].getLong(0) : Long.MAX_VALUE;
            for (int i = 0; i < n; i++) y.longs().put(i, Math.min(Math.max(x.longs().get(i), lo), hi));
        } else {
            int lo = hasLo ? inputs[1].getInt(0) : Integer.MIN_VALUE;
            int hi = hasHi ? inputs[2].getInt(0) : Integer.MAX_VALUE;
            for (int i = 0; i < n; i++) y.ints().put(i, Math.min(Math.max(x.ints().get(i), lo), hi));
        }
    }
}
