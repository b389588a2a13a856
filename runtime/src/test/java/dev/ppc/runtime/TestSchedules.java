package dev.ppc.runtime;

import dev.ppc.schedule.Action;
import dev.ppc.schedule.ActionType;
import dev.ppc.schedule.CommunicationLowering;
import dev.ppc.schedule.Schedule;
import dev.ppc.schedule.ScheduleKind;
import dev.ppc.schedule.Schedules;
import java.util.ArrayList;
import java.util.List;

/** The inference schedules the tests run, all built with the schedule module. */
final class TestSchedules {
    private TestSchedules() { }

    /** The forward kind: one stage per core. */
    static Schedule forward(int stages, int m) { return Schedules.generate(ScheduleKind.FORWARD, stages, m, 1); }

    /** The forward kind with v stages per core (Megatron's looped placement). */
    static Schedule forwardVirtual(int cores, int m, int virtual) { return Schedules.generate(ScheduleKind.FORWARD, cores, m, virtual); }

    /**
     * The forward part of a training schedule: its F, SEND_F and RECV_F actions in their order, as
     * an inference schedule of the same kind.
     */
    static Schedule forwardPartOf(ScheduleKind kind, int stages, int m) {
        Schedule training = Schedules.generate(kind, stages, m, 1);
        List<List<Action>> actions = new ArrayList<>();
        for (List<Action> core : training.allActions()) {
            actions.add(core.stream().filter(a -> a.type() == ActionType.F || a.type() == ActionType.SEND_F
                    || a.type() == ActionType.RECV_F).toList());
        }
        return new Schedule(kind, 1, m, false, training.stageToCoreMap(), actions);
    }

    /** One stage per core, every core taking the microbatches in descending order (messages arrive out of order). */
    static Schedule reversed(int stages, int m) {
        List<List<Action>> order = new ArrayList<>();
        int[] stageToCore = new int[stages];
        for (int s = 0; s < stages; s++) {
            stageToCore[s] = s;
            List<Action> core = new ArrayList<>();
            for (int mb = m - 1; mb >= 0; mb--) core.add(Action.forward(s, mb));
            order.add(core);
        }
        return CommunicationLowering.lower(ScheduleKind.CUSTOM, 1, m, false, stageToCore, order, false);
    }

    /**
     * Stages placed on cores by {@code stageToCore} (contiguous, ascending), each core running its
     * stages microbatch by microbatch. Uneven placements make a skip connection cross cores where
     * the schedule has no SEND_F or RECV_F for it.
     */
    static Schedule placed(int[] stageToCore, int m) {
        int cores = stageToCore[stageToCore.length - 1] + 1;
        int virtual = 1;
        List<List<Action>> order = new ArrayList<>();
        for (int c = 0; c < cores; c++) {
            List<Integer> stages = new ArrayList<>();
            for (int s = 0; s < stageToCore.length; s++) if (stageToCore[s] == c) stages.add(s);
            virtual = Math.max(virtual, stages.size());
            List<Action> core = new ArrayList<>();
            for (int mb = 0; mb < m; mb++) for (int s : stages) core.add(Action.forward(s, mb));
            order.add(core);
        }
        return CommunicationLowering.lower(ScheduleKind.CUSTOM, virtual, m, false, stageToCore, order, false);
    }
}
