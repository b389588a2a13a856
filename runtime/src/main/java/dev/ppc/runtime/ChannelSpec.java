package dev.ppc.runtime;

import dev.ppc.ir.TensorType;

/**
 * One channel of the pipeline: a value that stage {@code srcStage} computes and stage
 * {@code dstStage} consumes, once per microbatch. Channels are what {@code ppc.send}/{@code ppc.recv}
 * pairs compile to; the id is theirs. A value used by several later stages travels on one channel
 * per consumer, and a channel may skip stages (a residual from stage 0 to stage 2).
 *
 * @param id        the channel id, as the stages' send and receive ports name it
 * @param srcStage  the stage that sends
 * @param dstStage  the stage that receives; later than {@code srcStage}, since inference only flows forward
 * @param type      the static type of the value for one microbatch
 */
public record ChannelSpec(int id, int srcStage, int dstStage, TensorType type) {
    public ChannelSpec {
        if (id < 0) throw new IllegalArgumentException("channel ids are non-negative, got " + id);
        if (type == null || !type.isStatic())
            throw new IllegalArgumentException("channel " + id + " needs a static type, got " + type);
        if (srcStage < 0 || dstStage <= srcStage)
            throw new IllegalArgumentException("channel " + id + " goes from stage " + srcStage + " to stage " + dstStage
                    + ", but values only flow forward, from a stage to a later one");
    }
}
