package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

/**
 * ONNX ArgMax: the i64 index of the largest element along {@code axis}, with {@code keepdims}
 * and {@code select_last_index} (on ties, the last index instead of the first). Data f32, i64 or
 * i32. NaN is never selected unless the line starts with it (comparisons with NaN are false).
 */
public final class ArgMax extends AbstractKernel {
    private final DType type;
    private final boolean last;
    private final int outer;
    private final int n;
    private final int inner;

    public ArgMax(DType type, long[] shape, long axis, boolean keepdims, boolean selectLastIndex) {
        super("ArgMax");
        requireType("ArgMax", type, DType.F32, DType.I64, DType.I32);
        long[] out = outputShape(shape, axis, keepdims);
        int a = Shapes.normalizeAxis(axis, shape.length);
        if (shape[a] == 0) throw new IllegalArgumentException("ArgMax over an empty axis");
        long o = 1;
        long in = 1;
        for (int i = 0; i < a; i++) o *= shape[i];
        for (int i = a + 1; i < shape.length; i++) in *= shape[i];
        this.type = type;
        this.last = selectLastIndex;
        this.outer = Shapes.toInt(o, "dimension");
        this.n = Shapes.toInt(shape[a], "dimension");
        this.inner = Shapes.toInt(in, "dimension");
        inputs(1, new long[][] {shape}, new DType[] {type});
        outputs(new long[][] {out}, new DType[] {DType.I64});
    }

    /** The input shape with the axis set to 1 ({@code keepdims}) or removed. */
    public static long[] outputShape(long[] shape, long axis, boolean keepdims) {
        if (shape.length == 0) throw new IllegalArgumentException("ArgMax needs an input of rank >= 1");
        int a = Shapes.normalizeAxis(axis, shape.length);
        long[] out = new long[keepdims ? shape.length : shape.length - 1];
        for (int i = 0, k = 0; i < shape.length; i++) {
            if (i == a) {
                if (keepdims) out[k++] = 1;
            } else {
                out[k++] = shape[i];
            }
        }
        return out;
    }

    private double value(Tensor x, int i) {
        switch (type) {
            case F32: return x.floats().get(i);
            case I64: return x.longs().get(i);
            default: return x.ints().get(i);
        }
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * n * inner + j;
                int best = 0;
                if (type == DType.I64) {
                    long bv = x.longs().get(base);
                    for (int t = 1; t < n; t++) {
                        long v = x.longs().get(base + t * inner);
                        if (v > bv || (last && v == bv)) {
                            bv = v;
                            best = t;
                        }
                    }
                } else {
                    double bv = value(x, base);
                    for (int t = 1; t < n; t++) {
                        double v = value(x, base + t * inner);
                        if (v > bv || (last && v == bv)) {
                            bv = v;
                            best = t;
                        }
                    }
                }
                y.longs().put(o * inner + j, best);
            }
        }
    }
}
