package dev.ppc.runtime;

import dev.ppc.schedule.ActionType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a stall into an error: a run is stalled when no core has finished an action for longer
 * than the timeout. Progress anywhere counts, so a downstream core waiting for its first input
 * while upstream cores compute is not a stall; a stage that never returns is, as soon as the cores
 * that depend on it have run out of other work.
 *
 * <p>The caller of {@link Pipeline#run} checks it while it waits for the run to end; there is no
 * watchdog thread. The report names every core that is in an action, what the action is and for
 * how long; the exception is located at the core most likely to be the cause: one that is
 * computing rather than waiting, else the one that has waited longest.
 */
final class Watchdog {
    private static final long MIN_POLL = Duration.ofMillis(1).toNanos();
    private static final long MAX_POLL = Duration.ofMillis(100).toNanos();

    private final long timeoutNanos;

    Watchdog(Duration timeout) { this.timeoutNanos = timeout.toNanos(); }

    boolean enabled() { return timeoutNanos > 0; }

    /** How often to check: a tenth of the timeout, within 1 to 100 ms, so a stall is reported at most 10% late. */
    long pollNanos() { return Math.max(MIN_POLL, Math.min(MAX_POLL, timeoutNanos / 10)); }

    /** The stall error if no core has finished an action since {@code lastProgress} for longer than the timeout, else null. */
    PipelineException check(long now, long lastProgress, List<Worker> workers) {
        long quiet = now - lastProgress;
        if (!enabled() || quiet < timeoutNanos) return null;
        List<String> cores = new ArrayList<>();
        Worker.Activity culprit = null;
        int culpritCore = -1;
        boolean culpritComputes = false;
        for (Worker w : workers) {
            Worker.Activity act = w.activity();
            if (act == null) continue;
            long d = now - act.sinceNanos();
            boolean computes = act.waitingOn() == null && act.action().type() != ActionType.RECV_F;
            String what;
            if (act.waitingOn() != null) {
                what = "has been waiting for channel " + act.waitingOn().id() + " (from stage " + act.waitingOn().spec().srcStage()
                        + ") before " + act.action();
            } else if (computes) {
                what = "has been running " + act.action();
            } else {
                what = "has been waiting in " + act.action();
            }
            cores.add("core " + w.core() + " " + what + " (step " + act.step() + ") for " + millis(d));
            boolean better = culprit == null || (computes && !culpritComputes)
                    || (computes == culpritComputes && act.sinceNanos() < culprit.sinceNanos());
            if (better) {
                culprit = act;
                culpritCore = w.core();
                culpritComputes = computes;
            }
        }
        String message = "pipeline stalled: no core has finished an action for " + millis(quiet) + " (watchdog timeout "
                + millis(timeoutNanos) + "); " + (cores.isEmpty() ? "no core is in an action" : String.join("; ", cores));
        return culprit == null
                ? new PipelineException(message)
                : new PipelineException(message, culpritCore, culprit.action().stage(), culprit.action().microbatch(), null);
    }

    private static String millis(long nanos) { return (nanos / 1_000_000) + " ms"; }
}
