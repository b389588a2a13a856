package dev.ppc.backend.cpu;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.kernels.Kernel;
import dev.ppc.ir.DType;

/** Appends fixed tensors to a kernel's run-time inputs (attributes of old opsets that newer ones take as inputs). */
final class ConstantOperands implements Kernel {
    private final Kernel inner;
    private final Tensor[] args;
    private final int runtimeCount;

    ConstantOperands(Kernel inner, int runtimeCount, Tensor... constants) {
        this.inner = inner;
        this.runtimeCount = runtimeCount;
        this.args = new Tensor[runtimeCount + constants.length];
        System.arraycopy(constants, 0, args, runtimeCount, constants.length);
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        System.arraycopy(inputs, 0, args, 0, runtimeCount);
        inner.run(args, outputs);
    }

    @Override
    public long[][] outputShapes() { return inner.outputShapes(); }

    @Override
    public DType[] outputTypes() { return inner.outputTypes(); }
}
