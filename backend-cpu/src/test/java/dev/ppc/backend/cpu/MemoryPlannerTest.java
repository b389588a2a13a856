package dev.ppc.backend.cpu;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryPlannerTest {
    private static long align(long n) {
        return (n + 63) / 64 * 64;
    }

    /** No two buffers that are live at the same step share a byte; all offsets are aligned. */
    private static void assertValid(List<MemoryPlanner.Request> rs, MemoryPlanner.Plan p) {
        long sum = 0;
        for (int i = 0; i < rs.size(); i++) {
            MemoryPlanner.Request a = rs.get(i);
            sum += align(a.bytes());
            assertEquals(0, p.offset(i) % 64, "offset of " + i);
            assertTrue(p.offset(i) + a.bytes() <= p.arenaSize(), "buffer " + i + " inside the arena");
            for (int j = 0; j < i; j++) {
                MemoryPlanner.Request b = rs.get(j);
                boolean live = a.firstStep() <= b.lastStep() && b.firstStep() <= a.lastStep();
                boolean bytesOverlap = a.bytes() > 0 && b.bytes() > 0
                        && p.offset(i) < p.offset(j) + b.bytes() && p.offset(j) < p.offset(i) + a.bytes();
                assertTrue(!(live && bytesOverlap), "buffers " + i + " " + a + " and " + j + " " + b
                        + " overlap at " + p.offset(i) + " / " + p.offset(j));
            }
        }
        assertTrue(p.arenaSize() <= sum, "arena " + p.arenaSize() + " > sum of sizes " + sum);
    }

    @Test
    void randomIntervalSets() {
        Random r = new Random(110);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(60);
            int steps = 1 + r.nextInt(40);
            List<MemoryPlanner.Request> rs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int a = r.nextInt(steps);
                int b = a + r.nextInt(Math.max(1, steps / 3));
                long bytes = r.nextInt(5) == 0 ? r.nextInt(3) : 1 + r.nextInt(100_000);
                rs.add(new MemoryPlanner.Request(bytes, a, b));
            }
            MemoryPlanner.Plan p = MemoryPlanner.plan(rs);
            assertValid(rs, p);
            // The arena can never be smaller than the bytes live at the busiest step.
            long peak = 0;
            for (int s = 0; s < steps * 2; s++) {
                long live = 0;
                for (MemoryPlanner.Request q : rs) if (q.firstStep() <= s && s <= q.lastStep()) live += align(q.bytes());
                peak = Math.max(peak, live);
            }
            assertTrue(p.arenaSize() >= peak);
        }
    }

    @Test
    void chainReusesMemory() {
        // A chain of ops where each output lives from its producer to its single consumer: at
        // most two buffers are alive at once, so two slots suffice.
        List<MemoryPlanner.Request> rs = new ArrayList<>();
        for (int i = 0; i < 10; i++) rs.add(new MemoryPlanner.Request(1000, i, i + 1));
        MemoryPlanner.Plan p = MemoryPlanner.plan(rs);
        assertValid(rs, p);
        assertEquals(2 * 1024, p.arenaSize());
        assertEquals(p.offset(0), p.offset(2));
        assertEquals(p.offset(1), p.offset(3));
    }

    /**
     * The plan as the planner made it before it indexed placed buffers by step: every request is
     * compared with every placed one. The index must find exactly the same placements.
     */
    private static long[] plainSearch(List<MemoryPlanner.Request> rs) {
        int n = rs.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, java.util.Comparator.<Integer>comparingLong(i -> -rs.get(i).bytes())
                .thenComparingInt(i -> rs.get(i).firstStep()).thenComparingInt(i -> i));
        long[] offsets = new long[n];
        boolean[] placed = new boolean[n];
        for (int idx : order) {
            MemoryPlanner.Request r = rs.get(idx);
            long size = align(r.bytes());
            placed[idx] = true;
            if (size == 0) continue;
            List<long[]> busy = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                MemoryPlanner.Request o = rs.get(j);
                if (j != idx && placed[j] && align(o.bytes()) > 0 && r.firstStep() <= o.lastStep() && o.firstStep() <= r.lastStep()) {
                    busy.add(new long[] {offsets[j], offsets[j] + align(o.bytes())});
                }
            }
            busy.sort(java.util.Comparator.comparingLong(b -> b[0]));
            long best = -1, bestGap = Long.MAX_VALUE, cursor = 0;
            for (long[] b : busy) {
                long gap = b[0] - cursor;
                if (gap >= size && gap < bestGap) {
                    best = cursor;
                    bestGap = gap;
                }
                cursor = Math.max(cursor, b[1]);
            }
            offsets[idx] = best >= 0 ? best : cursor;
        }
        return offsets;
    }

    @Test
    void placesEveryBufferWhereComparingWithAllPlacedOnesWould() {
        Random r = new Random(9);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + r.nextInt(80);
            int steps = 1 + r.nextInt(50);
            List<MemoryPlanner.Request> rs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int a = r.nextInt(steps);
                int b = a + (r.nextInt(4) == 0 ? r.nextInt(steps) : r.nextInt(3));
                long bytes = r.nextInt(6) == 0 ? r.nextInt(3) : 1 + r.nextInt(1 + r.nextInt(50_000));
                rs.add(new MemoryPlanner.Request(bytes, a, b));
            }
            MemoryPlanner.Plan p = MemoryPlanner.plan(rs);
            assertValid(rs, p);
            assertArrayEquals(plainSearch(rs), p.offsets(), "trial " + trial + ": " + rs);
        }
    }

    @Test
    void aChainOfAHundredThousandBuffersFitsInTwoSlots() {
        List<MemoryPlanner.Request> rs = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) rs.add(new MemoryPlanner.Request(1000, i, i + 1));
        MemoryPlanner.Plan p = MemoryPlanner.plan(rs);
        assertEquals(2 * 1024, p.arenaSize());
        for (int i = 2; i < rs.size(); i++) assertEquals(p.offset(i - 2), p.offset(i), "buffer " + i);
    }

    @Test
    void bestFitPicksTheSmallestGap() {
        // Three long-lived buffers leave gaps of 128 (between a and b) and of 256 (between b and c)
        // once the short-lived fillers are gone; a 128-byte buffer must go into the 128 gap.
        List<MemoryPlanner.Request> rs = new ArrayList<>();
        rs.add(new MemoryPlanner.Request(4096, 0, 10)); // a
        rs.add(new MemoryPlanner.Request(2048, 0, 0)); // filler 1
        rs.add(new MemoryPlanner.Request(1024, 0, 10)); // b
        MemoryPlanner.Plan p = MemoryPlanner.plan(rs);
        assertValid(rs, p);
        List<MemoryPlanner.Request> rs2 = new ArrayList<>(rs);
        rs2.add(new MemoryPlanner.Request(100, 5, 6));
        MemoryPlanner.Plan p2 = MemoryPlanner.plan(rs2);
        assertValid(rs2, p2);
        // The small buffer reuses the dead filler's space instead of growing the arena.
        assertEquals(p.arenaSize(), p2.arenaSize());
    }

    @Test
    void arenaHoldsAlignedTensors() {
        List<MemoryPlanner.Request> rs = List.of(new MemoryPlanner.Request(12, 0, 1),
                new MemoryPlanner.Request(40, 1, 2), new MemoryPlanner.Request(0, 0, 2));
        MemoryPlanner.Plan p = MemoryPlanner.plan(rs);
        ByteBuffer arena = p.allocateArena();
        assertEquals(p.arenaSize(), arena.capacity());
        assertEquals(0, arena.alignmentOffset(0, 64));
        Tensor a = Tensor.wrap(DType.F32, new long[] {3}, arena.slice((int) p.offset(0), 12));
        Tensor b = Tensor.wrap(DType.I64, new long[] {5}, arena.slice((int) p.offset(1), 40));
        a.setFloat(2, 1.5f);
        b.setLong(0, 7);
        assertEquals(1.5f, a.getFloat(2));
        assertEquals(0, a.data().alignmentOffset(0, 64));
        assertThrows(IllegalArgumentException.class, () -> new MemoryPlanner.Request(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new MemoryPlanner.Request(1, 3, 2));
    }
}
