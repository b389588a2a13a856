package dev.ppc.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a compute-only order (each core's F, B, I and W actions) into a complete schedule: inserts
 * the sends and receives between stages on different cores, the loss after each last-stage forward,
 * and the end-of-step tail (tied-weight reduction, optimizer steps).
 *
 * <p>Placement is what makes the result correct by construction: a receive goes immediately before
 * the action that consumes it and a send immediately after the action that produces it. With
 * buffered sends (see {@link ScheduleValidator}), a core then blocks on a receive exactly when it
 * would block on the data dependency, so the lowered schedule deadlocks if and only if the compute
 * order does. This is the same lowering PyTorch applies to its compute-only CSV schedules.
 *
 * <p>Stages on the same core exchange nothing: with one core and several virtual stages, the
 * output of stage s is simply there for stage s+1.
 */
public final class CommunicationLowering {
    private CommunicationLowering() { }

    /**
     * Lowers {@code computeOrder} (per core, only F/B/I/W) into a full schedule.
     *
     * @param reduceTied add REDUCE_TIED between the first and last stage before the optimizer steps
     */
    public static Schedule lower(ScheduleKind kind, int virtual, int microbatches, boolean training, int[] stageToCore,
                                 List<List<Action>> computeOrder, boolean reduceTied) {
        int last = stageToCore.length - 1;
        List<List<Action>> cores = new ArrayList<>();
        for (int core = 0; core < computeOrder.size(); core++) {
            List<Action> out = new ArrayList<>();
            for (Action a : computeOrder.get(core)) {
                if (!a.type().isCompute())
                    throw new IllegalArgumentException("compute order holds " + a + "; only F, B, I and W belong there");
                int s = a.stage();
                int mb = a.microbatch();
                boolean prevRemote = s > 0 && stageToCore[s - 1] != core;
                boolean nextRemote = s < last && stageToCore[s + 1] != core;
                switch (a.type()) {
                    case F -> {
                        if (prevRemote) out.add(Action.recvForward(s, mb));
                        out.add(a);
                        if (s == last && training) out.add(Action.loss(s, mb));
                        if (nextRemote) out.add(Action.sendForward(s, mb));
                    }
                    case B, I -> {
                        if (nextRemote) out.add(Action.recvBackward(s, mb));
                        out.add(a);
                        if (prevRemote) out.add(Action.sendBackward(s, mb));
                    }
                    default -> out.add(a);
                }
            }
            cores.add(out);
        }
        if (training) appendTail(cores, stageToCore, reduceTied);
        return new Schedule(kind, virtual, microbatches, training, stageToCore, cores);
    }

    /**
     * Completes a schedule that already has its sends and receives (PyTorch's compute+comms
     * notation) but, like PyTorch's, no LOSS and no tail: adds LOSS after every last-stage forward
     * that lacks one, and the tail, when the schedule trains.
     */
    public static Schedule completeTraining(ScheduleKind kind, int virtual, int microbatches, boolean training,
                                            int[] stageToCore, List<List<Action>> actions, boolean reduceTied) {
        int last = stageToCore.length - 1;
        List<List<Action>> cores = new ArrayList<>();
        for (List<Action> list : actions) {
            List<Action> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Action a = list.get(i);
                out.add(a);
                boolean lossFollows = i + 1 < list.size() && list.get(i + 1).type() == ActionType.LOSS;
                if (training && a.type() == ActionType.F && a.stage() == last && !lossFollows)
                    out.add(Action.loss(a.stage(), a.microbatch()));
            }
            cores.add(out);
        }
        if (training) appendTail(cores, stageToCore, reduceTied);
        return new Schedule(kind, virtual, microbatches, training, stageToCore, cores);
    }

    /**
     * REDUCE_TIED (if asked for, and if the first and last stage differ), then one OPT_STEP per
     * stage. The reduction waits for both sides, so it goes after every core's last backward; it
     * comes before the optimizer steps because they need the summed gradient.
     */
    private static void appendTail(List<List<Action>> cores, int[] stageToCore, boolean reduceTied) {
        int last = stageToCore.length - 1;
        if (reduceTied && last > 0) {
            int first = stageToCore[0];
            int lastCore = stageToCore[last];
            cores.get(first).add(Action.reduceTied(0, last));
            // On one core both stages' gradients are local: one action sums them.
            if (lastCore != first) cores.get(lastCore).add(Action.reduceTied(last, 0));
        }
        for (int s = 0; s < stageToCore.length; s++) cores.get(stageToCore[s]).add(Action.optimizerStep(s));
    }
}
