package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

/**
 * ONNX Expand for any dtype: broadcasts the input to {@code broadcast(input.shape, shape)} (the
 * requested shape may hold 1s where the input is larger, and may have fewer dims). A
 * {@link StridedCopy} with stride-0 broadcast dims: rows are bulk copies or fills.
 */
public final class Expand extends AbstractKernel {
    private final StridedCopy copy;

    /**
     * @param shape the value of Expand's second input (a constant with static shapes)
     */
    public Expand(DType type, long[] inShape, long[] shape) {
        super("Expand");
        long[] out = outputShape(inShape, shape);
        this.copy = new StridedCopy(type.byteSize(), out, Shapes.broadcastStrides(inShape, out), 0);
        inputs(1, new long[][] {inShape, null}, new DType[] {type, null});
        outputs(new long[][] {out}, new DType[] {type});
    }

    /** {@code broadcast(inShape, shape)}. */
    public static long[] outputShape(long[] inShape, long[] shape) {
        return Shapes.broadcast(inShape, shape);
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        copy.copy(inputs[0].data(), 0, outputs[0].data(), 0);
    }
}
