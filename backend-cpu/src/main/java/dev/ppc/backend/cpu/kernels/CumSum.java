package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

/**
 * ONNX CumSum along a (constant) axis, with the {@code exclusive} (each output excludes its own
 * element) and {@code reverse} (sum from the end) attributes. Dtypes f32 and f64 (running sum in
 * double), i64 and i32 (running sum in long, stored wrapped). The tensor is viewed as
 * {@code [outer, n, inner]} and each of the {@code outer * inner} lines is summed in order.
 */
public final class CumSum extends AbstractKernel {
    private final DType type;
    private final boolean exclusive;
    private final boolean reverse;
    private final int outer;
    private final int n;
    private final int inner;

    public CumSum(DType type, long[] shape, long axis, boolean exclusive, boolean reverse) {
        super("CumSum");
        requireType("CumSum", type, DType.F32, DType.F64, DType.I64, DType.I32);
        if (shape.length == 0) throw new IllegalArgumentException("CumSum needs an input of rank >= 1");
        int a = Shapes.normalizeAxis(axis, shape.length);
        long o = 1;
        long in = 1;
        for (int i = 0; i < a; i++) o *= shape[i];
        for (int i = a + 1; i < shape.length; i++) in *= shape[i];
        this.type = type;
        this.exclusive = exclusive;
        this.reverse = reverse;
        this.outer = Shapes.toInt(o, "dimension");
        this.n = Shapes.toInt(shape[a], "dimension");
        this.inner = Shapes.toInt(in, "dimension");
        inputs(1, new long[][] {shape, null}, new DType[] {type, null});
        outputs(new long[][] {shape}, new DType[] {type});
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        Tensor x = inputs[0];
        Tensor y = outputs[0];
        boolean floating = type == DType.F32 || type == DType.F64;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * n * inner + j;
                double sd = 0;
                long sl = 0;
                for (int t = 0; t < n; t++) {
                    int i = base + (reverse ? n - 1 - t : t) * inner;
                    if (floating) {
                        double v = type == DType.F32 ? x.floats().get(i) : x.doubles().get(i);
                        double r = exclusive ? sd : sd + v;
                        sd += v;
                        if (type == DType.F32) y.floats().put(i, (float) r); else y.doubles().put(i, r);
                    } else {
                        long v = type == DType.I64 ? x.longs().get(i) : x.ints().get(i);
                        long r = exclusive ? sl : sl + v;
                        sl += v;
                        if (type == DType.I64) y.longs().put(i, r); else y.ints().put(i, (int) r);
                    }
                }
            }
        }
    }
}
