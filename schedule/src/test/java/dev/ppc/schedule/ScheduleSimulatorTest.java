package dev.ppc.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleSimulatorTest {
    private static String computeSpans(SimulationResult r, int core) {
        return String.join(" ", r.timeline().spansOn(core).stream().filter(s -> s.action().type().isCompute())
                .map(s -> s.action().compact() + "@" + s.start() + "-" + s.end()).toList());
    }

    @Test
    void oneFOneBTimelineOnTwoCores() {
        SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.ONE_F_ONE_B, 2, 3, 1), Costs.of(1, 2, 0));
        // Core 0 waits for each gradient from core 1; core 1 waits for microbatch 2 from core 0.
        assertEquals("0F0@0-1 0F1@1-2 0B0@4-6 0F2@6-7 0B1@7-9 0B2@10-12", computeSpans(r, 0));
        assertEquals("1F0@1-2 1B0@2-4 1F1@4-5 1B1@5-7 1F2@7-8 1B2@8-10", computeSpans(r, 1));
        assertEquals(Fraction.of(12), r.makespan()); // (m+p-1)(F+B)
        assertEquals(Fraction.of(1, 4), r.bubble()); // 1 - 2*9 / (2*12)
        assertEquals(Fraction.of(3), r.idle(0));
        assertArrayEquals(new int[] {2, 1}, r.peakInFlight());
    }

    @Test
    void communicationCostDelaysEveryMessage() {
        // F=1, B=1, comm=1 on 2 cores, 1 microbatch: F0 [0,1] -> arrives 2 -> F1 [2,3], B1 [3,4] -> arrives 5 -> B0 [5,6].
        SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.ONE_F_ONE_B, 2, 1, 1), Costs.of(1, 1, 0, 1));
        assertEquals("0F0@0-1 0B0@5-6", computeSpans(r, 0));
        assertEquals("1F0@2-3 1B0@3-4", computeSpans(r, 1));
        assertEquals(Fraction.of(6), r.makespan());
        assertEquals(Fraction.of(2, 3), r.bubble());
        // The receive spans the wait: core 1 reached RECV_F at 0 and got the message at 2.
        Timeline.Span recv = r.timeline().spansOn(1).get(0);
        assertEquals(Action.recvForward(1, 0), recv.action());
        assertEquals(0, recv.start());
        assertEquals(2, recv.end());
    }

    @Test
    void decimalCostsStayExact() {
        SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.GPIPE, 3, 4, 1), Costs.parse("0.5,1,0", "0"));
        assertEquals(Fraction.of(9, 1), r.makespan()); // (m+p-1) * (F+B) = 6 * 1.5
        assertEquals(2, r.timeline().ticksPerUnit());
        assertEquals(Fraction.of(1, 3), r.bubble());
    }

    @Test
    void interleavedStagesCostAFractionOfACoresShare() {
        SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.INTERLEAVED, 4, 8, 4), Costs.of(1, 1, 0));
        assertEquals(Fraction.of(35, 2), r.makespan()); // (v*m + p - 1) * (F+B) / v = 35 * 2 / 4
        assertEquals(Fraction.of(3, 35), r.bubble());
        assertEquals(Fraction.of(16), r.busy(2));
    }

    @Test
    void tiedReductionStartsWhenBothCoresArrive() {
        Schedule s = Schedules.generate(new ScheduleSpec(ScheduleKind.GPIPE, 2, 1, 1, true));
        SimulationResult r = ScheduleSimulator.simulate(s, Costs.of(1, 1, 0, 1));
        List<Timeline.Span> reductions = r.timeline().spans().stream().filter(sp -> sp.action().type() == ActionType.REDUCE_TIED).toList();
        assertEquals(2, reductions.size());
        // Core 1 finishes its backward at 4 and core 0 at 6; the reduction runs [6, 7] on both.
        for (Timeline.Span span : reductions) {
            assertEquals(6, span.start());
            assertEquals(7, span.end());
        }
        assertEquals(Fraction.of(7), r.makespan());
    }

    @Test
    void zeroBubbleStashesWeightPendingMicrobatches() {
        SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.ZB_H1, 4, 8, 1), Costs.of(1, 1, 1));
        assertArrayEquals(new int[] {4, 3, 2, 1}, r.peakInFlight());
        assertArrayEquals(new int[] {4, 4, 4, 4}, r.peakStashed());
        assertEquals(Fraction.of(27), r.makespan());
        assertEquals(Fraction.of(1, 9), r.bubble());
    }

    @Test
    void invalidSchedulesAreNotSimulated() {
        Schedule broken = ScheduleValidatorTest.edit(Schedules.generate(ScheduleKind.GPIPE, 2, 1, 1), 1, l -> l.remove(0));
        ScheduleException e = assertThrows(ScheduleException.class, () -> ScheduleSimulator.simulate(broken, Costs.DEFAULT));
        assertTrue(e.getMessage().startsWith("invalid schedule: core 1, step 0: F(stage 1, mb 0) has no input"), e.getMessage());
    }
}
