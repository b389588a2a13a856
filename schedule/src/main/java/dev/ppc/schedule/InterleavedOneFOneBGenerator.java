package dev.ppc.schedule;

import java.util.List;

/**
 * Megatron-LM's interleaved 1F1B (Narayanan et al., 2021, "virtual pipeline"): the model is cut
 * into {@code p*v} stages and core r holds stages {@code r, r+p, ..., r+(v-1)p}. Each stage is
 * 1/v of a core's layers, so the pipeline fills and drains v times faster and the bubble shrinks
 * to {@code (p-1)/(v*m+p-1)}, at the price of v times more messages.
 *
 * <p>The order follows Megatron's {@code forward_backward_pipelining_with_interleaving}: the
 * k-th forward on a core is for stage chunk {@code (k mod pv) / p} and microbatch
 * {@code (k / pv) * p + k mod p} (microbatches go through the chunks in groups of p), backwards
 * visit the chunks in reverse; core r runs {@code 2(p-r-1) + (v-1)p} warm-up forwards (all of
 * them when m = p), then one forward and one backward at a time, then the remaining backwards.
 * This grouping is why m must be a multiple of p; {@link ScheduleSpec} rejects other m. With
 * v = 1 there is nothing to interleave and the schedule is exactly 1F1B.
 */
public final class InterleavedOneFOneBGenerator implements ScheduleGenerator {
    @Override
    public Schedule generate(ScheduleSpec spec) {
        int p = spec.stages();
        int m = spec.microbatches();
        int v = spec.virtual();
        if (v == 1) {
            return new OneFOneBGenerator().generate(new ScheduleSpec(ScheduleKind.ONE_F_ONE_B, p, m, 1, spec.reduceTied()))
                    .withKind(ScheduleKind.INTERLEAVED);
        }
        int total = m * v;
        List<List<Action>> order = Schedules.emptyOrder(p);
        for (int r = 0; r < p; r++) {
            int warmup = m == p ? total : Math.min(2 * (p - r - 1) + (v - 1) * p, total);
            List<Action> core = order.get(r);
            for (int k = 0; k < warmup; k++) core.add(forward(k, p, v, r));
            for (int k = 0; k < total - warmup; k++) {
                core.add(forward(warmup + k, p, v, r));
                core.add(backward(k, p, v, r));
            }
            for (int k = total - warmup; k < total; k++) core.add(backward(k, p, v, r));
        }
        return CommunicationLowering.lower(ScheduleKind.INTERLEAVED, v, m, true, Schedules.loopedStageToCore(p, v), order,
                spec.reduceTied());
    }

    private static Action forward(int k, int p, int v, int r) {
        int chunk = (k % (p * v)) / p;
        return Action.forward(chunk * p + r, microbatch(k, p, v));
    }

    private static Action backward(int k, int p, int v, int r) {
        int chunk = v - 1 - (k % (p * v)) / p;
        return Action.backward(chunk * p + r, microbatch(k, p, v));
    }

    private static int microbatch(int k, int p, int v) { return (k / (p * v)) * p + k % p; }
}
