package dev.ppc.runtime;

import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.Tensor;
import dev.ppc.schedule.Schedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A stage with its bindings resolved for its worker: for each port, the index of the model input or
 * output it reads or writes, or the {@link Channel} it receives from or sends on; plus the argument
 * arrays its worker reuses for every call, so running a stage allocates nothing.
 *
 * <p>It also records which channels cross to other cores, because that is what the schedule's
 * {@code RECV_F} and {@code SEND_F} of this stage move: a {@code RECV_F(s, mb)} receives every
 * cross-core channel into stage s, a {@code SEND_F(s, mb)} sends every cross-core channel out of it.
 * When the next stage runs on the same core the schedule has no {@code SEND_F} for this stage, and
 * cross-core channels that skip ahead are sent right after the F instead.
 */
final class BoundStage {
    final int stage;
    final ExecutableStage executable;
    /** Per input port: the model input index, or -1 for a channel. */
    final int[] inputModel;
    /** Per input port: the channel, or null for a model input. */
    final Channel[] inputChannel;
    /** Per output port: the model output index, or -1 for a channel. */
    final int[] outputModel;
    /** Per output port: the channel, or null for a model output. */
    final Channel[] outputChannel;
    /** Channels into this stage from other cores: what its RECV_F receives. */
    final Channel[] remoteIn;
    /** Channels out of this stage to other cores: what its SEND_F sends. */
    final Channel[] remoteOut;
    /** Whether the schedule sends this stage's outputs (next stage on another core), else F does. */
    final boolean scheduleSends;
    final Tensor[] inputArgs;
    final Tensor[] outputArgs;

    BoundStage(StageSpec spec, Schedule schedule, ChannelTable channels, Map<String, Integer> inputIndex,
               Map<String, Integer> outputIndex) {
        this.stage = spec.stage();
        this.executable = spec.executable();
        int nIn = spec.inputs().size();
        int nOut = spec.outputs().size();
        inputModel = new int[nIn];
        inputChannel = new Channel[nIn];
        outputModel = new int[nOut];
        outputChannel = new Channel[nOut];
        List<Channel> in = new ArrayList<>();
        List<Channel> out = new ArrayList<>();
        for (int i = 0; i < nIn; i++) {
            PortBinding b = spec.inputs().get(i);
            inputModel[i] = b.isChannel() ? -1 : inputIndex.get(b.modelName());
            inputChannel[i] = b.isChannel() ? channels.get(b.channel()) : null;
            if (inputChannel[i] != null && !inputChannel[i].isLocal()) in.add(inputChannel[i]);
        }
        for (int i = 0; i < nOut; i++) {
            PortBinding b = spec.outputs().get(i);
            outputModel[i] = b.isChannel() ? -1 : outputIndex.get(b.modelName());
            outputChannel[i] = b.isChannel() ? channels.get(b.channel()) : null;
            if (outputChannel[i] != null && !outputChannel[i].isLocal()) out.add(outputChannel[i]);
        }
        remoteIn = in.toArray(new Channel[0]);
        remoteOut = out.toArray(new Channel[0]);
        int next = stage + 1;
        scheduleSends = next < schedule.stageCount() && schedule.stageToCore(next) != schedule.stageToCore(stage);
        inputArgs = new Tensor[nIn];
        outputArgs = new Tensor[nOut];
    }
}
