package dev.ppc.schedule;

/**
 * Produces a schedule of one family for a {@link ScheduleSpec}. Implementations decide the order
 * of compute actions on every core and leave sends, receives, loss and tail to
 * {@link CommunicationLowering}.
 */
public interface ScheduleGenerator {
    /** The schedule for {@code spec}; {@code spec.kind()} is this generator's kind. */
    Schedule generate(ScheduleSpec spec);
}
