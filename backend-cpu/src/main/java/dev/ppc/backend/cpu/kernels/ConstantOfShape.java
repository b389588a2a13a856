package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.ByteBuffer;

/**
 * ONNX ConstantOfShape: an output of the given (static) shape filled with the one-element
 * {@code value} attribute (default f32 0). The shape input, when passed, is not read: the shape
 * is known at construction.
 */
public final class ConstantOfShape extends AbstractKernel {
    private final byte[] pattern;

    /**
     * @param value the attribute, a one-element tensor, or {@code null} for f32 0
     */
    public ConstantOfShape(long[] shape, Tensor value) {
        super("ConstantOfShape");
        Tensor v = value == null ? Tensor.scalarFloat(0f) : value;
        if (v.numel() != 1) {
            throw new IllegalArgumentException("ConstantOfShape: value must have one element, has "
                    + v.numel());
        }
        this.pattern = new byte[(int) v.byteSize()];
        v.data().get(0, pattern);
        inputs(0, new long[][] {null}, new DType[] {null});
        outputs(new long[][] {shape}, new DType[] {v.dtype()});
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        ByteBuffer dst = outputs[0].data();
        int n = (int) outputs[0].byteSize();
        int e = pattern.length;
        boolean zero = true;
        for (byte b : pattern) zero &= b == 0;
        if (zero) {
            int i = 0;
            for (; i + 8 <= n; i += 8) dst.putLong(i, 0L);
            for (; i < n; i++) dst.put(i, (byte) 0);
            return;
        }
        for (int i = 0; i < n; i += e) dst.put(i, pattern);
    }
}
