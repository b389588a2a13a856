package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transpose, Gather, Concat, Split, Slice, Expand and Trilu: each output element is checked
 * against the input element that the ONNX definition names, byte for byte, for several dtypes.
 */
class DataMovementTest {
    private static final DType[] TYPES = {DType.F32, DType.I64, DType.BOOL, DType.F16};

    /** A tensor whose bytes are all random (so every byte of every element is checked). */
    static Tensor randomBytes(Random r, DType t, long... shape) {
        Tensor x = Tensor.allocate(t, shape);
        for (int i = 0; i < x.byteSize(); i++) x.data().put(i, (byte) r.nextInt());
        return x;
    }

    static void assertElement(Tensor expectedSrc, int srcIndex, Tensor actual, int index, String ctx) {
        int e = expectedSrc.dtype().byteSize();
        for (int b = 0; b < e; b++) {
            if (expectedSrc.data().get(srcIndex * e + b) != actual.data().get(index * e + b)) {
                throw new AssertionError(ctx + ": element " + index + " should be source element " + srcIndex);
            }
        }
    }

    @Test
    void transposeRandomPermutations() {
        Random r = new Random(60);
        for (DType t : TYPES) {
            for (int trial = 0; trial < 40; trial++) {
                long[] shape = Ref.randomShape(r, r.nextInt(6), 5);
                if (trial == 0) shape = new long[] {3, 70, 45};
                if (trial == 1) shape = new long[] {2, 5, 3, 8};
                if (trial == 2) shape = new long[] {2, 0, 3};
                int rank = shape.length;
                List<Long> p = new ArrayList<>();
                for (long i = 0; i < rank; i++) p.add(i);
                Collections.shuffle(p, r);
                long[] perm = p.stream().mapToLong(Long::longValue).toArray();
                if (trial == 0) perm = new long[] {0, 2, 1};
                if (trial == 1) perm = new long[] {0, 2, 1, 3};
                boolean noPerm = trial % 7 == 6;
                Tensor x = randomBytes(r, t, shape);
                Tensor y = Ref.run(new Transpose(t, shape, noPerm ? null : perm), x);
                long[] out = new long[rank];
                for (int i = 0; i < rank; i++) out[i] = shape[noPerm ? rank - 1 - i : (int) perm[i]];
                assertArrayEquals(out, y.shape());
                for (int i = 0; i < y.numel(); i++) {
                    int[] oi = Ref.unravel(i, out);
                    int[] ii = new int[rank];
                    for (int d = 0; d < rank; d++) ii[noPerm ? rank - 1 - d : (int) perm[d]] = oi[d];
                    assertElement(x, Ref.ravel(ii, shape), y, i, "Transpose " + Arrays.toString(shape) + Arrays.toString(perm));
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Transpose(DType.F32, new long[] {2, 3}, new long[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> new Transpose(DType.F32, new long[] {2, 3}, new long[] {0}));
    }

    @Test
    void gatherAnyAxisNegativeIndices() {
        Random r = new Random(61);
        for (DType t : TYPES) {
            for (DType it : new DType[] {DType.I64, DType.I32}) {
                for (int trial = 0; trial < 25; trial++) {
                    long[] shape = Ref.randomShape(r, 1 + r.nextInt(3), 5);
                    int axis = r.nextInt(shape.length);
                    long[] ishape = Ref.randomShape(r, r.nextInt(3), 4);
                    if (trial == 0) ishape = new long[] {0};
                    int dim = (int) shape[axis];
                    Tensor idx = Ref.randomInts(r, it, -dim, dim - 1, ishape);
                    Tensor x = randomBytes(r, t, shape);
                    Tensor y = Ref.run(new Gather(t, shape, it, ishape, r.nextBoolean() ? axis : axis - shape.length), x, idx);
                    long[] out = Gather.outputShape(shape, ishape, axis);
                    assertArrayEquals(out, y.shape());
                    for (int i = 0; i < y.numel(); i++) {
                        int[] oi = Ref.unravel(i, out);
                        int[] ii = new int[shape.length];
                        for (int d = 0; d < axis; d++) ii[d] = oi[d];
                        int[] q = Arrays.copyOfRange(oi, axis, axis + ishape.length);
                        long v = (long) Ref.value(idx, Ref.ravel(q, ishape));
                        ii[axis] = (int) (v < 0 ? v + dim : v);
                        for (int d = axis + 1; d < shape.length; d++) ii[d] = oi[d - 1 + ishape.length];
                        assertElement(x, Ref.ravel(ii, shape), y, i, "Gather " + Arrays.toString(shape) + " axis " + axis);
                    }
                }
            }
        }
        Gather g = new Gather(DType.F32, new long[] {3, 2}, DType.I64, new long[0], 0);
        Tensor row = Ref.run(g, Tensor.ofFloats(new long[] {3, 2}, 0, 1, 2, 3, 4, 5), Tensor.scalarLong(-1));
        assertArrayEquals(new long[] {2}, row.shape());
        assertArrayEquals(new float[] {4, 5}, row.toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ref.run(g, Tensor.allocate(DType.F32, 3, 2), Tensor.scalarLong(3)));
        assertTrue(e.getMessage().contains("index 3"), e.getMessage());
    }

    @Test
    void concatAndSplitAreInverse() {
        Random r = new Random(62);
        for (DType t : TYPES) {
            for (int trial = 0; trial < 30; trial++) {
                long[] base = Ref.randomShape(r, 1 + r.nextInt(4), 4);
                int axis = r.nextInt(base.length);
                int n = 1 + r.nextInt(4);
                long[][] shapes = new long[n][];
                long[] sizes = new long[n];
                Tensor[] parts = new Tensor[n];
                for (int k = 0; k < n; k++) {
                    shapes[k] = base.clone();
                    shapes[k][axis] = r.nextInt(4);
                    sizes[k] = shapes[k][axis];
                    parts[k] = randomBytes(r, t, shapes[k]);
                }
                Tensor cat = Ref.run(new Concat(t, r.nextBoolean() ? axis : axis - base.length, shapes), parts);
                long[] out = base.clone();
                out[axis] = Arrays.stream(sizes).sum();
                assertArrayEquals(out, cat.shape());
                for (int i = 0; i < cat.numel(); i++) {
                    int[] oi = Ref.unravel(i, out);
                    int k = 0;
                    while (oi[axis] >= sizes[k]) oi[axis] -= sizes[k++];
                    assertElement(parts[k], Ref.ravel(oi, shapes[k]), cat, i, "Concat");
                }
                Split s = new Split(t, out, axis, sizes);
                Tensor[] back = Ref.outputsOf(s);
                s.run(new Tensor[] {cat}, back);
                for (int k = 0; k < n; k++) {
                    assertTrue(Tensor.bitwiseEqual(parts[k], back[k]), "Split part " + k);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Concat(DType.F32, 0, new long[] {2, 3}, new long[] {2, 4}));
        assertThrows(IllegalArgumentException.class, () -> new Split(DType.F32, new long[] {5}, 0, new long[] {2, 2}));
    }

    @Test
    void splitSkipsNullOutputsAndEqualSizes() {
        assertArrayEquals(new long[] {2, 2, 1}, Split.equalSizes(5, 3));
        assertArrayEquals(new long[] {3, 3}, Split.equalSizes(6, 2));
        Tensor x = Tensor.ofInts(new long[] {6}, 0, 1, 2, 3, 4, 5);
        Split s = new Split(DType.I32, x.shape(), 0, new long[] {1, 2, 3});
        Tensor[] out = Ref.outputsOf(s);
        out[1] = null;
        s.run(new Tensor[] {x}, out);
        assertArrayEquals(new int[] {0}, out[0].toIntArray());
        assertNull(out[1]);
        assertArrayEquals(new int[] {3, 4, 5}, out[2].toIntArray());
        Tensor[] onlyLast = Ref.outputsOf(s);
        onlyLast[0] = null;
        onlyLast[1] = null;
        s.run(new Tensor[] {x}, onlyLast);
        assertArrayEquals(new int[] {3, 4, 5}, onlyLast[2].toIntArray());
    }

    /** The indices a slice visits along one axis, by walking it as the ONNX spec describes. */
    static List<Integer> sliceIndices(long dim, long start, long end, long step) {
        long s = start < 0 ? start + dim : start;
        long e = end < 0 ? end + dim : end;
        List<Integer> l = new ArrayList<>();
        if (dim == 0) return l; // NumPy (the ONNX reference) visits nothing; the clamp rules would say [0]
        if (step > 0) {
            s = Math.max(0, Math.min(dim, s));
            e = Math.max(0, Math.min(dim, e));
            for (long i = s; i < e; i += step) l.add((int) i);
        } else {
            s = Math.max(0, Math.min(dim - 1, s));
            e = Math.max(-1, Math.min(dim - 1, e));
            for (long i = s; i > e; i += step) l.add((int) i);
        }
        return l;
    }

    @Test
    void sliceWithNegativeStepsAndClamping() {
        Random r = new Random(63);
        long[] specials = {Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, -Integer.MAX_VALUE};
        for (DType t : TYPES) {
            for (int trial = 0; trial < 50; trial++) {
                long[] shape = Ref.randomShape(r, 1 + r.nextInt(4), 6);
                if (trial == 0) shape[0] = 0;
                int rank = shape.length;
                int n = 1 + r.nextInt(rank);
                List<Integer> axesList = new ArrayList<>();
                for (int i = 0; i < rank; i++) axesList.add(i);
                Collections.shuffle(axesList, r);
                long[] axes = new long[n];
                long[] starts = new long[n];
                long[] ends = new long[n];
                long[] steps = new long[n];
                for (int k = 0; k < n; k++) {
                    int a = axesList.get(k);
                    axes[k] = r.nextBoolean() ? a : a - rank;
                    long d = shape[a];
                    starts[k] = r.nextInt(7) == 0 ? specials[r.nextInt(4)] : r.nextInt((int) (2 * d + 5)) - d - 2;
                    ends[k] = r.nextInt(5) == 0 ? specials[r.nextInt(4)] : r.nextInt((int) (2 * d + 5)) - d - 2;
                    steps[k] = (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(3));
                }
                boolean defaultAxes = trial % 9 == 8;
                if (defaultAxes) for (int k = 0; k < n; k++) axes[k] = k;
                Tensor x = randomBytes(r, t, shape);
                Slice k = new Slice(t, shape, starts, ends, defaultAxes ? null : axes, steps);
                Tensor y = Ref.run(k, x);
                List<List<Integer>> visit = new ArrayList<>();
                for (int a = 0; a < rank; a++) {
                    List<Integer> all = new ArrayList<>();
                    for (int i = 0; i < shape[a]; i++) all.add(i);
                    visit.add(all);
                }
                for (int q = 0; q < n; q++) {
                    int a = (int) (axes[q] < 0 ? axes[q] + rank : axes[q]);
                    visit.set(a, sliceIndices(shape[a], starts[q], ends[q], steps[q]));
                }
                long[] out = new long[rank];
                for (int a = 0; a < rank; a++) out[a] = visit.get(a).size();
                String ctx = "Slice " + Arrays.toString(shape) + " s" + Arrays.toString(starts) + " e"
                        + Arrays.toString(ends) + " a" + Arrays.toString(axes) + " st" + Arrays.toString(steps);
                assertArrayEquals(out, y.shape(), ctx);
                for (int i = 0; i < y.numel(); i++) {
                    int[] oi = Ref.unravel(i, out);
                    int[] ii = new int[rank];
                    for (int a = 0; a < rank; a++) ii[a] = visit.get(a).get(oi[a]);
                    assertElement(x, Ref.ravel(ii, shape), y, i, ctx);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Slice(DType.F32, new long[] {4}, new long[] {0}, new long[] {4}, null, new long[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new Slice(DType.F32, new long[] {4, 4}, new long[] {0, 0}, new long[] {4, 4}, new long[] {1, -1}, null));
    }

    @Test
    void expandBroadcastsBothWays() {
        Random r = new Random(64);
        for (DType t : TYPES) {
            for (int trial = 0; trial < 30; trial++) {
                long[] out = Ref.randomShape(r, r.nextInt(5), 4);
                long[] in = Ref.broadcastable(r, out);
                long[] spec = Ref.broadcastable(r, out);
                long[] full = Ref.broadcast(in, spec);
                Tensor x = randomBytes(r, t, in);
                Tensor y = Ref.run(new Expand(t, in, spec), x);
                assertArrayEquals(full, y.shape());
                for (int i = 0; i < y.numel(); i++) {
                    assertElement(x, Ref.broadcastIndex(Ref.unravel(i, full), in), y, i, "Expand " + Ref.str(in, spec));
                }
            }
        }
    }

    @Test
    void triluUpperAndLower() {
        Random r = new Random(65);
        for (DType t : TYPES) {
            for (int trial = 0; trial < 30; trial++) {
                long[] shape = Ref.randomShape(r, 2 + r.nextInt(2), 6);
                boolean upper = r.nextBoolean();
                long k = r.nextInt(13) - 6;
                if (trial == 0) k = Long.MAX_VALUE / 2;
                if (trial == 1) k = -Long.MAX_VALUE / 2;
                Tensor x = randomBytes(r, t, shape);
                Tensor y = Ref.run(new Trilu(t, shape, upper, k), x);
                int rank = shape.length;
                int e = t.byteSize();
                for (int i = 0; i < y.numel(); i++) {
                    int[] idx = Ref.unravel(i, shape);
                    long row = idx[rank - 2];
                    long col = idx[rank - 1];
                    boolean keep = upper ? col - row >= k : col - row <= k;
                    if (keep) {
                        assertElement(x, i, y, i, "Trilu");
                    } else {
                        for (int b = 0; b < e; b++) assertEquals(0, y.data().get(i * e + b), "Trilu zero");
                    }
                }
            }
        }
    }

    @Test
    void copyAndViewShapes() {
        assertArrayEquals(new long[] {2, 12}, ViewShapes.reshape(new long[] {2, 3, 4}, new long[] {0, -1}, false));
        assertArrayEquals(new long[] {0, 4}, ViewShapes.reshape(new long[] {0, 4}, new long[] {0, 4}, true));
        assertArrayEquals(new long[] {6, 4}, ViewShapes.reshape(new long[] {2, 3, 4}, new long[] {-1, 4}, false));
        assertThrows(IllegalArgumentException.class, () -> ViewShapes.reshape(new long[] {2, 3}, new long[] {4, -1}, false));
        assertThrows(IllegalArgumentException.class, () -> ViewShapes.reshape(new long[] {2, 3}, new long[] {-1, -1}, false));
        assertArrayEquals(new long[] {3}, ViewShapes.squeeze(new long[] {1, 3, 1}, null));
        assertArrayEquals(new long[] {3, 1}, ViewShapes.squeeze(new long[] {1, 3, 1}, new long[] {0}));
        assertThrows(IllegalArgumentException.class, () -> ViewShapes.squeeze(new long[] {2}, new long[] {0}));
        assertArrayEquals(new long[] {1, 2, 1, 3}, ViewShapes.unsqueeze(new long[] {2, 3}, new long[] {0, -2}));
        assertArrayEquals(new long[] {6, 20}, ViewShapes.flatten(new long[] {2, 3, 4, 5}, 2));
        assertArrayEquals(new long[] {1, 120}, ViewShapes.flatten(new long[] {2, 3, 4, 5}, 0));
        assertArrayEquals(new long[] {120, 1}, ViewShapes.flatten(new long[] {2, 3, 4, 5}, 4));
        Tensor x = Tensor.ofLongs(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        Tensor y = Ref.run(new Copy(DType.I64, x.shape(), new long[] {3, 2}), x);
        assertArrayEquals(new long[] {3, 2}, y.shape());
        assertArrayEquals(x.toLongArray(), y.toLongArray());
        assertThrows(IllegalArgumentException.class, () -> new Copy(DType.F32, new long[] {2}, new long[] {3}));
    }
}
