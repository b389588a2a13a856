package dev.ppc.schedule;

import java.util.List;

/**
 * GPipe (Huang et al., 2019), fill-drain: every core runs the forwards of all m microbatches, then
 * all their backwards, in microbatch order (as PyTorch's {@code ScheduleGPipe} does). Simple and
 * with the same bubble as 1F1B, but every core holds the activations of all m microbatches at
 * the turn.
 */
public final class GPipeGenerator implements ScheduleGenerator {
    @Override
    public Schedule generate(ScheduleSpec spec) {
        int p = spec.stages();
        int m = spec.microbatches();
        List<List<Action>> order = Schedules.emptyOrder(p);
        for (int r = 0; r < p; r++) {
            for (int mb = 0; mb < m; mb++) order.get(r).add(Action.forward(r, mb));
            for (int mb = 0; mb < m; mb++) order.get(r).add(Action.backward(r, mb));
        }
        return CommunicationLowering.lower(ScheduleKind.GPIPE, 1, m, true, Schedules.loopedStageToCore(p, 1), order,
                spec.reduceTied());
    }
}
