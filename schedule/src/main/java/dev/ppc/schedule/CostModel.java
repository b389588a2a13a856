package dev.ppc.schedule;

/**
 * How long each action takes, in integer ticks, for {@link ScheduleSimulator}. Integer ticks keep
 * every simulated time, makespan and bubble fraction exact; {@link #ticksPerUnit()} converts them
 * back into the user's time unit.
 */
public interface CostModel {
    /** Ticks in one unit of the user's time (costs given as 1, 2 and 0.5 need 2 ticks per unit). */
    long ticksPerUnit();

    /**
     * Ticks {@code action} keeps its core busy. Sends and receives take none (messages travel in
     * the background, see {@link #messageDelay}); REDUCE_TIED is given its cost when the two tied
     * stages are on different cores, the simulator treats a same-core reduction as free.
     */
    long duration(Action action);

    /** Ticks between a send running and its message being available to the receiver. */
    long messageDelay(Action send);

    /** One line for reports, e.g. {@code "F=1 B=1 W=1 comm=0 per stage"}. */
    String describe();

    /**
     * Every compute action (F, B, I, W) takes one tick and nothing else takes time: the time
     * slots PyTorch's schedule grids use, and what {@link PyTorchCsv} aligns its columns to.
     */
    static CostModel unitSteps() {
        return new CostModel() {
            @Override public long ticksPerUnit() { return 1; }

            @Override public long duration(Action action) { return action.type().isCompute() ? 1 : 0; }

            @Override public long messageDelay(Action send) { return 0; }

            @Override public String describe() { return "one step per F, B, I or W"; }
        };
    }
}
