package dev.ppc.backend.cpu;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import dev.ppc.ir.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions between IR constant data and off-heap tensors. */
public final class CpuTensors {
    private CpuTensors() {}

    /**
     * An off-heap tensor holding {@code data}. Data already in a suitably aligned direct buffer
     * (a memory-mapped weight file) is wrapped without copying.
     */
    public static Tensor fromData(TensorData data) {
        if (data.dtype() == DType.STRING) throw new IllegalArgumentException("string tensors cannot be executed on the CPU backend");
        ByteBuffer src = data.bytes();
        Tensor t = Tensor.allocate(data.dtype(), data.shape());
        ByteBuffer dst = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        dst.clear();
        dst.put(src);
        return t;
    }
}
