package dev.ppc.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CostsTest {
    @Test
    void parsesWholeAndDecimalCostsIntoExactTicks() {
        assertEquals(Costs.of(1, 2, 0, 0), Costs.parse("1,2,0", null));
        assertEquals(new Costs(1, 3, 1, 2, 2), Costs.parse("0.5, 1.5, 0.5", "1"));
        assertEquals(new Costs(10, 20, 5, 1, 1), Costs.parse("10,20,5", "1.0"));
        assertEquals("F=0.5 B=1.5 W=0.5 comm=1", Costs.parse("0.5,1.5,0.5", "1").describe());
    }

    @Test
    void rejectsBadCostsWithAnExample() {
        assertEquals("bad costs '1,2': expected three numbers F,B,W (e.g. 1,1,1 or 1,2,0)",
                assertThrows(ScheduleException.class, () -> Costs.parse("1,2", "0")).getMessage());
        assertEquals("bad costs '1,x,2': 'x' is not a number (e.g. 1,1,1 or 1,2,0)",
                assertThrows(ScheduleException.class, () -> Costs.parse("1,x,2", "0")).getMessage());
        assertEquals("bad costs '0,1,1': F and B must be positive and W must not be negative (e.g. 1,1,1 or 1,2,0)",
                assertThrows(ScheduleException.class, () -> Costs.parse("0,1,1", "0")).getMessage());
        assertEquals("communication cost must not be negative, got '-1'",
                assertThrows(ScheduleException.class, () -> Costs.parse("1,1,1", "-1")).getMessage());
    }

    @Test
    void stageCostsScaleWithVirtualStages() {
        Schedule interleaved = Schedules.generate(ScheduleKind.INTERLEAVED, 2, 2, 3);
        CostModel model = Costs.of(1, 2, 1, 5).modelFor(interleaved);
        // 6 stages on 2 cores: a stage is a third of a core's share, so ticks are thirds of a unit.
        assertEquals(3, model.ticksPerUnit());
        assertEquals(1, model.duration(Action.forward(0, 0)));
        assertEquals(3, model.duration(Action.backward(0, 0)));
        assertEquals(2, model.duration(Action.inputGrad(0, 0)));
        assertEquals(15, model.messageDelay(Action.sendForward(0, 0)));
        assertEquals(0, model.duration(Action.sendForward(0, 0)));
    }
}
