package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Output shapes of the ops that only reinterpret a tensor's shape (Reshape, Squeeze, Unsqueeze,
 * Flatten), following the ONNX rules; their data movement is a {@link Copy} or nothing.
 */
public final class ViewShapes {
    private ViewShapes() {}

    /**
     * ONNX Reshape: {@code spec} may hold one -1 (inferred) and 0s (copy the input dim, unless
     * {@code allowZero}, where 0 means a zero dim).
     */
    public static long[] reshape(long[] inShape, long[] spec, boolean allowZero) {
        long[] out = spec.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("Reshape: more than one -1 in " + Shapes.str(spec));
                }
                infer = i;
                continue;
            }
            if (out[i] == 0 && !allowZero) {
                if (i >= inShape.length) {
                    throw new IllegalArgumentException("Reshape: 0 at position " + i + " of "
                            + Shapes.str(spec) + " but the input " + Shapes.str(inShape)
                            + " has no such dim");
                }
                out[i] = inShape[i];
            }
            if (out[i] < 0) {
                throw new IllegalArgumentException("Reshape: bad dim " + out[i] + " in " + Shapes.str(spec));
            }
            known *= out[i];
        }
        long total = Shapes.numel(inShape);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new IllegalArgumentException("Reshape: cannot infer the -1 in " + Shapes.str(spec)
                        + " for an input " + Shapes.str(inShape) + " of " + total + " elements");
            }
            out[infer] = total / known;
        } else if (known != total) {
            throw new IllegalArgumentException("Reshape: " + Shapes.str(inShape) + " (" + total
                    + " elements) cannot become " + Shapes.str(out) + " (" + known + ")");
        }
        return out;
    }

    /** ONNX Squeeze: removes the given axes (which must be 1), or every 1 when axes is null/empty. */
    public static long[] squeeze(long[] inShape, long[] axes) {
        boolean[] drop = new boolean[inShape.length];
        if (axes == null || axes.length == 0) {
            for (int i = 0; i < inShape.length; i++) drop[i] = inShape[i] == 1;
        } else {
            for (long a : axes) {
                int n = Shapes.normalizeAxis(a, inShape.length);
                if (inShape[n] != 1) {
                    throw new IllegalArgumentException("Squeeze: axis " + a + " of " + Shapes.str(inShape)
                            + " has size " + inShape[n] + ", not 1");
                }
                drop[n] = true;
            }
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < inShape.length; i++) if (!drop[i]) out.add(inShape[i]);
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** ONNX Unsqueeze: inserts 1s so that they sit at the given axes of the output. */
    public static long[] unsqueeze(long[] inShape, long[] axes) {
        int rank = inShape.length + axes.length;
        boolean[] ins = new boolean[rank];
        for (long a : axes) {
            int n = Shapes.normalizeAxis(a, rank);
            if (ins[n]) throw new IllegalArgumentException("Unsqueeze: axis " + a + " repeats in " + Arrays.toString(axes));
            ins[n] = true;
        }
        long[] out = new long[rank];
        for (int i = 0, k = 0; i < rank; i++) out[i] = ins[i] ? 1 : inShape[k++];
        return out;
    }

    /** ONNX Flatten: {@code [prod(shape[:axis]), prod(shape[axis:])]}; axis may equal the rank. */
    public static long[] flatten(long[] inShape, long axis) {
        int rank = inShape.length;
        if (axis < -rank || axis > rank) {
            throw new IllegalArgumentException("Flatten: axis " + axis + " is out of range for rank " + rank);
        }
        int a = (int) (axis < 0 ? axis + rank : axis);
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < a; i++) outer *= inShape[i];
        for (int i = a; i < rank; i++) inner *= inShape[i];
        return new long[] {outer, inner};
    }
}
