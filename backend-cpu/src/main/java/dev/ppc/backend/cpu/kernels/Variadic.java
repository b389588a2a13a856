package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.FloatBuffer;

/**
 * The variadic element-wise ops Min, Max, Sum and Mean: one or more inputs, all broadcast
 * together. The first input is broadcast into the output, then each further input is folded in
 * place with the two-input {@link Binary} loop ({@code out = op(out, in_k)}), so no temporary is
 * needed; Mean divides the sum by the input count at the end.
 */
public final class Variadic extends AbstractKernel {
    /** The supported ops, named as in ONNX. */
    public enum Op { MIN, MAX, SUM, MEAN }

    private final Op op;
    private final StridedCopy first;
    private final Binary[] folds;
    private final int count;

    /** A kernel for {@code op} over inputs of the given shapes, all of dtype {@code type}. */
    public Variadic(Op op, DType type, long[]... shapes) {
        super(op.name());
        if (shapes.length == 0) throw new IllegalArgumentException(op + " needs at least one input");
        if (op == Op.MEAN) {
            requireType("Mean", type, DType.F32, DType.F64);
        } else {
            requireType(op.name(), type, DType.F32, DType.F64, DType.I64, DType.I32);
        }
        this.op = op;
        this.count = shapes.length;
        long[] out = outputShape(shapes);
        this.first = new StridedCopy(type.byteSize(), out, Shapes.broadcastStrides(shapes[0], out), 0);
        Binary.Op b = op == Op.MIN ? Binary.Op.MIN : op == Op.MAX ? Binary.Op.MAX : Binary.Op.ADD;
        this.folds = new Binary[shapes.length - 1];
        for (int k = 1; k < shapes.length; k++) folds[k - 1] = new Binary(b, type, out, shapes[k]);
        DType[] types = new DType[shapes.length];
        java.util.Arrays.fill(types, type);
        inputs(shapes.length, shapes, types);
        outputs(new long[][] {out}, new DType[] {type});
    }

    /** The broadcast of all input shapes. */
    public static long[] outputShape(long[]... shapes) {
        return Shapes.broadcast(shapes);
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        Tensor out = outputs[0];
        first.copy(inputs[0].data(), 0, out.data(), 0);
        for (int k = 0; k < folds.length; k++) folds[k].compute(out, inputs[k + 1], out);
        if (op == Op.MEAN) {
            int n = (int) out.numel();
            if (out.dtype() == DType.F32) {
                FloatBuffer f = out.floats();
                for (int i = 0; i < n; i++) f.put(i, f.get(i) / count);
            } else {
                for (int i = 0; i < n; i++) out.doubles().put(i, out.doubles().get(i) / count);
            }
        }
    }
}
