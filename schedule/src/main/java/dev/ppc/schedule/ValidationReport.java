package dev.ppc.schedule;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link ScheduleValidator} found: nothing (a valid schedule), structural or ordering
 * problems, or a deadlock (then {@link #problems()} lists every core that waits forever).
 */
public record ValidationReport(List<ScheduleProblem> problems, boolean deadlock) {
    public ValidationReport {
        problems = List.copyOf(problems);
    }

    public static ValidationReport ok() { return new ValidationReport(List.of(), false); }

    public boolean isValid() { return problems.isEmpty(); }

    /** One line: {@code "schedule deadlocks: core 0, step 0: ...; core 1, step 0: ..."}. */
    public String summary() {
        if (problems.isEmpty()) return "schedule is valid";
        String body = problems.stream().map(ScheduleProblem::toString).collect(Collectors.joining("; "));
        return (deadlock ? "schedule deadlocks: " : "invalid schedule: ") + body;
    }

    /** Throws a {@link ScheduleException} with {@link #summary()} unless the schedule is valid. */
    public void throwIfInvalid() {
        if (!isValid()) throw new ScheduleException(summary());
    }
}
