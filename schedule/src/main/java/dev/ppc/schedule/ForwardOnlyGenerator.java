package dev.ppc.schedule;

import java.util.List;

/**
 * Inference: every core runs forwards only, streaming microbatches through its stages so that core
 * r works on microbatch i while core r+1 works on microbatch i-1.
 *
 * <p>With v virtual stages per core the order is Megatron's forward order: microbatches go in
 * groups of p, and a core runs a group through its first stage, then through its second, and so
 * on. Every forward's input is produced earlier in the global order (group, stage chunk,
 * microbatch, core), so the order cannot deadlock; unlike the training form it accepts any m
 * (the last group is just shorter).
 */
public final class ForwardOnlyGenerator implements ScheduleGenerator {
    @Override
    public Schedule generate(ScheduleSpec spec) {
        int p = spec.stages();
        int m = spec.microbatches();
        int v = spec.virtual();
        List<List<Action>> order = Schedules.emptyOrder(p);
        for (int r = 0; r < p; r++) {
            for (int group = 0; group * p < m; group++) {
                int end = Math.min(m, (group + 1) * p);
                for (int chunk = 0; chunk < v; chunk++) {
                    for (int mb = group * p; mb < end; mb++) order.get(r).add(Action.forward(chunk * p + r, mb));
                }
            }
        }
        return CommunicationLowering.lower(ScheduleKind.FORWARD, v, m, false, Schedules.loopedStageToCore(p, v), order, false);
    }
}
