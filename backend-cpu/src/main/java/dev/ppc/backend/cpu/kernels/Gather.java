package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.ByteBuffer;

/**
 * ONNX Gather: picks slices of {@code data} along {@code axis} by {@code indices} (i64 or i32,
 * negative values count from the end). Output shape: {@code data.shape[:axis] + indices.shape +
 * data.shape[axis+1:]}. Data of any dtype is moved as bytes, one contiguous block of
 * {@code prod(data.shape[axis+1:])} elements per index (a whole embedding row for the usual
 * token lookup). An index out of range fails with an {@link IllegalArgumentException} naming it (bad data, not a ppc fault).
 */
public final class Gather extends AbstractKernel {
    private final int outer;
    private final int axisDim;
    private final int blockBytes;
    private final int indexCount;
    private final boolean wideIndices;

    public Gather(DType dataType, long[] dataShape, DType indexType, long[] indicesShape, long axis) {
        super("Gather");
        requireType("Gather indices", indexType, DType.I64, DType.I32);
        if (dataShape.length == 0) throw new IllegalArgumentException("Gather needs data of rank >= 1");
        int a = Shapes.normalizeAxis(axis, dataShape.length);
        long o = 1;
        long in = 1;
        for (int i = 0; i < a; i++) o *= dataShape[i];
        for (int i = a + 1; i < dataShape.length; i++) in *= dataShape[i];
        this.outer = Shapes.toInt(o, "dimension");
        this.axisDim = Shapes.toInt(dataShape[a], "dimension");
        this.blockBytes = Shapes.toInt(in * dataType.byteSize(), "block size");
        this.indexCount = Shapes.toInt(Shapes.numel(indicesShape), "element count");
        this.wideIndices = indexType == DType.I64;
        long[] out = outputShape(dataShape, indicesShape, axis);
        inputs(2, new long[][] {dataShape, indicesShape}, new DType[] {dataType, indexType});
        outputs(new long[][] {out}, new DType[] {dataType});
    }

    /** {@code data.shape[:axis] + indices.shape + data.shape[axis+1:]}. */
    public static long[] outputShape(long[] dataShape, long[] indicesShape, long axis) {
        int a = Shapes.normalizeAxis(axis, dataShape.length);
        long[] out = new long[dataShape.length - 1 + indicesShape.length];
        int k = 0;
        for (int i = 0; i < a; i++) out[k++] = dataShape[i];
        for (long d : indicesShape) out[k++] = d;
        for (int i = a + 1; i < dataShape.length; i++) out[k++] = dataShape[i];
        return out;
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        Tensor indices = inputs[1];
        ByteBuffer src = inputs[0].data();
        ByteBuffer dst = outputs[0].data();
        int d = 0;
        for (int o = 0; o < outer; o++) {
            int base = o * axisDim * blockBytes;
            for (int k = 0; k < indexCount; k++) {
                long idx = wideIndices ? indices.longs().get(k) : indices.ints().get(k);
                long j = idx < 0 ? idx + axisDim : idx;
                if (j < 0 || j >= axisDim) {
                    throw new IllegalArgumentException("Gather: index " + idx + " (position " + k
                            + ") is out of range for an axis of size " + axisDim);
                }
                dst.put(d, src, base + (int) j * blockBytes, blockBytes);
                d += blockBytes;
            }
        }
    }
}
