package dev.ppc.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * 1F1B, also called PipeDream-flush (Narayanan et al., 2021), as Megatron-LM and
 * NeuronxDistributed run it: core r first runs {@code min(p-r-1, m)} warm-up forwards, then
 * alternates one forward and one backward, then drains the remaining backwards.
 *
 * <p>The bubble is GPipe's, {@code (p-1)/(m+p-1)} with equal stage costs, but core r never holds
 * more than {@code min(p-r, m)} microbatches' activations instead of m: a backward frees one
 * microbatch for every forward that stashes one.
 */
public final class OneFOneBGenerator implements ScheduleGenerator {
    @Override
    public Schedule generate(ScheduleSpec spec) {
        int p = spec.stages();
        int m = spec.microbatches();
        List<List<Action>> order = Schedules.emptyOrder(p);
        for (int r = 0; r < p; r++) {
            for (Step step : steps(p, r, m)) {
                order.get(r).add(step.forward() ? Action.forward(r, step.microbatch()) : Action.backward(r, step.microbatch()));
            }
        }
        return CommunicationLowering.lower(ScheduleKind.ONE_F_ONE_B, 1, m, true, Schedules.loopedStageToCore(p, 1), order,
                spec.reduceTied());
    }

    /** One slot of the 1F1B pattern: a forward or a backward of a microbatch. */
    record Step(boolean forward, int microbatch) { }

    /** Core r's 1F1B sequence of forwards and backwards; shared with ZB-H1, which keeps it. */
    static List<Step> steps(int p, int r, int m) {
        int warmup = Math.min(p - r - 1, m);
        List<Step> steps = new ArrayList<>(2 * m);
        for (int mb = 0; mb < warmup; mb++) steps.add(new Step(true, mb));
        for (int k = 0; k < m - warmup; k++) {
            steps.add(new Step(true, warmup + k));
            steps.add(new Step(false, k));
        }
        for (int mb = m - warmup; mb < m; mb++) steps.add(new Step(false, mb));
        return steps;
    }
}
