package dev.ppc.schedule;

/**
 * A request for a generated schedule: which kind, for how many pipeline stages (one per core),
 * microbatches and virtual stages per core.
 *
 * <p>{@code stages} is the pipeline depth {@code p}, which is also the number of cores; with
 * {@code virtual = v > 1} (interleaved 1F1B) the model is cut into {@code p*v} (virtual) stages and
 * core {@code r} holds stages {@code r, r+p, ..., r+(v-1)p}. The constructor rejects combinations
 * a generator cannot honour, with a message that says what would work.
 *
 * @param kind          the schedule family; not {@link ScheduleKind#CUSTOM}
 * @param stages        pipeline depth p (cores), at least 1
 * @param microbatches  microbatches m per step, at least 1
 * @param virtual       virtual stages v per core, at least 1; above 1 only for interleaved and forward
 * @param reduceTied    whether to all-reduce tied weights between the first and last stage before
 *                      the optimizer step (a tied embedding and LM head)
 */
public record ScheduleSpec(ScheduleKind kind, int stages, int microbatches, int virtual, boolean reduceTied) {
    /** Upper bound on stages x virtual x microbatches: far beyond real pipelines, small enough to simulate. */
    static final long MAX_WORK = 1_000_000;

    public ScheduleSpec {
        if (kind == null) throw new ScheduleException("a schedule kind is required; expected one of " + ScheduleKind.generatedNames());
        if (!kind.isGenerated())
            throw new ScheduleException("'" + kind + "' schedules are imported, not generated; use one of " + ScheduleKind.generatedNames());
        if (stages < 1) throw new ScheduleException("the number of stages must be at least 1, got " + stages);
        if (microbatches < 1) throw new ScheduleException("the number of microbatches must be at least 1, got " + microbatches);
        if (virtual < 1) throw new ScheduleException("the number of virtual stages per core must be at least 1, got " + virtual);
        if ((long) stages * virtual * microbatches > MAX_WORK)
            throw new ScheduleException("stages x virtual x microbatches = " + (long) stages * virtual * microbatches
                    + " is too large to generate (at most " + MAX_WORK + ")");
        if (virtual > 1 && kind != ScheduleKind.INTERLEAVED && kind != ScheduleKind.FORWARD)
            throw new ScheduleException(kind + " puts one stage on each core, so it has no virtual stages (got virtual "
                    + virtual + "); use the interleaved kind for virtual > 1, or virtual 1");
        if (kind == ScheduleKind.INTERLEAVED && virtual > 1 && microbatches % stages != 0) {
            int below = microbatches / stages * stages;
            String options = below > 0 ? below + " or " + (below + stages) : Integer.toString(below + stages);
            throw new ScheduleException("interleaved 1F1B (Megatron's virtual pipeline) needs the number of microbatches to be a multiple of the "
                    + "number of stages: " + microbatches + " microbatches on " + stages + " stages does not work; use "
                    + options + " microbatches, virtual 1, or the 1f1b kind");
        }
        if (reduceTied && !kind.isTraining())
            throw new ScheduleException("tied-weight reduction needs gradients, and a " + kind + " schedule has none");
    }

    /** A spec without tied-weight reduction. */
    public static ScheduleSpec of(ScheduleKind kind, int stages, int microbatches, int virtual) {
        return new ScheduleSpec(kind, stages, microbatches, virtual, false);
    }

    /** Total number of (virtual) stages, {@code stages * virtual}. */
    public int stageCount() { return stages * virtual; }
}
