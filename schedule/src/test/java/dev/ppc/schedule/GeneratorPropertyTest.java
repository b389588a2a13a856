package dev.ppc.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * The acceptance properties, over p in 1..8, m in 1..32 and v in 1..4: every generated
 * schedule validates, and the simulated bubble fractions and peak in-flight microbatches are the
 * textbook values, exactly.
 */
class GeneratorPropertyTest {
    private static final Costs UNIT = Costs.of(1, 1, 0); // F = B = 1, no W split, no communication
    private static final Costs SPLIT = Costs.of(1, 1, 1); // F = I = W = 1: 1F1B's B costs 2

    @Test
    void everyGeneratedScheduleValidatesOrIsRejectedWithAReason() {
        int generated = 0;
        for (ScheduleKind kind : ScheduleKind.values()) {
            if (!kind.isGenerated()) continue;
            for (int p = 1; p <= 8; p++) {
                for (int m = 1; m <= 32; m++) {
                    for (int v = 1; v <= 4; v++) {
                        boolean supported = v == 1 || kind == ScheduleKind.FORWARD
                                || (kind == ScheduleKind.INTERLEAVED && m % p == 0);
                        if (!supported) {
                            int fp = p, fm = m, fv = v;
                            ScheduleException e = assertThrows(ScheduleException.class, () -> Schedules.generate(kind, fp, fm, fv));
                            assertTrue(e.getMessage().contains(kind == ScheduleKind.INTERLEAVED ? "multiple of" : "interleaved"), e.getMessage());
                            continue;
                        }
                        Schedule s = Schedules.generate(kind, p, m, v);
                        ValidationReport report = ScheduleValidator.validate(s);
                        if (!report.isValid()) fail(kind + " p=" + p + " m=" + m + " v=" + v + ": " + report.summary());
                        assertEquals(p, s.cores());
                        assertEquals(p * v, s.stageCount());
                        assertEquals(kind, s.kind());
                        generated++;
                    }
                }
            }
        }
        // forward: 8*32*4, gpipe/1f1b/zb-h1: 8*32 each, interleaved: 8*32 (v=1) + 3 * (number of m % p == 0 pairs)
        int multiples = 0;
        for (int p = 1; p <= 8; p++) multiples += 32 / p;
        assertEquals(8 * 32 * 4 + 3 * 8 * 32 + 8 * 32 + 3 * multiples, generated);
    }

    @Test
    void gpipeAndOneFOneBHaveTheTextbookBubbleAndPeaks() {
        for (int p = 1; p <= 8; p++) {
            for (int m = 1; m <= 32; m++) {
                Fraction expected = Fraction.of(p - 1, m + p - 1);
                for (ScheduleKind kind : new ScheduleKind[] {ScheduleKind.GPIPE, ScheduleKind.ONE_F_ONE_B}) {
                    SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(kind, p, m, 1), UNIT);
                    String where = kind + " p=" + p + " m=" + m;
                    assertEquals(expected, r.bubble(), where);
                    assertEquals(Fraction.of(2L * (m + p - 1)), r.makespan(), where);
                    for (int core = 0; core < p; core++) {
                        int peak = kind == ScheduleKind.GPIPE ? m : Math.min(p - core, m);
                        assertEquals(peak, r.peakInFlight(core), where + " core " + core);
                        assertEquals(Fraction.of(2L * m), r.busy(core), where + " core " + core);
                    }
                    // Unequal F and B do not change the bubble of either (both are (m+p-1)(F+B) long).
                    assertEquals(expected, ScheduleSimulator.simulate(Schedules.generate(kind, p, m, 1), Costs.of(1, 2, 0)).bubble(), where);
                }
            }
        }
    }

    @Test
    void interleavedBubbleShrinksWithVirtualStages() {
        for (int p = 1; p <= 8; p++) {
            for (int m = 1; m <= 32; m++) {
                for (int v = 1; v <= 4; v++) {
                    if (v > 1 && m % p != 0) continue;
                    SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.INTERLEAVED, p, m, v), UNIT);
                    String where = "p=" + p + " m=" + m + " v=" + v;
                    assertEquals(Fraction.of(p - 1, (long) v * m + p - 1), r.bubble(), where);
                    // Each of the v*m chunk forwards and backwards costs 1/v: busy time per core stays 2m.
                    assertEquals(Fraction.of(2L * m), r.busy(0), where);
                }
            }
        }
    }

    @Test
    void interleavedWithOneVirtualStageIsOneFOneB() {
        for (int p = 1; p <= 8; p++) {
            for (int m = 1; m <= 32; m++) {
                assertEquals(Schedules.generate(ScheduleKind.ONE_F_ONE_B, p, m, 1).allActions(),
                        Schedules.generate(ScheduleKind.INTERLEAVED, p, m, 1).allActions());
            }
        }
    }

    @Test
    void interleavedPeaksFollowMegatronsWarmup() {
        // Megatron keeps 2(p-r-1) + (v-1)p warm-up chunk forwards plus the first steady one in flight.
        SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.INTERLEAVED, 4, 8, 2), UNIT);
        for (int core = 0; core < 4; core++) assertEquals(2 * (4 - core - 1) + 4 + 1, r.peakInFlight(core));
    }

    @Test
    void zeroBubbleH1BeatsOneFOneBWithoutMoreInFlightMicrobatches() {
        for (int p = 1; p <= 8; p++) {
            for (int m = 1; m <= 32; m++) {
                Schedule zb = Schedules.generate(ScheduleKind.ZB_H1, p, m, 1);
                Schedule ofob = Schedules.generate(ScheduleKind.ONE_F_ONE_B, p, m, 1);
                String where = "p=" + p + " m=" + m;
                for (Costs costs : new Costs[] {SPLIT, Costs.of(1, 2, 1), Costs.of(2, 2, 1), Costs.of(1, 1, 3)}) {
                    SimulationResult z = ScheduleSimulator.simulate(zb, costs);
                    SimulationResult o = ScheduleSimulator.simulate(ofob, costs);
                    if (p > 1) {
                        assertTrue(z.bubble().compareTo(o.bubble()) < 0, where + " " + costs + ": zb " + z.bubble() + " vs 1f1b " + o.bubble());
                    } else {
                        assertEquals(Fraction.ZERO, z.bubble(), where);
                    }
                    for (int core = 0; core < p; core++) {
                        assertTrue(z.peakInFlight(core) <= o.peakInFlight(core), where + " core " + core);
                        // Counting W-pending microbatches too, no core holds more than 1F1B's first core.
                        assertTrue(z.peakStashed(core) <= o.peakStashed(0), where + " core " + core);
                    }
                }
                // With F = I = W and m >= p, the paper's ZB-H1 bubble: (p-1)(F+I-W) = p-1 idle units per core.
                if (m >= p) assertEquals(Fraction.of(3L * m + p - 1), ScheduleSimulator.simulate(zb, SPLIT).makespan(), where);
                // Without weight-gradient work there is nothing to move into the bubble.
                assertEquals(ScheduleSimulator.simulate(ofob, UNIT).bubble(), ScheduleSimulator.simulate(zb, UNIT).bubble(), where);
            }
        }
    }

    @Test
    void forwardOnlyStreamsMicrobatches() {
        for (int p = 1; p <= 8; p++) {
            for (int m = 1; m <= 32; m++) {
                for (int v = 1; v <= 4; v++) {
                    SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.FORWARD, p, m, v), UNIT);
                    // Megatron's grouping is tight when m is a multiple of p; a short last group waits a little.
                    if (v == 1 || m % p == 0) assertEquals(Fraction.of(p - 1, (long) v * m + p - 1), r.bubble(), "p=" + p + " m=" + m + " v=" + v);
                    for (int core = 0; core < p; core++) assertEquals(m * v, r.peakInFlight(core));
                }
            }
        }
    }

    @Test
    void oneFOneBOrderMatchesMegatronOnCoreZero() {
        // p=4, m=8 on core 0: 3 warm-up forwards, then F B pairs, then 3 cool-down backwards.
        assertEquals("0F0 0F1 0F2 0F3 0B0 0F4 0B1 0F5 0B2 0F6 0B3 0F7 0B4 0B5 0B6 0B7",
                compute(Schedules.generate(ScheduleKind.ONE_F_ONE_B, 4, 8, 1), 0));
        assertEquals("3F0 3B0 3F1 3B1 3F2 3B2 3F3 3B3 3F4 3B4 3F5 3B5 3F6 3B6 3F7 3B7",
                compute(Schedules.generate(ScheduleKind.ONE_F_ONE_B, 4, 8, 1), 3));
    }

    @Test
    void zeroBubbleH1PostponesRWeightGradientsOnCoreR() {
        Schedule zb = Schedules.generate(ScheduleKind.ZB_H1, 4, 8, 1);
        assertEquals("0F0 0F1 0F2 0F3 0I0 0W0 0F4 0I1 0W1 0F5 0I2 0W2 0F6 0I3 0W3 0F7 0I4 0W4 0I5 0W5 0I6 0W6 0I7 0W7", compute(zb, 0));
        assertEquals("3F0 3I0 3F1 3I1 3F2 3I2 3F3 3I3 3W0 3F4 3I4 3W1 3F5 3I5 3W2 3F6 3I6 3W3 3F7 3I7 3W4 3W5 3W6 3W7", compute(zb, 3));
    }

    @Test
    void trainingSchedulesEndWithTheOptimizerStepAndOptionalTiedReduction() {
        Schedule s = Schedules.generate(new ScheduleSpec(ScheduleKind.INTERLEAVED, 2, 4, 2, true));
        assertEquals(new Action(ActionType.REDUCE_TIED, 0, -1, 3), s.actions(0).get(s.actions(0).size() - 3));
        assertEquals(Action.optimizerStep(0), s.actions(0).get(s.actions(0).size() - 2));
        assertEquals(Action.optimizerStep(2), s.actions(0).get(s.actions(0).size() - 1));
        assertEquals(Action.reduceTied(3, 0), s.actions(1).get(s.actions(1).size() - 3));
        assertTrue(ScheduleValidator.validate(s).isValid(), ScheduleValidator.validate(s).summary());
        // One core: both tied stages are local, one action sums them.
        Schedule single = Schedules.generate(new ScheduleSpec(ScheduleKind.INTERLEAVED, 1, 2, 3, true));
        assertEquals(1, single.actions(0).stream().filter(a -> a.type() == ActionType.REDUCE_TIED).count());
        assertTrue(ScheduleValidator.validate(single).isValid(), ScheduleValidator.validate(single).summary());
    }

    static String compute(Schedule s, int core) {
        return String.join(" ", s.computeActions(core).stream().map(Action::compact).toList());
    }
}
