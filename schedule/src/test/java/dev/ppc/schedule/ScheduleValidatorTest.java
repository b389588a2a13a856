package dev.ppc.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Hand-broken schedules are rejected with messages that name the core, the step and the action. */
class ScheduleValidatorTest {
    /** 1F1B on 2 cores with 2 microbatches; see the step numbers in the comments of each test. */
    private static Schedule oneFOneB() { return Schedules.generate(ScheduleKind.ONE_F_ONE_B, 2, 2, 1); }

    /** {@code s} with core {@code core}'s action list changed by {@code edit}. */
    static Schedule edit(Schedule s, int core, Consumer<List<Action>> edit) {
        List<List<Action>> lists = new ArrayList<>();
        for (List<Action> l : s.allActions()) lists.add(new ArrayList<>(l));
        edit.accept(lists.get(core));
        return new Schedule(s.kind(), s.virtual(), s.microbatches(), s.training(), s.stageToCoreMap(), lists);
    }

    private static Schedule custom(boolean training, int[] stageToCore, int microbatches, List<List<Action>> lists) {
        return new Schedule(ScheduleKind.CUSTOM, 1, microbatches, training, stageToCore, lists);
    }

    @Test
    void generatedScheduleIsValid() {
        ValidationReport report = ScheduleValidator.validate(oneFOneB());
        assertTrue(report.isValid());
        assertEquals("schedule is valid", report.summary());
    }

    @Test
    void missingReceiveIsReportedAtTheForwardThatNeedsIt() {
        // Core 1: 0 RECV_F0, 1 F0, 2 LOSS0, 3 B0, 4 SEND_B0, 5 RECV_F1, 6 F1 ... Drop step 5.
        Schedule broken = edit(oneFOneB(), 1, l -> assertEquals(Action.recvForward(1, 1), l.remove(5)));
        ValidationReport report = ScheduleValidator.validate(broken);
        assertFalse(report.isValid());
        assertFalse(report.deadlock());
        assertEquals("invalid schedule: core 1, step 5: F(stage 1, mb 1) has no input: RECV_F(stage 1, mb 1, from stage 0) must come "
                + "before it on core 1, and core 1 has none", report.summary());
        ScheduleProblem problem = report.problems().get(0);
        assertEquals(1, problem.core());
        assertEquals(5, problem.step());
        assertEquals(Action.forward(1, 1), problem.action());
    }

    @Test
    void missingSendLeavesTheReceiveWaitingForever() {
        // Core 0: 0 F0, 1 SEND_F0, 2 F1, 3 SEND_F1, 4 RECV_B0, 5 B0, 6 RECV_B1 ... Drop step 3.
        Schedule broken = edit(oneFOneB(), 0, l -> assertEquals(Action.sendForward(0, 1), l.remove(3)));
        ValidationReport report = ScheduleValidator.validate(broken);
        assertTrue(report.deadlock());
        assertEquals(List.of(
                "core 0, step 5: RECV_B(stage 0, mb 1, from stage 1) waits forever for SEND_B(stage 1, mb 1, to stage 0) at core 1, step 9, "
                        + "but core 1 is stuck at step 5: RECV_F(stage 1, mb 1, from stage 0)",
                "core 1, step 5: RECV_F(stage 1, mb 1, from stage 0) waits forever: no core sends it"),
                report.problems().stream().map(ScheduleProblem::toString).toList());
        ScheduleException e = assertThrows(ScheduleException.class, () -> ScheduleValidator.requireValid(broken));
        assertTrue(e.getMessage().startsWith("schedule deadlocks: core 0, step 5: RECV_B(stage 0, mb 1, from stage 1) waits forever"), e.getMessage());
    }

    @Test
    void twoCoresThatEachReceiveFirstDeadlock() {
        Schedule broken = custom(true, new int[] {0, 1}, 1, List.of(
                List.of(Action.recvBackward(0, 0), Action.forward(0, 0), Action.sendForward(0, 0), Action.backward(0, 0)),
                List.of(Action.recvForward(1, 0), Action.forward(1, 0), Action.loss(1, 0), Action.backward(1, 0), Action.sendBackward(1, 0))));
        ValidationReport report = ScheduleValidator.validate(broken);
        assertTrue(report.deadlock());
        assertEquals("schedule deadlocks: "
                + "core 0, step 0: RECV_B(stage 0, mb 0, from stage 1) waits forever for SEND_B(stage 1, mb 0, to stage 0) at core 1, step 4, "
                + "but core 1 is stuck at step 0: RECV_F(stage 1, mb 0, from stage 0); "
                + "core 1, step 0: RECV_F(stage 1, mb 0, from stage 0) waits forever for SEND_F(stage 0, mb 0, to stage 1) at core 0, step 2, "
                + "but core 0 is stuck at step 0: RECV_B(stage 0, mb 0, from stage 1)", report.summary());
        // The same two cores in the right order are fine.
        Schedule fixed = custom(true, new int[] {0, 1}, 1, List.of(
                List.of(Action.forward(0, 0), Action.sendForward(0, 0), Action.recvBackward(0, 0), Action.backward(0, 0)),
                List.of(Action.recvForward(1, 0), Action.forward(1, 0), Action.loss(1, 0), Action.backward(1, 0), Action.sendBackward(1, 0))));
        assertTrue(ScheduleValidator.validate(fixed).isValid(), ScheduleValidator.validate(fixed).summary());
    }

    @Test
    void receiveBeforeItsOwnSendOnTheSameCoreDeadlocks() {
        // One core holding stages 0 and 1 that passes the activation through a send to itself, receiving first.
        Schedule broken = new Schedule(ScheduleKind.CUSTOM, 2, 1, false, new int[] {0, 0}, List.of(
                List.of(Action.recvForward(1, 0), Action.forward(0, 0), Action.sendForward(0, 0), Action.forward(1, 0))));
        assertEquals("schedule deadlocks: core 0, step 0: RECV_F(stage 1, mb 0, from stage 0) waits forever: the matching "
                + "SEND_F(stage 0, mb 0, to stage 1) comes later on this core, at step 2", ScheduleValidator.validate(broken).summary());
    }

    @Test
    void sendWithoutReceiveAndMissingForwardAreReported() {
        // Forward-only, 2 cores, 2 microbatches; core 1: 0 RECV_F0, 1 F0, 2 RECV_F1, 3 F1. Drop its microbatch 1.
        Schedule broken = edit(Schedules.generate(ScheduleKind.FORWARD, 2, 2, 1), 1, l -> l.subList(2, 4).clear());
        assertEquals("invalid schedule: core 1: F(stage 1, mb 1) never runs; core 0, step 3: SEND_F(stage 0, mb 1, to stage 1) is never "
                + "received: no core runs RECV_F(stage 1, mb 1, from stage 0)", ScheduleValidator.validate(broken).summary());
    }

    @Test
    void structuralMistakesAreAllListed() {
        Schedule s = Schedules.generate(ScheduleKind.FORWARD, 3, 2, 1);
        Schedule broken = edit(s, 0, l -> {
            l.add(0, Action.forward(1, 0));
            l.add(Action.forward(0, 5));
            l.add(new Action(ActionType.SEND_F, 0, 0, 2));
            l.add(Action.backward(0, 0));
        });
        assertEquals(List.of(
                "core 0, step 0: F(stage 1, mb 0) is on the wrong core: stage 1 runs on core 1",
                "core 0, step 5: F(stage 0, mb 5) names microbatch 5, but the schedule has 2 microbatches",
                "core 0, step 6: SEND_F(stage 0, mb 0, to stage 2) sends to stage 2, but activations go from stage 0 to stage 1",
                "core 0, step 7: B(stage 0, mb 0) has no place in an inference schedule (only F, SEND_F and RECV_F)"),
                ScheduleValidator.validate(broken).problems().stream().map(ScheduleProblem::toString).toList());
    }

    @Test
    void orderingMistakesOnOneCore() {
        // ZB-H1 on one core, one microbatch: 0 F0, 1 LOSS0, 2 I0, 3 W0, 4 OPT_STEP.
        Schedule zb = Schedules.generate(ScheduleKind.ZB_H1, 1, 1, 1);
        assertEquals("invalid schedule: core 0, step 2: W(stage 0, mb 0) needs I(stage 0, mb 0) first, which comes later on this core, at step 3",
                ScheduleValidator.validate(edit(zb, 0, l -> l.add(2, l.remove(3)))).summary());
        assertEquals("invalid schedule: core 0, step 3: OPT_STEP(stage 0) comes before all gradients of stage 0 are complete: "
                + "stage 0, mb 0 has no W before it", ScheduleValidator.validate(edit(zb, 0, l -> l.remove(3))).summary());
        assertEquals("invalid schedule: core 0, step 1: I(stage 0, mb 0) needs the gradient of the loss: LOSS(stage 0, mb 0) must come "
                + "before it, but it comes later, at step 2", ScheduleValidator.validate(edit(zb, 0, l -> l.add(1, l.remove(2)))).summary());
        assertEquals("invalid schedule: core 0, step 3: W(stage 0, mb 0) follows the full B(stage 0, mb 0), which already computed the "
                + "weight gradient", ScheduleValidator.validate(edit(zb, 0, l -> l.set(2, Action.backward(0, 0)))).summary());
        assertEquals("invalid schedule: core 0, step 1: F(stage 0, mb 0) runs twice: it already ran at core 0, step 0",
                ScheduleValidator.validate(edit(zb, 0, l -> l.add(1, Action.forward(0, 0)))).summary());
    }

    @Test
    void stagesOnOneCoreNeedTheirPredecessorFirst() {
        // Interleaved on one core: stages 0 and 1 pass activations locally, so order is all that matters.
        Schedule s = Schedules.generate(ScheduleKind.INTERLEAVED, 1, 1, 2);
        assertTrue(ScheduleValidator.validate(s).isValid());
        assertTrue(s.allActions().get(0).stream().noneMatch(a -> a.type().isCommunication()));
        assertEquals(Action.forward(0, 0), s.actions(0).get(0));
        Schedule swapped = edit(s, 0, l -> l.add(0, l.remove(1)));
        assertEquals("invalid schedule: core 0, step 0: F(stage 1, mb 0) needs the output of F(stage 0, mb 0), which comes later on this "
                + "core, at step 1", ScheduleValidator.validate(swapped).summary());
    }

    @Test
    void oneSidedTiedReductionWaitsForever() {
        Schedule tied = Schedules.generate(new ScheduleSpec(ScheduleKind.ONE_F_ONE_B, 2, 2, 1, true));
        assertTrue(ScheduleValidator.validate(tied).isValid());
        Schedule broken = edit(tied, 1, l -> l.remove(Action.reduceTied(1, 0)));
        ValidationReport report = ScheduleValidator.validate(broken);
        assertTrue(report.deadlock());
        assertEquals("schedule deadlocks: core 0, step 8: REDUCE_TIED(stage 0, with stage 1) waits forever: core 1 never runs "
                + "REDUCE_TIED(stage 1, with stage 0)", report.summary());
    }

    @Test
    void optimizerStepMustFollowTheTiedReduction() {
        Schedule tied = Schedules.generate(new ScheduleSpec(ScheduleKind.GPIPE, 2, 1, 1, true));
        int k = tied.actions(0).indexOf(Action.reduceTied(0, 1));
        Schedule broken = edit(tied, 0, l -> l.add(k + 1, l.remove(k)));
        assertEquals("invalid schedule: core 0, step " + k + ": OPT_STEP(stage 0) comes before the tied-weight reduction of stage 0",
                ScheduleValidator.validate(broken).summary());
    }
}
