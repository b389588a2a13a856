package dev.ppc.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ScheduleSummaryTest {
    @Test
    void tableForOneFOneB() {
        SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.ONE_F_ONE_B, 4, 8, 1), Costs.DEFAULT);
        assertEquals("""
                schedule  1f1b: 4 stages on 4 cores, 8 microbatches, training, 172 actions, valid
                costs     F=1 B=1 W=1 comm=0 (per core's share of the model)
                makespan  33
                bubble    0.2727 (3/11 = 27.3%)

                core  stages          busy     idle  peak in-flight peak stashed
                   0  0                 24        9               4            4
                   1  1                 24        9               3            3
                   2  2                 24        9               2            2
                   3  3                 24        9               1            1
                """, ScheduleSummary.format(r));
    }

    @Test
    void fractionalMakespanIsShownExactlyToo() {
        SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.INTERLEAVED, 4, 8, 4), Costs.of(1, 1, 0));
        SimulationResult wide = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.FORWARD, 2, 2, 7), Costs.of(1, 1, 0));
        String text = ScheduleSummary.format(r);
        assertEquals("makespan  17.5 (35/2)", text.lines().filter(l -> l.startsWith("makespan")).findFirst().orElseThrow());
        assertEquals("   0  0,4,8,12          16      1.5              19           19",
                text.lines().filter(l -> l.startsWith("   0")).findFirst().orElseThrow());
        // Stages that do not fit the column are cut with a '~'.
        assertEquals("   0  0,2,4,6,8,~        2    0.143              14           14",
                ScheduleSummary.format(wide).lines().filter(l -> l.startsWith("   0")).findFirst().orElseThrow());
    }
}
