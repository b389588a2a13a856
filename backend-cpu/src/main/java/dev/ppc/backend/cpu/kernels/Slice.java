package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

/**
 * ONNX Slice (opset 13) for any dtype, with constant {@code starts}, {@code ends}, optional
 * {@code axes} (default: the first {@code starts.length} axes) and {@code steps} (default 1).
 *
 * <p>Per axis, as the spec says: negative starts and ends count from the end (add the dim);
 * then for a positive step start and end are clamped to {@code [0, dim]}, for a negative step
 * start to {@code [0, dim-1]} and end to {@code [-1, dim-1]}; the length is
 * {@code max(0, ceil((end - start) / step))}. {@code INT64_MAX}/{@code INT64_MIN} ends thus mean
 * "to the end". The copy itself is a {@link StridedCopy} with strides {@code stride * step}.
 */
public final class Slice extends AbstractKernel {
    private final StridedCopy copy;

    /** The resolved start, step and length of every axis of the input. */
    private static final class Plan {
        final long[] start;
        final long[] step;
        final long[] length;

        Plan(int rank) {
            start = new long[rank];
            step = new long[rank];
            length = new long[rank];
        }
    }

    /**
     * @param axes {@code null} for the first {@code starts.length} axes
     * @param steps {@code null} for all ones
     */
    public Slice(DType type, long[] inShape, long[] starts, long[] ends, long[] axes, long[] steps) {
        super("Slice");
        Plan p = plan(inShape, starts, ends, axes, steps);
        long[] inStrides = Shapes.strides(inShape);
        long[] src = new long[inShape.length];
        long base = 0;
        for (int i = 0; i < inShape.length; i++) {
            src[i] = inStrides[i] * p.step[i];
            if (p.length[i] > 0) base += p.start[i] * inStrides[i];
        }
        boolean empty = false;
        for (long l : p.length) empty |= l == 0;
        this.copy = new StridedCopy(type.byteSize(), p.length, src, empty ? 0 : base);
        inputs(1, new long[][] {inShape}, new DType[] {type});
        outputs(new long[][] {p.length}, new DType[] {type});
    }

    /** The output shape (see the class comment for the rules). */
    public static long[] outputShape(long[] inShape, long[] starts, long[] ends, long[] axes,
                                     long[] steps) {
        return plan(inShape, starts, ends, axes, steps).length;
    }

    private static Plan plan(long[] shape, long[] starts, long[] ends, long[] axes, long[] steps) {
        int rank = shape.length;
        int n = starts.length;
        if (ends.length != n || (axes != null && axes.length != n) || (steps != null && steps.length != n)) {
            throw new IllegalArgumentException("Slice: starts, ends, axes and steps must have the"
                    + " same length (" + n + ", " + ends.length + ", "
                    + (axes == null ? "-" : axes.length) + ", " + (steps == null ? "-" : steps.length) + ")");
        }
        Plan p = new Plan(rank);
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            p.step[i] = 1;
            p.length[i] = shape[i];
        }
        for (int k = 0; k < n; k++) {
            int a = axes == null ? k : Shapes.normalizeAxis(axes[k], rank);
            if (axes == null && k >= rank) {
                throw new IllegalArgumentException("Slice: " + n + " starts for rank " + rank);
            }
            if (seen[a]) throw new IllegalArgumentException("Slice: axis " + a + " repeats");
            seen[a] = true;
            long step = steps == null ? 1 : steps[k];
            if (step == 0) throw new IllegalArgumentException("Slice: step 0 on axis " + a);
            long dim = shape[a];
            long start = starts[k];
            long end = ends[k];
            if (start < 0) start += dim;
            if (end < 0) end += dim;
            long len;
            if (dim == 0) {
                start = 0;
                len = 0;
            } else if (step > 0) {
                start = clamp(start, 0, dim);
                end = clamp(end, 0, dim);
                len = end > start ? (end - start + step - 1) / step : 0;
            } else {
                start = clamp(start, 0, dim - 1);
                end = clamp(end, -1, dim - 1);
                len = start > end ? (start - end + (-step) - 1) / (-step) : 0;
            }
            p.start[a] = start;
            p.step[a] = step;
            p.length[a] = len;
        }
        return p;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        copy.copy(inputs[0].data(), 0, outputs[0].data(), 0);
    }
}
