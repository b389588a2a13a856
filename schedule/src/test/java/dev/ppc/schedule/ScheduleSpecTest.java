package dev.ppc.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Bad requests are rejected with a message that says what would work. */
class ScheduleSpecTest {
    private static String error(Runnable r) { return assertThrows(ScheduleException.class, r::run).getMessage(); }

    @Test
    void interleavedNeedsAMultipleOfTheStages() {
        assertEquals("interleaved 1F1B (Megatron's virtual pipeline) needs the number of microbatches to be a multiple of the number of "
                + "stages: 10 microbatches on 4 stages does not work; use 8 or 12 microbatches, virtual 1, or the 1f1b kind",
                error(() -> ScheduleSpec.of(ScheduleKind.INTERLEAVED, 4, 10, 2)));
        assertEquals("interleaved 1F1B (Megatron's virtual pipeline) needs the number of microbatches to be a multiple of the number of "
                + "stages: 3 microbatches on 4 stages does not work; use 4 microbatches, virtual 1, or the 1f1b kind",
                error(() -> ScheduleSpec.of(ScheduleKind.INTERLEAVED, 4, 3, 2)));
    }

    @Test
    void onlyInterleavedAndForwardHaveVirtualStages() {
        assertEquals("zb-h1 puts one stage on each core, so it has no virtual stages (got virtual 2); use the interleaved kind for "
                + "virtual > 1, or virtual 1", error(() -> ScheduleSpec.of(ScheduleKind.ZB_H1, 4, 8, 2)));
    }

    @Test
    void countsMustBePositive() {
        assertEquals("the number of stages must be at least 1, got 0", error(() -> ScheduleSpec.of(ScheduleKind.GPIPE, 0, 8, 1)));
        assertEquals("the number of microbatches must be at least 1, got -1", error(() -> ScheduleSpec.of(ScheduleKind.GPIPE, 2, -1, 1)));
        assertEquals("the number of virtual stages per core must be at least 1, got 0",
                error(() -> ScheduleSpec.of(ScheduleKind.INTERLEAVED, 2, 2, 0)));
        assertEquals("stages x virtual x microbatches = 4000000 is too large to generate (at most 1000000)",
                error(() -> ScheduleSpec.of(ScheduleKind.INTERLEAVED, 1000, 1000, 4)));
    }

    @Test
    void kindsParseByTheirCliNames() {
        assertEquals(ScheduleKind.ZB_H1, ScheduleKind.parse("ZB-H1"));
        assertEquals(ScheduleKind.ONE_F_ONE_B, ScheduleKind.parse("1f1b"));
        assertEquals("unknown schedule kind 'pipedream'; expected one of forward, gpipe, 1f1b, interleaved, zb-h1",
                error(() -> ScheduleKind.parse("pipedream")));
        assertEquals("'custom' schedules are imported, not generated; use one of forward, gpipe, 1f1b, interleaved, zb-h1",
                error(() -> ScheduleSpec.of(ScheduleKind.CUSTOM, 2, 2, 1)));
    }

    @Test
    void tiedReductionNeedsTraining() {
        assertEquals("tied-weight reduction needs gradients, and a forward schedule has none",
                error(() -> new ScheduleSpec(ScheduleKind.FORWARD, 2, 2, 1, true)));
    }
}
