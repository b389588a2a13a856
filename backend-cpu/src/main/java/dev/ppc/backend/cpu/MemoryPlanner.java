package dev.ppc.backend.cpu;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Static memory planning for one stage: places every buffer at an offset in a single arena so
 * that two buffers that are live at the same time never share bytes, while buffers whose
 * lifetimes are disjoint reuse the same memory.
 *
 * <p>Each request has a size in bytes and a live interval {@code [firstStep, lastStep]}
 * (inclusive, in execution order: the step that produces it and the last step that reads it).
 * The algorithm is the greedy-by-size heuristic used by TensorFlow Lite's arena planner and
 * similar: buffers are placed largest first (ties: earlier first step, then request order, so the
 * plan is deterministic), each at the best-fitting gap, meaning the smallest free stretch between
 * the already placed buffers whose lifetimes overlap it, or else just above the highest of them.
 * Offsets and sizes are rounded up to {@value #ALIGNMENT} bytes, so a tensor wrapped at an offset
 * of a 64-byte aligned arena is itself aligned.
 */
public final class MemoryPlanner {
    /** Alignment of every offset (a cache line, and the widest SIMD access). */
    public static final int ALIGNMENT = 64;

    private MemoryPlanner() {}

    /** One buffer to place. */
    public record Request(long bytes, int firstStep, int lastStep) {
        public Request {
            if (bytes < 0) throw new IllegalArgumentException("negative buffer size " + bytes);
            if (lastStep < firstStep) {
                throw new IllegalArgumentException("live interval [" + firstStep + ", " + lastStep
                        + "] ends before it starts");
            }
        }

        boolean overlaps(Request o) {
            return firstStep <= o.lastStep && o.firstStep <= lastStep;
        }
    }

    /** The result: an offset for every request (in request order) and the arena size. */
    public record Plan(long[] offsets, long arenaSize) {
        /** The offset of request {@code i}. */
        public long offset(int i) {
            return offsets[i];
        }

        /**
         * A zeroed, 64-byte aligned direct buffer of {@link #arenaSize} bytes, ready for
         * {@code Tensor.wrap(dtype, shape, arena.slice(offset, bytes))}.
         */
        public ByteBuffer allocateArena() {
            long n = arenaSize + ALIGNMENT;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalStateException("arena of " + arenaSize + " bytes exceeds 2 GiB");
            }
            ByteBuffer raw = ByteBuffer.allocateDirect((int) n);
            ByteBuffer aligned = raw.alignedSlice(ALIGNMENT);
            return aligned.limit((int) arenaSize).slice();
        }
    }

    static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** Plans the given requests. */
    public static Plan plan(List<Request> requests) {
        int n = requests.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.<Integer>comparingLong(i -> -requests.get(i).bytes())
                .thenComparingInt(i -> requests.get(i).firstStep())
                .thenComparingInt(i -> i));
        long[] offsets = new long[n];
        boolean[] placed = new boolean[n];
        long arena = 0;
        List<long[]> busy = new ArrayList<>();
        for (int idx : order) {
            Request r = requests.get(idx);
            long size = align(r.bytes());
            placed[idx] = true;
            if (size == 0) {
                offsets[idx] = 0;
                continue;
            }
            busy.clear();
            for (int j = 0; j < n; j++) {
                if (j == idx || !placed[j]) continue;
                Request o = requests.get(j);
                long os = align(o.bytes());
                if (os > 0 && r.overlaps(o)) busy.add(new long[] {offsets[j], offsets[j] + os});
            }
            busy.sort(Comparator.comparingLong(b -> b[0]));
            long best = -1;
            long bestGap = Long.MAX_VALUE;
            long cursor = 0;
            for (long[] b : busy) {
                long gap = b[0] - cursor;
                if (gap >= size && gap < bestGap) {
                    best = cursor;
                    bestGap = gap;
                }
                cursor = Math.max(cursor, b[1]);
            }
            offsets[idx] = best >= 0 ? best : cursor;
            arena = Math.max(arena, offsets[idx] + size);
        }
        return new Plan(offsets, arena);
    }
}
