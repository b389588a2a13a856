package dev.ppc.schedule;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * ZB-H1 from Qi et al., "Zero Bubble Pipeline Parallelism" (ICLR 2024): 1F1B with the backward
 * split into I (input gradient, on the critical path to the previous stage) and W (weight
 * gradient, needed only by the optimizer step).
 *
 * <p>Forwards and input gradients keep exactly 1F1B's order, so the activations waiting for
 * their backward never exceed 1F1B's {@code min(p-r, m)} on core r. What changes is W: core r
 * runs its first r input gradients without their W, and from then on follows every I with the
 * oldest pending W, flushing the r postponed ones at the end. Gradients then travel back along the
 * pipeline at the speed of I alone, and the postponed W passes fill the drain bubble: with
 * {@code F = I = W} the bubble drops from 1F1B's {@code 3(p-1)} to {@code (p-1)} time units. Core
 * r postpones r W passes because the last core, whose I passes start the backward chain, must
 * keep them coming while the cores before it are still draining. This is also how PyTorch's
 * zero-bubble lowering sets its per-rank W delay ({@code num_1f1b_microbatches = rank}).
 */
public final class ZeroBubbleH1Generator implements ScheduleGenerator {
    @Override
    public Schedule generate(ScheduleSpec spec) {
        int p = spec.stages();
        int m = spec.microbatches();
        List<List<Action>> order = Schedules.emptyOrder(p);
        for (int r = 0; r < p; r++) {
            List<Action> core = order.get(r);
            Deque<Integer> pendingW = new ArrayDeque<>();
            int inputGradients = 0;
            for (OneFOneBGenerator.Step step : OneFOneBGenerator.steps(p, r, m)) {
                if (step.forward()) {
                    core.add(Action.forward(r, step.microbatch()));
                    continue;
                }
                core.add(Action.inputGrad(r, step.microbatch()));
                pendingW.add(step.microbatch());
                inputGradients++;
                if (inputGradients > r) core.add(Action.weightGrad(r, pendingW.poll()));
            }
            while (!pendingW.isEmpty()) core.add(Action.weightGrad(r, pendingW.poll()));
        }
        return CommunicationLowering.lower(ScheduleKind.ZB_H1, 1, m, true, Schedules.loopedStageToCore(p, 1), order,
                spec.reduceTied());
    }
}
