package dev.ppc.backend;

import java.util.Arrays;

/**
 * Shape arithmetic shared by tensors and kernels: element counts, row-major strides, axis
 * normalization and ONNX multidirectional (NumPy-style) broadcasting.
 *
 * <p>Shapes are {@code long[]} in row-major (C) order. Rank 0 ({@code new long[0]}) is a scalar
 * with one element; a dimension of size 0 makes the tensor empty. Every method rejects negative
 * dimensions with an {@link IllegalArgumentException} whose message shows the whole shape, so a
 * caller can pass it straight to the user.
 */
public final class Shapes {
    private Shapes() {}

    /** Number of elements of {@code shape}; 1 for rank 0. Rejects negative dims and overflow. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * Row-major element strides of {@code shape}: the last dim has stride 1, and each earlier dim
     * the product of the dims after it. Size-0 dims give stride products as if they were 1, so
     * strides stay meaningful (and non-zero) for empty tensors.
     */
    public static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }

    /**
     * ONNX multidirectional broadcasting of any number of shapes: shapes are right-aligned, and
     * in each position the dims must be equal or 1 (a 1 stretches to the other size, including
     * to 0). Rank-0 shapes broadcast with anything.
     *
     * @throws IllegalArgumentException naming both shapes and the clashing dimension
     */
    public static long[] broadcast(long[]... shapes) {
        int rank = 0;
        for (long[] s : shapes) rank = Math.max(rank, s.length);
        long[] out = new long[rank];
        Arrays.fill(out, 1);
        long[] from = new long[rank];
        int[] owner = new int[rank];
        Arrays.fill(owner, -1);
        for (int k = 0; k < shapes.length; k++) {
            long[] s = shapes[k];
            numel(s);
            int off = rank - s.length;
            for (int i = 0; i < s.length; i++) {
                long d = s[i];
                int o = off + i;
                if (d == 1) continue;
                if (out[o] == 1) {
                    out[o] = d;
                    from[o] = d;
                    owner[o] = k;
                } else if (out[o] != d) {
                    throw new IllegalArgumentException("cannot broadcast shapes "
                            + str(shapes[owner[o]]) + " and " + str(s) + ": dimension " + o
                            + " of the broadcast result would need to be both " + from[o]
                            + " and " + d + " (dims must be equal or 1, aligned from the right)");
                }
            }
        }
        return out;
    }

    /**
     * Element strides for reading a tensor of shape {@code shape} as if it had the (broadcast)
     * shape {@code target}: right-aligned, 0 for dims that are broadcast (size 1 in
     * {@code shape}, or missing on the left), the row-major stride otherwise.
     *
     * @throws IllegalArgumentException if {@code shape} does not broadcast to {@code target}
     */
    public static long[] broadcastStrides(long[] shape, long[] target) {
        if (shape.length > target.length) {
            throw new IllegalArgumentException("shape " + str(shape) + " has more dims than "
                    + str(target) + " and cannot be broadcast to it");
        }
        long[] own = strides(shape);
        long[] s = new long[target.length];
        int off = target.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            long d = shape[i];
            if (d == target[off + i]) {
                s[off + i] = d == 1 ? 0 : own[i];
            } else if (d == 1) {
                s[off + i] = 0;
            } else {
                throw new IllegalArgumentException("shape " + str(shape) + " cannot be broadcast to "
                        + str(target) + ": dim " + i + " is " + d + " but the target has "
                        + target[off + i]);
            }
        }
        return s;
    }

    /**
     * Resolves a possibly negative axis (ONNX style: -1 is the last) against {@code rank}.
     *
     * @throws IllegalArgumentException if the axis is outside {@code [-rank, rank-1]}
     */
    public static int normalizeAxis(long axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank
                    + " (valid: " + (-rank) + " to " + (rank - 1) + ")");
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /**
     * Converts a size or offset that must fit an {@code int} (a direct buffer holds at most
     * 2 GiB) and says which quantity did not.
     */
    public static int toInt(long v, String what) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " " + v + " does not fit in 32 bits; tensors"
                    + " are limited to 2 GiB of data");
        }
        return (int) v;
    }

    /** Converts a shape to {@code int[]}, checking that every dim fits. */
    public static int[] toIntArray(long[] shape) {
        int[] r = new int[shape.length];
        for (int i = 0; i < shape.length; i++) r[i] = toInt(shape[i], "dimension");
        return r;
    }

    /** Formats a shape as {@code [2, 3]}; {@code []} for rank 0. */
    public static String str(long[] shape) {
        return Arrays.toString(shape);
    }
}
