/**
 * The pipeline runtime: runs a compiled, pipeline-parallel model by interpreting its schedule.
 *
 * <p>A {@link dev.ppc.runtime.PipelineSpec} says what there is to run: the executable stages and the
 * core each runs on, where every stage port's value comes from and goes to (a model input or output,
 * or a channel between stages), the model's full-batch inputs and outputs, and the
 * {@link dev.ppc.schedule.Schedule} (an inference schedule: only {@code F}, {@code SEND_F} and
 * {@code RECV_F} actions). {@link dev.ppc.runtime.Pipeline#create} starts one worker thread per core;
 * {@link dev.ppc.runtime.Pipeline#run} splits the batch into microbatch views, lets every worker run
 * its core's action list, and returns the outputs, which the last stages wrote in place.
 *
 * <p>The runtime decides nothing: the order of work is the schedule's, the placement of stages is
 * the schedule's, and the computation is the backend's. What it owns is the mechanics: threads,
 * zero-copy microbatch views, channels with recycled buffers, cancellation when anything fails, a
 * watchdog that turns a stall into an error, and a trace of what really ran.
 *
 * <p>Numbering is 0-based everywhere (cores, stages, microbatches, steps), as in the schedule module.
 */
package dev.ppc.runtime;
