package dev.ppc.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Tensor;
import dev.ppc.schedule.Schedule;
import dev.ppc.schedule.ScheduleKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential test of the runtime: a pipelined run equals running the stages one after another
 * on each microbatch, bit for bit, for 1 to 4 stages, 1, 2, 4 and 8 microbatches, and every kind of
 * inference schedule (one stage per core, several stages per core, all stages on one core, the
 * forward part of GPipe and 1F1B, an order that makes messages arrive out of order, and uneven
 * placements where a connection that skips a stage crosses cores without its own SEND_F or RECV_F).
 */
class PipelineEquivalenceTest {
    private static final int ROWS = 3;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        Map<String, BiFunction<Integer, Integer, Schedule>> kinds = new LinkedHashMap<>();
        kinds.put("forward", TestSchedules::forward);
        kinds.put("forward, all stages on one core", (s, m) -> TestSchedules.forwardVirtual(1, m, s));
        kinds.put("forward, two stages per core", (s, m) -> s % 2 == 0 ? TestSchedules.forwardVirtual(s / 2, m, 2) : null);
        kinds.put("gpipe forward part", (s, m) -> TestSchedules.forwardPartOf(ScheduleKind.GPIPE, s, m));
        kinds.put("1f1b forward part", (s, m) -> TestSchedules.forwardPartOf(ScheduleKind.ONE_F_ONE_B, s, m));
        kinds.put("descending microbatches", TestSchedules::reversed);
        // With 3 or 4 stages the skip connection 0 -> 2 crosses cores, received by stage 2's F (no RECV_F
        // of stage 2 on [0,1,1]) or sent right after stage 0's F (no SEND_F of stage 0 on [0,0,1]).
        kinds.put("placement 0|1..", (s, m) -> s >= 3 ? TestSchedules.placed(s == 3 ? new int[] {0, 1, 1} : new int[] {0, 1, 1, 1}, m) : null);
        kinds.put("placement 0,1|2..", (s, m) -> s >= 3 ? TestSchedules.placed(s == 3 ? new int[] {0, 0, 1} : new int[] {0, 0, 1, 1}, m) : null);
        for (int stages = 1; stages <= 4; stages++) {
            for (int m : new int[] {1, 2, 4, 8}) {
                for (Map.Entry<String, BiFunction<Integer, Integer, Schedule>> k : kinds.entrySet()) {
                    Schedule schedule = k.getValue().apply(stages, m);
                    if (schedule != null) cases.add(Arguments.of(k.getKey(), stages, m, schedule));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1} stages, {2} microbatches")
    @MethodSource("cases")
    void pipelinedEqualsSequentialBitForBit(String kind, int stages, int m, Schedule schedule) {
        ChainModel model = new ChainModel(stages, m, ROWS);
        try (Pipeline p = Pipeline.create(model.spec(schedule, model.newStages()))) {
            // Two runs with different data: the second reuses the first's channel buffers.
            for (long seed = 1; seed <= 2; seed++) {
                Map<String, Tensor> inputs = model.inputs(seed);
                Map<String, Tensor> expected = model.reference(inputs);
                Map<String, Tensor> actual = p.run(inputs);
                for (String name : List.of("y", "aux")) {
                    assertTrue(Tensor.bitwiseEqual(expected.get(name), actual.get(name)),
                            () -> kind + ": output '" + name + "' differs: expected " + expected.get(name) + ", got " + actual.get(name));
                }
            }
        }
    }
}
