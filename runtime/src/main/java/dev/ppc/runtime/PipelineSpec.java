package dev.ppc.runtime;

import dev.ppc.backend.ExecutableStage;
import dev.ppc.ir.TensorType;
import dev.ppc.schedule.Schedule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link Pipeline} needs to run a pipelined model, as a validated value: the schedule,
 * the stages with their port bindings, the channels between stages, and the model's inputs and
 * outputs with their full-batch types.
 *
 * <p>Model inputs and outputs are batched along their batch axis (axis 0 unless
 * {@code batchAxes} says otherwise): a full batch of {@code B} samples is split into
 * {@link #microbatches()} microbatches of {@code B / m} samples, and each stage port bound to a
 * model value has the microbatch type (the batch axis divided by m). The number of microbatches is
 * the schedule's; the spec has no second copy of it that could disagree.
 *
 * <p>The constructor checks the whole spec against the schedule and the stages' declared ports and
 * throws an {@link IllegalArgumentException} listing every problem it finds (see
 * {@link SpecValidator}), so a pipeline never starts from an inconsistent description.
 *
 * @param schedule  an inference schedule (only F, SEND_F and RECV_F), valid by {@link dev.ppc.schedule.ScheduleValidator}
 * @param stages    one entry per schedule stage, in any order
 * @param channels  every channel the stages send on and receive from
 * @param inputs    model input name to full-batch type, in the order callers should list them
 * @param outputs   model output name to full-batch type, in the order {@link Pipeline#run} returns them
 * @param batchAxes the batch axis of model inputs and outputs by name; values not named are batched along axis 0
 */
public record PipelineSpec(Schedule schedule, List<StageSpec> stages, List<ChannelSpec> channels,
                           Map<String, TensorType> inputs, Map<String, TensorType> outputs, Map<String, Integer> batchAxes) {
    public PipelineSpec {
        if (schedule == null) throw new IllegalArgumentException("a pipeline needs a schedule");
        stages = List.copyOf(stages);
        channels = List.copyOf(channels);
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        batchAxes = Collections.unmodifiableMap(new LinkedHashMap<>(batchAxes));
        SpecValidator.requireValid(schedule, stages, channels, inputs, outputs, batchAxes);
    }

    /** A spec whose model values are all batched along axis 0. */
    public PipelineSpec(Schedule schedule, List<StageSpec> stages, List<ChannelSpec> channels,
                        Map<String, TensorType> inputs, Map<String, TensorType> outputs) {
        this(schedule, stages, channels, inputs, outputs, Map.of());
    }

    /** Microbatches per run: the schedule's m. */
    public int microbatches() { return schedule.microbatches(); }

    /** Number of cores (worker threads): the schedule's pipeline depth p. */
    public int cores() { return schedule.cores(); }

    /** The stage with id {@code stage}. */
    public StageSpec stage(int stage) {
        for (StageSpec s : stages) if (s.stage() == stage) return s;
        throw new IllegalArgumentException("no stage " + stage + " in this pipeline");
    }

    /** The batch axis of model input or output {@code name}. */
    public int batchAxis(String name) { return batchAxes.getOrDefault(name, 0); }

    /** The type of one microbatch of model input or output {@code name}. */
    public TensorType microbatchType(String name) {
        TensorType full = inputs.containsKey(name) ? inputs.get(name) : outputs.get(name);
        if (full == null) throw new IllegalArgumentException("'" + name + "' is neither a model input nor a model output");
        return MicrobatchSplitter.microbatchType(full, microbatches(), batchAxis(name));
    }

    /** A builder that collects the parts of a spec for {@code schedule}. */
    public static Builder builder(Schedule schedule) { return new Builder(schedule); }

    /** Collects stages, channels, inputs and outputs; {@link #build()} validates them. */
    public static final class Builder {
        private final Schedule schedule;
        private final List<StageSpec> stages = new ArrayList<>();
        private final List<ChannelSpec> channels = new ArrayList<>();
        private final Map<String, TensorType> inputs = new LinkedHashMap<>();
        private final Map<String, TensorType> outputs = new LinkedHashMap<>();
        private final Map<String, Integer> batchAxes = new LinkedHashMap<>();

        private Builder(Schedule schedule) { this.schedule = schedule; }

        /** Declares model input {@code name} with its full-batch type (batch along axis 0). */
        public Builder input(String name, TensorType fullBatchType) { return input(name, fullBatchType, 0); }

        /** Declares model input {@code name} with its full-batch type, batched along {@code batchAxis}. */
        public Builder input(String name, TensorType fullBatchType, int batchAxis) {
            if (inputs.putIfAbsent(name, fullBatchType) != null) throw new IllegalArgumentException("model input '" + name + "' is declared twice");
            batchAxes.put(name, batchAxis);
            return this;
        }

        /** Declares model output {@code name} with its full-batch type (batch along axis 0). */
        public Builder output(String name, TensorType fullBatchType) { return output(name, fullBatchType, 0); }

        /** Declares model output {@code name} with its full-batch type, batched along {@code batchAxis}. */
        public Builder output(String name, TensorType fullBatchType, int batchAxis) {
            if (outputs.putIfAbsent(name, fullBatchType) != null) throw new IllegalArgumentException("model output '" + name + "' is declared twice");
            if (batchAxes.containsKey(name) && batchAxes.get(name) != batchAxis)
                throw new IllegalArgumentException("'" + name + "' is a model input batched along axis " + batchAxes.get(name)
                        + " and an output batched along axis " + batchAxis);
            batchAxes.put(name, batchAxis);
            return this;
        }

        /** Declares a channel from {@code srcStage} to {@code dstStage} carrying one microbatch of {@code type}. */
        public Builder channel(int id, int srcStage, int dstStage, TensorType microbatchType) {
            channels.add(new ChannelSpec(id, srcStage, dstStage, microbatchType));
            return this;
        }

        /** Adds a stage with explicit bindings. */
        public Builder stage(StageSpec stage) {
            stages.add(stage);
            return this;
        }

        /**
         * Adds stage {@code stage} on the core the schedule places it on, its ports bound by their
         * own names and channel ids ({@link StageSpec#fromPorts}).
         */
        public Builder stage(int stage, ExecutableStage executable) {
            if (stage < 0 || stage >= schedule.stageCount())
                throw new IllegalArgumentException("stage " + stage + " is not in the schedule, which has stages 0 to " + (schedule.stageCount() - 1));
            return stage(StageSpec.fromPorts(stage, schedule.stageToCore(stage), executable));
        }

        /** The validated spec. */
        public PipelineSpec build() { return new PipelineSpec(schedule, stages, channels, inputs, outputs, batchAxes); }
    }
}
