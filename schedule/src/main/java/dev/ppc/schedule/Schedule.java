package dev.ppc.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A pipeline schedule: for each core, the ordered list of actions it runs in one training (or
 * inference) step. Immutable; construction checks only the shape (stage-to-core map, counts),
 * {@link ScheduleValidator} checks the meaning.
 *
 * <p>Vocabulary: {@link #cores()} is the pipeline depth p; {@link #stageCount()} is the number of
 * (virtual) stages S, which is {@code p * v} for generated schedules; {@link #stageToCore(int)}
 * says where each stage lives. A step is a 0-based position in a core's action list.
 */
public final class Schedule {
    private static final long MAX_STAGE_MICROBATCHES = 1L << 24;

    private final ScheduleKind kind;
    private final int cores;
    private final int virtual;
    private final int microbatches;
    private final boolean training;
    private final int[] stageToCore;
    private final List<List<Action>> actions;

    /**
     * @param kind          the family the schedule belongs to ({@link ScheduleKind#CUSTOM} if imported)
     * @param virtual       virtual stages per core as generated; for imported schedules, the most
     *                      stages any core holds
     * @param microbatches  microbatches per step
     * @param training      whether the schedule has backward passes
     * @param stageToCore   for each stage, the core that runs it
     * @param actions       for each core, its actions in order
     */
    public Schedule(ScheduleKind kind, int virtual, int microbatches, boolean training, int[] stageToCore,
                    List<List<Action>> actions) {
        if (kind == null) throw new IllegalArgumentException("kind is required");
        if (actions.isEmpty()) throw new ScheduleException("a schedule needs at least one core");
        if (stageToCore.length == 0) throw new ScheduleException("a schedule needs at least one stage");
        if (microbatches < 1) throw new ScheduleException("a schedule needs at least one microbatch, got " + microbatches);
        if (virtual < 1) throw new ScheduleException("virtual stages per core must be at least 1, got " + virtual);
        // Validation keeps a table of stages x microbatches; refuse sizes no pipeline has.
        if ((long) stageToCore.length * microbatches > MAX_STAGE_MICROBATCHES)
            throw new ScheduleException(stageToCore.length + " stages x " + microbatches + " microbatches is more than ppc handles ("
                    + MAX_STAGE_MICROBATCHES + ")");
        this.kind = kind;
        this.cores = actions.size();
        this.virtual = virtual;
        this.microbatches = microbatches;
        this.training = training;
        this.stageToCore = stageToCore.clone();
        for (int s = 0; s < stageToCore.length; s++) {
            if (stageToCore[s] < 0 || stageToCore[s] >= cores)
                throw new ScheduleException("stage " + s + " is mapped to core " + stageToCore[s] + ", but there are "
                        + cores + " cores");
        }
        List<List<Action>> copy = new ArrayList<>(cores);
        for (List<Action> list : actions) copy.add(List.copyOf(list));
        this.actions = List.copyOf(copy);
    }

    public ScheduleKind kind() { return kind; }

    /** Number of cores, the pipeline depth p. */
    public int cores() { return cores; }

    /** Virtual stages per core (v). */
    public int virtual() { return virtual; }

    /** Number of (virtual) stages S. */
    public int stageCount() { return stageToCore.length; }

    public int microbatches() { return microbatches; }

    public boolean training() { return training; }

    /** The core that runs stage {@code stage}. */
    public int stageToCore(int stage) { return stageToCore[stage]; }

    /** A copy of the stage-to-core map. */
    public int[] stageToCoreMap() { return stageToCore.clone(); }

    /** The stages core {@code core} holds, ascending. */
    public List<Integer> stagesOf(int core) {
        List<Integer> result = new ArrayList<>();
        for (int s = 0; s < stageToCore.length; s++) if (stageToCore[s] == core) result.add(s);
        return result;
    }

    /** Core {@code core}'s actions, in order. */
    public List<Action> actions(int core) { return actions.get(core); }

    /** All cores' action lists, indexed by core. */
    public List<List<Action>> allActions() { return actions; }

    /** Core {@code core}'s F, B, I and W actions, in order: what PyTorch's compact CSV holds. */
    public List<Action> computeActions(int core) {
        return actions.get(core).stream().filter(a -> a.type().isCompute()).toList();
    }

    /** Total number of actions over all cores. */
    public int size() { return actions.stream().mapToInt(List::size).sum(); }

    /** The same schedule under another kind label (e.g. to compare an import with its origin). */
    public Schedule withKind(ScheduleKind newKind) {
        return new Schedule(newKind, virtual, microbatches, training, stageToCore, actions);
    }

    /** One line: {@code 1f1b: 4 stages on 4 cores, 8 microbatches, training}. */
    public String describe() {
        String stages = virtual > 1 || stageCount() != cores
                ? stageCount() + " stages on " + cores + " cores (" + virtual + " per core)"
                : stageCount() + " stages on " + cores + " cores";
        return kind + ": " + stages + ", " + microbatches + " microbatches, " + (training ? "training" : "inference");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && kind == s.kind && virtual == s.virtual && microbatches == s.microbatches
                && training == s.training && Arrays.equals(stageToCore, s.stageToCore) && actions.equals(s.actions);
    }

    @Override
    public int hashCode() { return actions.hashCode() * 31 + Arrays.hashCode(stageToCore); }

    @Override
    public String toString() { return describe(); }
}
