package dev.ppc.schedule;

/**
 * One thing wrong with a schedule, located at a core's step where there is one.
 *
 * @param core     the core the problem is on
 * @param step     0-based position in the core's action list, or {@code -1} when the problem is
 *                 something missing rather than an action in the wrong place
 * @param action   the action at that step, or the missing action
 * @param message  what is wrong, without the location (e.g. {@code "waits forever: no core sends it"})
 */
public record ScheduleProblem(int core, int step, Action action, String message) {
    /** {@code "core 1, step 4: RECV_F(stage 1, mb 2, from stage 0) waits forever: no core sends it"}. */
    @Override
    public String toString() {
        return step >= 0
                ? "core " + core + ", step " + step + ": " + action + " " + message
                : "core " + core + ": " + action + " " + message;
    }
}
