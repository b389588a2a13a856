package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A gather of a strided view into a contiguous destination: {@code dst[i0,...,ik] =
 * src[base + i0*s0 + ... + ik*sk]}, with arbitrary (zero or negative too) element strides,
 * element-size agnostic. It is the data movement behind Transpose, Slice, Expand and the layout
 * changes of Einsum and Gemm.
 *
 * <p>At construction, dims of size 1 are dropped and dims whose strides nest are merged; the
 * innermost merged dim then selects the loop: a bulk copy when it is contiguous in the source, a
 * fill when it has stride 0 (broadcast), a cache-blocked 2-D transpose when the next-outer dim is
 * the contiguous one (the last-two-dims swap), and a plain strided loop otherwise.
 */
final class StridedCopy {
    private static final int TILE = 32;

    private enum Mode { BULK, FILL, SWAP, STRIDED }

    private final int elem;
    private final int total;
    private final Mode mode;
    /** Innermost dim length and its source stride in bytes. */
    private final int inner;
    private final int innerStrideBytes;
    /** For SWAP: the length of the second-innermost dim (source stride = elem). */
    private final int swapRows;
    /** Outer dims (outside inner, or outside the swapped pair) and their source byte strides. */
    private final int[] outer;
    private final int[] outerStrideBytes;
    private final int baseBytes;

    /**
     * @param elemSize bytes per element
     * @param shape the destination shape
     * @param srcStrides element strides into the source, one per destination dim
     * @param srcBase element offset of the destination's first element in the source
     */
    StridedCopy(int elemSize, long[] shape, long[] srcStrides, long srcBase) {
        this.elem = elemSize;
        this.total = Shapes.toInt(Shapes.numel(shape), "element count");
        this.baseBytes = Shapes.toInt(srcBase * elemSize, "offset");
        List<long[]> dims = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) continue;
            long[] cur = {shape[i], srcStrides[i]};
            if (!dims.isEmpty()) {
                long[] prev = dims.get(dims.size() - 1);
                if (prev[1] == cur[1] * cur[0]) {
                    prev[0] *= cur[0];
                    prev[1] = cur[1];
                    continue;
                }
            }
            dims.add(cur);
        }
        if (dims.isEmpty()) dims.add(new long[] {1, 1});
        long[] last = dims.get(dims.size() - 1);
        this.inner = Shapes.toInt(Math.max(last[0], 1), "dimension");
        this.innerStrideBytes = Shapes.toInt(last[1] * elemSize, "stride");
        int outerCount = dims.size() - 1;
        Mode m;
        int rows = 1;
        if (last[1] == 1) {
            m = Mode.BULK;
        } else if (last[1] == 0) {
            m = Mode.FILL;
        } else if (outerCount >= 1 && dims.get(outerCount - 1)[1] == 1) {
            m = Mode.SWAP;
            rows = Shapes.toInt(dims.get(outerCount - 1)[0], "dimension");
            outerCount--;
        } else {
            m = Mode.STRIDED;
        }
        this.mode = m;
        this.swapRows = rows;
        this.outer = new int[outerCount];
        this.outerStrideBytes = new int[outerCount];
        for (int d = 0; d < outerCount; d++) {
            outer[d] = Shapes.toInt(dims.get(d)[0], "dimension");
            outerStrideBytes[d] = Shapes.toInt(dims.get(d)[1] * elemSize, "stride");
        }
    }

    /** Number of destination elements. */
    int total() {
        return total;
    }

    /**
     * Performs the gather; offsets are in bytes and locate element 0 of the source view's frame
     * (before {@code srcBase}) and of the destination.
     */
    void copy(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset) {
        copyBlocks(src, srcOffset, dst, dstOffset, 0, blocks());
    }

    /** Elements per block: the unit of {@link #copyBlocks} (one inner run, or one swapped tile row set). */
    int blockElements() {
        return mode == Mode.SWAP ? swapRows * inner : inner;
    }

    /** Number of blocks; blocks are independent, so they can be copied in any split. */
    int blocks() {
        return total == 0 ? 0 : total / blockElements();
    }

    /** Copies blocks {@code [from, to)} of {@link #copy}. */
    void copyBlocks(ByteBuffer src, int srcOffset, ByteBuffer dst, int dstOffset, int from, int to) {
        if (total == 0) return;
        int block = blockElements();
        int blockBytes = block * elem;
        for (int b = from; b < to; b++) {
            int s = srcOffset + baseBytes + outerOffset(b);
            int d = dstOffset + b * blockBytes;
            switch (mode) {
                case BULK:
                    dst.put(d, src, s, blockBytes);
                    break;
                case FILL:
                    fill(src, s, dst, d, inner);
                    break;
                case SWAP:
                    swap(src, s, dst, d);
                    break;
                default:
                    strided(src, s, innerStrideBytes, dst, d, inner);
                    break;
            }
        }
    }

    private int outerOffset(int block) {
        int off = 0;
        int rem = block;
        for (int d = outer.length - 1; d >= 0; d--) {
            int dim = outer[d];
            int q = rem / dim;
            off += (rem - q * dim) * outerStrideBytes[d];
            rem = q;
        }
        return off;
    }

    private void fill(ByteBuffer src, int s, ByteBuffer dst, int d, int n) {
        switch (elem) {
            case 4: {
                int v = src.getInt(s);
                for (int i = 0; i < n; i++) dst.putInt(d + 4 * i, v);
                break;
            }
            case 8: {
                long v = src.getLong(s);
                for (int i = 0; i < n; i++) dst.putLong(d + 8 * i, v);
                break;
            }
            default:
                for (int i = 0; i < n; i++) dst.put(d + i * elem, src, s, elem);
        }
    }

    private void strided(ByteBuffer src, int s, int stride, ByteBuffer dst, int d, int n) {
        switch (elem) {
            case 4:
                for (int i = 0; i < n; i++) dst.putInt(d + 4 * i, src.getInt(s + i * stride));
                break;
            case 8:
                for (int i = 0; i < n; i++) dst.putLong(d + 8 * i, src.getLong(s + i * stride));
                break;
            case 2:
                for (int i = 0; i < n; i++) dst.putShort(d + 2 * i, src.getShort(s + i * stride));
                break;
            case 1:
                for (int i = 0; i < n; i++) dst.put(d + i, src.get(s + i * stride));
                break;
            default:
                for (int i = 0; i < n; i++) dst.put(d + i * elem, src, s + i * stride, elem);
        }
    }

    /**
     * dst[r][c] = src[r * elem + c * innerStride] for r < swapRows, c < inner, in TILE x TILE
     * blocks so that both the rows read and the rows written stay in cache. Four-byte elements go
     * through an int array: TILE bulk reads of source rows, the transpose in the array, TILE bulk
     * writes (a ByteBuffer access per element costs about 1.7 ns here, the array path 0.3).
     */
    private void swap(ByteBuffer src, int s, ByteBuffer dst, int d) {
        int rows = swapRows;
        int cols = inner;
        int cs = innerStrideBytes;
        if (elem == 4) {
            swapInts(ints(src), s, ints(dst), d);
            return;
        }
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int r1 = Math.min(rows, r0 + TILE);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(cols, c0 + TILE);
                for (int r = r0; r < r1; r++) {
                    int so = s + r * elem;
                    int dOff = d + (r * cols) * elem;
                    if (elem == 8) {
                        for (int c = c0; c < c1; c++) dst.putLong(dOff + 8 * c, src.getLong(so + c * cs));
                    } else {
                        for (int c = c0; c < c1; c++) {
                            dst.put(dOff + c * elem, src, so + c * cs, elem);
                        }
                    }
                }
            }
        }
    }

    /** Rows and columns of one band of {@link #swapInts}: bulk copies of whole source and destination runs. */
    private static final int BAND_ROWS = 64, BAND_COLS = 256;

    /** Per-thread arrays for {@link #swapInts} (kernels may copy blocks from several threads at once). */
    private static final ThreadLocal<int[][]> SWAP_SCRATCH =
            ThreadLocal.withInitial(() -> new int[][] {new int[BAND_ROWS * BAND_COLS], new int[BAND_COLS]});

    /** An int view of the whole buffer from index 0, in the buffer's byte order. */
    private static java.nio.IntBuffer ints(ByteBuffer b) {
        ByteBuffer all = b.duplicate().order(b.order());
        all.clear();
        return all.asIntBuffer();
    }

    /**
     * The swap for 4-byte elements, in ints and in bands of up to {@link #BAND_ROWS} destination
     * rows by {@link #BAND_COLS} columns: each source run (contiguous over r) is read with one
     * bulk copy, each destination row segment is gathered from the band and written with one bulk
     * copy. Bulk copies cost tens of nanoseconds each, so they are kept long. Offsets are in bytes.
     */
    private void swapInts(java.nio.IntBuffer src, int sBytes, java.nio.IntBuffer dst, int dBytes) {
        int rows = swapRows;
        int cols = inner;
        int cs = innerStrideBytes / 4;
        int s = sBytes / 4;
        int d = dBytes / 4;
        int[][] scratch = SWAP_SCRATCH.get();
        int[] band = scratch[0];
        int[] row = scratch[1];
        for (int r0 = 0; r0 < rows; r0 += BAND_ROWS) {
            int nr = Math.min(BAND_ROWS, rows - r0);
            for (int c0 = 0; c0 < cols; c0 += BAND_COLS) {
                int nc = Math.min(BAND_COLS, cols - c0);
                // band[c * nr + r] = src[(r0 + r) + (c0 + c) * cs]
                for (int c = 0; c < nc; c++) src.get(s + r0 + (c0 + c) * cs, band, c * nr, nr);
                for (int r = 0; r < nr; r++) {
                    for (int c = 0; c < nc; c++) row[c] = band[c * nr + r];
                    dst.put(d + (r0 + r) * cols + c0, row, 0, nc);
                }
            }
        }
    }
}
