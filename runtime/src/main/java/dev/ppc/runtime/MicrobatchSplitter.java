package dev.ppc.runtime;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.TensorType;

/**
 * Splits full-batch tensors into microbatch views along axis 0, without copying.
 *
 * <p>In a row-major tensor, rows {@code [i*b, (i+1)*b)} of axis 0 are one contiguous byte range,
 * so microbatch {@code i} is a {@link Tensor#wrap} over a slice of the full tensor's buffer. The
 * runtime uses this both ways: stages read their microbatch of a model input through such a view,
 * and the stage that produces a model output writes its microbatch straight into the view of the
 * full output, so nothing is gathered or scattered afterwards.
 */
public final class MicrobatchSplitter {
    private MicrobatchSplitter() { }

    /**
     * The type of one of {@code m} microbatches of a full-batch type: axis 0 divided by {@code m}.
     *
     * @throws IllegalArgumentException if the type is not static, has no axis 0, or its batch does
     *                                  not divide into {@code m} parts
     */
    public static TensorType microbatchType(TensorType full, int m) {
        if (!full.isStatic()) throw new IllegalArgumentException("type " + full + " is not static");
        long[] shape = full.shape();
        if (shape.length == 0) throw new IllegalArgumentException("type " + full + " has no batch axis (it is a scalar)");
        if (shape[0] % m != 0)
            throw new IllegalArgumentException("batch " + shape[0] + " of type " + full + " does not split into " + m + " microbatches");
        shape[0] /= m;
        return TensorType.of(full.dtype(), shape);
    }

    /** The {@code m} microbatch views of {@code full}, in order; axis 0 must divide by {@code m}. */
    public static Tensor[] split(Tensor full, int m) {
        if (full.rank() == 0) throw new IllegalArgumentException("a scalar has no batch axis to split");
        long batch = full.dim(0);
        if (m < 1 || batch % m != 0)
            throw new IllegalArgumentException("batch " + batch + " does not split into " + m + " microbatches");
        long rows = batch / m;
        Tensor[] views = new Tensor[m];
        for (int i = 0; i < m; i++) views[i] = slice(full, i * rows, rows);
        return views;
    }

    /** A view of rows {@code [start, start + count)} of axis 0 of {@code full}, sharing its data. */
    public static Tensor slice(Tensor full, long start, long count) {
        long[] shape = full.shape();
        if (shape.length == 0) throw new IllegalArgumentException("a scalar has no batch axis to slice");
        if (start < 0 || count < 0 || start + count > shape[0])
            throw new IllegalArgumentException("rows " + start + " to " + (start + count) + " are outside axis 0 of a tensor of shape "
                    + Shapes.str(shape));
        long rowBytes = shape[0] == 0 ? 0 : full.byteSize() / shape[0];
        shape[0] = count;
        int offset = Shapes.toInt(start * rowBytes, "byte offset");
        int length = Shapes.toInt(count * rowBytes, "byte length");
        return Tensor.wrap(full.dtype(), shape, full.data().slice(offset, length));
    }
}
