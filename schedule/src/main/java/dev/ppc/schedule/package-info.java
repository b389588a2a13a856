/**
 * Pipeline schedules as validated data.
 *
 * <p>A {@link dev.ppc.schedule.Schedule} says, for every core, the ordered list of
 * {@link dev.ppc.schedule.Action actions} it runs: forward and backward passes of its (virtual)
 * stages for each microbatch, the sends and receives between stages, the loss, the tied-weight
 * reduction and the optimizer step. The compiler emits a schedule ({@code schedule.json} in the
 * bundle) and the runtime only interprets it.
 *
 * <p>What lives here: the model ({@link dev.ppc.schedule.Action}, {@link dev.ppc.schedule.Schedule}),
 * the generators ({@link dev.ppc.schedule.Schedules#generate}), the
 * {@link dev.ppc.schedule.ScheduleValidator validator} that proves a schedule matches every send
 * with a receive and cannot deadlock, the {@link dev.ppc.schedule.ScheduleSimulator simulator} that
 * turns per-stage costs into a timeline, the bubble fraction and peak in-flight microbatches, and
 * the codecs and pictures: {@link dev.ppc.schedule.ScheduleJson}, {@link dev.ppc.schedule.PyTorchCsv},
 * {@link dev.ppc.schedule.SvgTimelineRenderer} and {@link dev.ppc.schedule.ChromeTraceWriter}.
 *
 * <p>Numbering: cores, stages, microbatches and steps (positions in a core's action list) are all
 * 0-based, everywhere, including error messages, CSV, JSON and pictures.
 */
package dev.ppc.schedule;
