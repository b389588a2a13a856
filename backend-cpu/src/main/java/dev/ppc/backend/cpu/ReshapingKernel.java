package dev.ppc.backend.cpu;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.kernels.Kernel;
import dev.ppc.ir.DType;

/**
 * Runs a kernel built for other (same-size) shapes by viewing the inputs and the first output
 * under those shapes; used where an ONNX version's semantics are a reshape of a newer one's
 * (Softmax before opset 13 coerces its input to 2-D).
 */
final class ReshapingKernel implements Kernel {
    private final Kernel inner;
    private final long[][] innerInputShapes;
    private final long[] outerOutputShape;
    private final Tensor[] inView = new Tensor[1];
    private final Tensor[] outView = new Tensor[1];

    ReshapingKernel(Kernel inner, long[][] innerInputShapes, long[] outerOutputShape) {
        this.inner = inner;
        this.innerInputShapes = innerInputShapes;
        this.outerOutputShape = outerOutputShape;
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        Tensor[] in = inputs.length == 1 ? inView : new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) in[i] = i < innerInputShapes.length ? inputs[i].reshape(innerInputShapes[i]) : inputs[i];
        outView[0] = outputs[0].reshape(inner.outputShapes()[0]);
        inner.run(in, outView);
    }

    @Override
    public long[][] outputShapes() { return new long[][] {outerOutputShape.clone()}; }

    @Override
    public DType[] outputTypes() { return inner.outputTypes(); }
}
