package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.ByteBuffer;

/**
 * ONNX Where: {@code out = cond ? x : y}, with the three inputs broadcast together. The data
 * dtype only matters through its size, so every dtype is supported; the element is moved as raw
 * bits (a NaN payload or a negative zero survives).
 */
public final class Where extends AbstractKernel {
    private final BroadcastPlan plan;
    private final int elem;

    /** A kernel for a bool condition and two data inputs of dtype {@code type}. */
    public Where(DType type, long[] condShape, long[] xShape, long[] yShape) {
        super("Where");
        long[] out = outputShape(condShape, xShape, yShape);
        this.plan = BroadcastPlan.of(out, condShape, xShape, yShape);
        this.elem = type.byteSize();
        inputs(3, new long[][] {condShape, xShape, yShape}, new DType[] {DType.BOOL, type, type});
        outputs(new long[][] {out}, new DType[] {type});
    }

    /** The broadcast of the three shapes. */
    public static long[] outputShape(long[] condShape, long[] xShape, long[] yShape) {
        return Shapes.broadcast(condShape, xShape, yShape);
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        ByteBuffer c = inputs[0].data();
        ByteBuffer x = inputs[1].data();
        ByteBuffer y = inputs[2].data();
        ByteBuffer o = outputs[0].data();
        int cs = plan.innerStride[0];
        int xs = plan.innerStride[1] * elem;
        int ys = plan.innerStride[2] * elem;
        int n = plan.inner;
        for (int r = 0; r < plan.rows; r++) {
            int co = plan.offset(0, r);
            int xo = plan.offset(1, r) * elem;
            int yo = plan.offset(2, r) * elem;
            int oo = r * n * elem;
            switch (elem) {
                case 4:
                    for (int i = 0; i < n; i++) {
                        int v = c.get(co + i * cs) != 0 ? x.getInt(xo + i * xs) : y.getInt(yo + i * ys);
                        o.putInt(oo + 4 * i, v);
                    }
                    break;
                case 8:
                    for (int i = 0; i < n; i++) {
                        long v = c.get(co + i * cs) != 0 ? x.getLong(xo + i * xs) : y.getLong(yo + i * ys);
                        o.putLong(oo + 8 * i, v);
                    }
                    break;
                default:
                    for (int i = 0; i < n; i++) {
                        if (c.get(co + i * cs) != 0) {
                            o.put(oo + i * elem, x, xo + i * xs, elem);
                        } else {
                            o.put(oo + i * elem, y, yo + i * ys, elem);
                        }
                    }
            }
        }
    }
}
