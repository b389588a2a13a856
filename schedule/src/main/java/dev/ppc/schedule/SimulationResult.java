package dev.ppc.schedule;

/**
 * What {@link ScheduleSimulator} computed for one schedule and cost model.
 *
 * <p>Definitions:
 * <ul>
 *   <li><b>makespan</b>: the time at which the last action ends (the step starts at 0).</li>
 *   <li><b>busy time</b> of a core: the sum of the durations of its F, B, I, W and LOSS actions.
 *       Sends and receives are asynchronous transfers, not compute, so waiting for a message is
 *       idle time.</li>
 *   <li><b>bubble fraction</b>: {@code 1 - (sum over cores of busy time) / (cores * makespan)}, the
 *       share of core-time spent idle. With equal stage costs and no communication cost it is
 *       {@code (p-1)/(m+p-1)} for GPipe and 1F1B and {@code (p-1)/(v*m+p-1)} for interleaved 1F1B.
 *       (Megatron's paper quotes bubble time over ideal time, {@code (p-1)/m}; that is
 *       {@code f/(1-f)} of this fraction f.)</li>
 *   <li><b>in-flight microbatches</b> on a core at a point of its action list: the (stage,
 *       microbatch) pairs whose F has run there but whose B or I has not, i.e. the activations
 *       stashed for a backward that has not consumed them yet. The peak is the maximum over the
 *       list; it depends on the order only, not on costs. For interleaved schedules each pair is
 *       one chunk of 1/v of the core's layers.</li>
 *   <li><b>stashed microbatches</b>: like in-flight, but a split backward releases its pair at W
 *       instead of I, because W still reads the stage's saved inputs. Equal to in-flight for
 *       schedules without W; for ZB-H1 core r holds up to r more than 1F1B, and never more than p,
 *       the peak of 1F1B's first core, which is the paper's "same memory as 1F1B".</li>
 * </ul>
 */
public final class SimulationResult {
    private final Schedule schedule;
    private final Timeline timeline;
    private final long[] busyTicks;
    private final int[] peakInFlight;
    private final int[] peakStashed;
    private final String costs;

    SimulationResult(Schedule schedule, Timeline timeline, long[] busyTicks, int[] peakInFlight, int[] peakStashed, String costs) {
        this.schedule = schedule;
        this.timeline = timeline;
        this.busyTicks = busyTicks.clone();
        this.peakInFlight = peakInFlight.clone();
        this.peakStashed = peakStashed.clone();
        this.costs = costs;
    }

    public Schedule schedule() { return schedule; }

    public Timeline timeline() { return timeline; }

    /** The cost model's description, for reports. */
    public String costs() { return costs; }

    /** Makespan in user units, exact. */
    public Fraction makespan() { return timeline.toUnits(timeline.makespanTicks()); }

    /** Busy time of {@code core} in user units, exact. */
    public Fraction busy(int core) { return timeline.toUnits(busyTicks[core]); }

    /** Idle time of {@code core} ({@code makespan - busy}) in user units, exact. */
    public Fraction idle(int core) { return timeline.toUnits(timeline.makespanTicks() - busyTicks[core]); }

    /** The bubble fraction, exact; 0 for an empty timeline. */
    public Fraction bubble() {
        long total = Math.multiplyExact(timeline.makespanTicks(), (long) schedule.cores());
        if (total == 0) return Fraction.ZERO;
        long busy = 0;
        for (long b : busyTicks) busy += b;
        return Fraction.of(total - busy, total);
    }

    /** Peak in-flight microbatches (F done, B or I not yet) on {@code core}. */
    public int peakInFlight(int core) { return peakInFlight[core]; }

    /** Peak stashed microbatches (F done, B or W not yet) on {@code core}. */
    public int peakStashed(int core) { return peakStashed[core]; }

    /** Peak in-flight microbatches of every core. */
    public int[] peakInFlight() { return peakInFlight.clone(); }

    /** Peak stashed microbatches of every core. */
    public int[] peakStashed() { return peakStashed.clone(); }
}
