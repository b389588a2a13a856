package dev.ppc.schedule;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the reading of a bundle's {@code schedule.json} (docs/fuzzing.md), as the runtime does
 * it: read, validate, and for a valid schedule simulate it. Any text is either a schedule or
 * refused with a {@link ScheduleException}; validation reports problems instead of throwing, and
 * a valid schedule simulates. Anything else that escapes, an {@link Error} or a hang is a bug.
 */
class ScheduleJsonFuzzTest {
    /** Larger inputs only add actions, each read by the same code. */
    private static final int MAX_INPUT_BYTES = 1 << 16;

    @FuzzTest
    void readValidateSimulate(byte[] input) {
        if (input.length > MAX_INPUT_BYTES) return;
        Schedule schedule;
        try {
            schedule = ScheduleJson.read(new String(input, StandardCharsets.UTF_8));
        } catch (ScheduleException userError) {
            return;
        }
        if (ScheduleValidator.validate(schedule).isValid()) ScheduleSimulator.simulate(schedule, CostModel.unitSteps());
    }
}
