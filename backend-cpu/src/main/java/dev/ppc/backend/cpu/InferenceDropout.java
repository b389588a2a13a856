package dev.ppc.backend.cpu;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.kernels.ConstantOfShape;
import dev.ppc.backend.cpu.kernels.Copy;
import dev.ppc.backend.cpu.kernels.Kernel;
import dev.ppc.ir.DType;

/**
 * Dropout that keeps every element (inference, or a ratio of 0) when its mask output exists: the
 * data is copied and the mask filled with ones (true), as KERNELS.md specifies. Without a mask
 * output Dropout is a view and needs no kernel.
 */
final class InferenceDropout implements Kernel {
    private final Copy copy;
    private final ConstantOfShape mask;
    private static final Tensor[] NO_INPUTS = {};
    private final Tensor[] in = new Tensor[1];
    private final Tensor[] data = new Tensor[1];
    private final Tensor[] ones = new Tensor[1];

    InferenceDropout(DType type, long[] shape, Tensor maskOne) {
        this.copy = new Copy(type, shape, shape);
        this.mask = new ConstantOfShape(shape, maskOne);
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        in[0] = inputs[0];
        data[0] = outputs[0];
        copy.run(in, data);
        if (outputs.length > 1 && outputs[1] != null) {
            ones[0] = outputs[1];
            mask.run(NO_INPUTS, ones);
        }
    }

    @Override
    public long[][] outputShapes() { return new long[][] {copy.outputShapes()[0], mask.outputShapes()[0]}; }

    @Override
    public DType[] outputTypes() { return new DType[] {copy.outputTypes()[0], mask.outputTypes()[0]}; }
}
