package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

/**
 * A byte copy from one tensor to another of the same dtype and element count: the kernel for
 * Identity, Dropout in inference (whose optional mask output is all true, a
 * {@link ConstantOfShape}), and for Reshape, Squeeze, Unsqueeze and Flatten, which only change
 * the shape (see {@link ViewShapes} for their output shapes). Where the planner can alias the
 * output to the input instead ({@link Tensor#reshape}), no kernel is needed at all.
 */
public final class Copy extends AbstractKernel {
    private final int bytes;

    public Copy(DType type, long[] inShape, long[] outShape) {
        super("Copy");
        if (Shapes.numel(inShape) != Shapes.numel(outShape)) {
            throw new IllegalArgumentException("Copy from " + Shapes.str(inShape) + " to "
                    + Shapes.str(outShape) + ": element counts differ");
        }
        this.bytes = Shapes.toInt(Shapes.numel(inShape) * type.byteSize(), "byte size");
        inputs(1, new long[][] {inShape, null}, new DType[] {type, null});
        outputs(new long[][] {outShape}, new DType[] {type});
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        if (bytes > 0) outputs[0].data().put(0, inputs[0].data(), 0, bytes);
    }
}
