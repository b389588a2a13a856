package dev.ppc.runtime;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.TensorType;
import java.nio.ByteBuffer;

/**
 * Splits full-batch tensors into microbatches along their batch axis.
 *
 * <p>Along axis 0 nothing is copied: in a row-major tensor, rows {@code [i*b, (i+1)*b)} of axis 0
 * are one contiguous byte range, so microbatch {@code i} is a {@link Tensor#wrap} over a slice of
 * the full tensor's buffer. The runtime uses this both ways: stages read their microbatch of a
 * model input through such a view, and the stage that produces a model output writes its
 * microbatch straight into the view of the full output, so nothing is gathered or scattered
 * afterwards. Along another axis (a sequence-first model's batch is axis 1) microbatch {@code i}
 * is a block of every outer row, so it is copied out of the full tensor ({@link #copyOut}) and
 * back into it ({@link #copyIn}), one contiguous run of bytes per outer row.
 */
public final class MicrobatchSplitter {
    private MicrobatchSplitter() { }

    /**
     * The type of one of {@code m} microbatches of a full-batch type: axis 0 divided by {@code m}.
     *
     * @throws IllegalArgumentException if the type is not static, has no axis 0, or its batch does
     *                                  not divide into {@code m} parts
     */
    public static TensorType microbatchType(TensorType full, int m) { return microbatchType(full, m, 0); }

    /**
     * The type of one of {@code m} microbatches of a full-batch type: {@code axis} divided by {@code m}.
     *
     * @throws IllegalArgumentException if the type is not static, has no such axis, or its batch
     *                                  does not divide into {@code m} parts
     */
    public static TensorType microbatchType(TensorType full, int m, int axis) {
        if (!full.isStatic()) throw new IllegalArgumentException("type " + full + " is not static");
        long[] shape = full.shape();
        if (shape.length == 0) throw new IllegalArgumentException("type " + full + " has no batch axis (it is a scalar)");
        if (axis < 0 || axis >= shape.length) throw new IllegalArgumentException("type " + full + " has no axis " + axis);
        if (shape[axis] % m != 0)
            throw new IllegalArgumentException("batch " + shape[axis] + " of type " + full + " does not split into " + m + " microbatches");
        shape[axis] /= m;
        return TensorType.of(full.dtype(), shape);
    }

    /** Copies microbatch {@code i} of {@code m} along {@code axis} of {@code full} into {@code part} (of the microbatch shape). */
    public static void copyOut(Tensor full, int axis, int m, int i, Tensor part) { copy(full, axis, m, i, part, true); }

    /** Copies {@code part} (of the microbatch shape) into microbatch {@code i} of {@code m} along {@code axis} of {@code full}. */
    public static void copyIn(Tensor part, Tensor full, int axis, int m, int i) { copy(full, axis, m, i, part, false); }

    private static void copy(Tensor full, int axis, int m, int i, Tensor part, boolean out) {
        long[] shape = full.shape();
        if (!part.hasShape(microbatchType(TensorType.of(full.dtype(), shape), m, axis).shape()) || part.dtype() != full.dtype())
            throw new IllegalArgumentException("a microbatch of " + full.dtype() + " " + Shapes.str(shape) + " along axis " + axis + " is not "
                    + part.dtype() + " " + Shapes.str(part.shape()));
        long outer = 1;
        for (int k = 0; k < axis; k++) outer *= shape[k];
        long inner = full.dtype().byteSize();
        for (int k = axis + 1; k < shape.length; k++) inner *= shape[k];
        long run = shape[axis] / m * inner;
        ByteBuffer whole = full.data(), piece = part.data();
        for (long o = 0; o < outer; o++) {
            int at = Shapes.toInt(o * shape[axis] * inner + i * run, "byte offset");
            int to = Shapes.toInt(o * run, "byte offset");
            int len = Shapes.toInt(run, "byte length");
            if (out) piece.put(to, whole, at, len);
            else whole.put(at, piece, to, len);
        }
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
