package dev.ppc.schedule;

import java.util.ArrayList;
import java.util.List;

/** Entry point for generating schedules: picks the generator for a {@link ScheduleSpec}'s kind. */
public final class Schedules {
    private Schedules() { }

    /** Generates the schedule {@code spec} asks for. */
    public static Schedule generate(ScheduleSpec spec) { return generatorFor(spec.kind()).generate(spec); }

    /** Shorthand for {@code generate(ScheduleSpec.of(kind, stages, microbatches, virtual))}. */
    public static Schedule generate(ScheduleKind kind, int stages, int microbatches, int virtual) {
        return generate(ScheduleSpec.of(kind, stages, microbatches, virtual));
    }

    /** The generator for a kind; {@link ScheduleKind#CUSTOM} has none. */
    public static ScheduleGenerator generatorFor(ScheduleKind kind) {
        return switch (kind) {
            case FORWARD -> new ForwardOnlyGenerator();
            case GPIPE -> new GPipeGenerator();
            case ONE_F_ONE_B -> new OneFOneBGenerator();
            case INTERLEAVED -> new InterleavedOneFOneBGenerator();
            case ZB_H1 -> new ZeroBubbleH1Generator();
            case CUSTOM -> throw new ScheduleException("custom schedules are imported, not generated");
        };
    }

    /** Megatron's looped placement: stage s runs on core s mod p. */
    static int[] loopedStageToCore(int cores, int virtual) {
        int[] map = new int[cores * virtual];
        for (int s = 0; s < map.length; s++) map[s] = s % cores;
        return map;
    }

    /** An empty compute order, one list per core. */
    static List<List<Action>> emptyOrder(int cores) {
        List<List<Action>> order = new ArrayList<>(cores);
        for (int c = 0; c < cores; c++) order.add(new ArrayList<>());
        return order;
    }
}
