package dev.ppc.runtime;

import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.Port;
import dev.ppc.ir.TensorType;
import dev.ppc.schedule.Action;
import dev.ppc.schedule.ActionType;
import dev.ppc.schedule.Schedule;
import dev.ppc.schedule.ScheduleValidator;
import dev.ppc.schedule.ValidationReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@link PipelineSpec} before anything runs: the schedule is a valid inference schedule,
 * every schedule stage has exactly one {@link StageSpec} on the schedule's core, every port is bound
 * to something that exists and has the port's type, every channel has one sender and one receiver,
 * and every model output is produced exactly once.
 *
 * <p>Problems are collected rather than thrown one by one, so a compiler bug that breaks many
 * bindings shows up as one message that lists them (up to {@link #MAX_REPORTED}).
 *
 * <p>What it does not need to check, and why: with buffered sends (every channel has room for all m
 * messages, see {@link Channel}) a worker only ever blocks on a receive. The
 * {@link ScheduleValidator} proves that every receive of the schedule is matched by a send that runs
 * earlier in a deadlock-free order; a channel that skips stages (s to s+2) is sent when its stage's
 * {@code SEND_F} runs (or right after its F when the next stage is on the same core), which that same
 * order places before the consumer's F, because the consumer's F transitively waits for the
 * producer's. So a valid schedule stays deadlock-free with any forward channels.
 */
final class SpecValidator {
    static final int MAX_REPORTED = 12;

    private final Schedule schedule;
    private final Map<String, Integer> batchAxes;
    private final List<String> problems = new ArrayList<>();

    private SpecValidator(Schedule schedule, Map<String, Integer> batchAxes) {
        this.schedule = schedule;
        this.batchAxes = batchAxes;
    }

    private int axis(String name) { return batchAxes.getOrDefault(name, 0); }

    /** Whether {@code t} is static and splits into the schedule's microbatches along {@code axis} (else checkModelValues reports it). */
    private boolean splits(TensorType t, int axis) {
        return t != null && t.isStatic() && axis >= 0 && axis < t.rank() && t.shape()[axis] != 0 && t.shape()[axis] % schedule.microbatches() == 0;
    }

    static void requireValid(Schedule schedule, List<StageSpec> stages, List<ChannelSpec> channels,
                             Map<String, TensorType> inputs, Map<String, TensorType> outputs, Map<String, Integer> batchAxes) {
        SpecValidator v = new SpecValidator(schedule, batchAxes);
        if (!v.checkSchedule()) v.throwIfInvalid();
        Map<Integer, ChannelSpec> channelById = v.checkChannels(channels);
        v.checkModelValues("input", inputs);
        v.checkModelValues("output", outputs);
        v.checkStages(stages, channelById, inputs, outputs);
        v.throwIfInvalid();
    }

    private void throwIfInvalid() {
        if (problems.isEmpty()) return;
        List<String> shown = problems.size() > MAX_REPORTED ? problems.subList(0, MAX_REPORTED) : problems;
        String more = problems.size() > MAX_REPORTED ? "; and " + (problems.size() - MAX_REPORTED) + " more" : "";
        throw new IllegalArgumentException("invalid pipeline spec: " + String.join("; ", shown) + more);
    }

    /** The runtime runs inference: only F, SEND_F and RECV_F. Then the schedule module's validator. */
    private boolean checkSchedule() {
        for (int c = 0; c < schedule.cores(); c++) {
            List<Action> actions = schedule.actions(c);
            for (int k = 0; k < actions.size(); k++) {
                ActionType t = actions.get(k).type();
                if (t != ActionType.F && t != ActionType.SEND_F && t != ActionType.RECV_F) {
                    problems.add("the schedule (" + schedule.describe() + ") has " + actions.get(k) + " at core " + c + ", step " + k
                            + ", but the runtime runs inference only (F, SEND_F and RECV_F); training is not supported yet: use a "
                            + "forward schedule");
                    return false;
                }
            }
        }
        if (schedule.training()) {
            problems.add("the schedule (" + schedule.describe() + ") is marked as training, but the runtime runs inference only; "
                    + "use a forward schedule");
            return false;
        }
        ValidationReport report = ScheduleValidator.validate(schedule);
        if (!report.isValid()) {
            problems.add(report.summary());
            return false;
        }
        return true;
    }

    private Map<Integer, ChannelSpec> checkChannels(List<ChannelSpec> channels) {
        Map<Integer, ChannelSpec> byId = new HashMap<>();
        int stageCount = schedule.stageCount();
        for (ChannelSpec ch : channels) {
            if (byId.putIfAbsent(ch.id(), ch) != null) problems.add("channel " + ch.id() + " is declared twice");
            if (ch.dstStage() >= stageCount)
                problems.add("channel " + ch.id() + " goes to stage " + ch.dstStage() + ", but the schedule has stages 0 to " + (stageCount - 1));
        }
        return byId;
    }

    private void checkModelValues(String what, Map<String, TensorType> values) {
        int m = schedule.microbatches();
        for (Map.Entry<String, TensorType> e : values.entrySet()) {
            TensorType t = e.getValue();
            String name = "model " + what + " '" + e.getKey() + "'";
            int axis = axis(e.getKey());
            if (t == null || !t.isStatic()) {
                problems.add(name + " needs a static type, got " + t);
            } else if (t.rank() == 0) {
                problems.add(name + " is a scalar (" + t + "), but model values are batched along an axis");
            } else if (axis < 0 || axis >= t.rank()) {
                problems.add(name + " (" + t + ") has no batch axis " + axis);
            } else if (t.shape()[axis] == 0 || t.shape()[axis] % m != 0) {
                problems.add(name + " has batch " + t.shape()[axis] + " along axis " + axis + " (" + t + "), which does not split into the schedule's "
                        + m + " microbatches");
            }
        }
    }

    private void checkStages(List<StageSpec> stages, Map<Integer, ChannelSpec> channels,
                             Map<String, TensorType> inputs, Map<String, TensorType> outputs) {
        int stageCount = schedule.stageCount();
        StageSpec[] byId = new StageSpec[stageCount];
        Map<ExecutableStage, StageSpec> owners = new IdentityHashMap<>();
        for (StageSpec s : stages) {
            if (s.stage() < 0 || s.stage() >= stageCount) {
                problems.add("stage " + s.stage() + " is given, but the schedule has stages 0 to " + (stageCount - 1));
                continue;
            }
            if (byId[s.stage()] != null) {
                problems.add("stage " + s.stage() + " is given twice");
                continue;
            }
            byId[s.stage()] = s;
            if (s.core() != schedule.stageToCore(s.stage()))
                problems.add("stage " + s.stage() + " is placed on core " + s.core() + ", but the schedule runs it on core "
                        + schedule.stageToCore(s.stage()));
            StageSpec other = owners.putIfAbsent(s.executable(), s);
            if (other != null && other.core() != s.core())
                problems.add("stages " + other.stage() + " and " + s.stage() + " share one ExecutableStage but run on different cores "
                        + "(an executable stage runs on one thread at a time): give each its own");
        }
        for (int s = 0; s < stageCount; s++) if (byId[s] == null) problems.add("stage " + s + " of the schedule has no StageSpec");

        Map<Integer, Integer> senders = new HashMap<>();
        Map<Integer, Integer> receivers = new HashMap<>();
        Map<String, Integer> producers = new HashMap<>();
        for (StageSpec s : byId) {
            if (s == null) continue;
            checkPorts(s, true, s.executable().inputs(), s.inputs(), channels, inputs, receivers, null);
            checkPorts(s, false, s.executable().outputs(), s.outputs(), channels, outputs, senders, producers);
        }
        for (ChannelSpec ch : channels.values()) {
            if (!senders.containsKey(ch.id()))
                problems.add("channel " + ch.id() + " has no sender: no output port of stage " + ch.srcStage() + " is bound to it");
            if (!receivers.containsKey(ch.id()))
                problems.add("channel " + ch.id() + " has no receiver: no input port of stage " + ch.dstStage() + " is bound to it");
        }
        for (String name : outputs.keySet()) {
            if (!producers.containsKey(name)) problems.add("model output '" + name + "' is not produced by any stage");
        }
    }

    /**
     * Checks one side (inputs or outputs) of a stage. {@code uses} counts, per channel id, the ports
     * bound to it on this side of all stages; {@code producers} (outputs only) records which stage
     * writes each model output.
     */
    private void checkPorts(StageSpec s, boolean input, List<Port> ports, List<PortBinding> bindings,
                            Map<Integer, ChannelSpec> channels, Map<String, TensorType> modelValues,
                            Map<Integer, Integer> uses, Map<String, Integer> producers) {
        String side = input ? "input" : "output";
        if (ports.size() != bindings.size()) {
            problems.add("stage " + s.stage() + " has " + ports.size() + " " + side + " ports but " + bindings.size() + " " + side
                    + " bindings");
            return;
        }
        for (int i = 0; i < ports.size(); i++) {
            Port port = ports.get(i);
            PortBinding b = bindings.get(i);
            String where = "stage " + s.stage() + " " + side + " port " + i + " ('" + port.name() + "', " + port.type() + ")";
            if (!port.type().isStatic()) {
                problems.add(where + " has no static type");
                continue;
            }
            TensorType expected;
            if (b.isChannel()) {
                ChannelSpec ch = channels.get(b.channel());
                if (ch == null) {
                    problems.add(where + " is bound to channel " + b.channel() + ", which is not declared");
                    continue;
                }
                int end = input ? ch.dstStage() : ch.srcStage();
                if (end != s.stage())
                    problems.add(where + (input ? " receives from" : " sends on") + " channel " + ch.id() + ", but that channel "
                            + (input ? "goes to" : "comes from") + " stage " + end);
                Integer previous = uses.put(ch.id(), s.stage());
                if (previous != null)
                    problems.add(where + " is bound to channel " + ch.id() + ", which stage " + previous + " already "
                            + (input ? "receives from" : "sends on") + "; a channel has one sender and one receiver");
                expected = ch.type();
            } else {
                TensorType full = modelValues.get(b.modelName());
                if (full == null) {
                    problems.add(where + " is bound to model " + side + " '" + b.modelName() + "', which is not declared (declared: "
                            + (modelValues.isEmpty() ? "none" : "'" + String.join("', '", modelValues.keySet()) + "'") + ")");
                    continue;
                }
                if (producers != null) {
                    Integer previous = producers.put(b.modelName(), s.stage());
                    if (previous != null)
                        problems.add(where + " writes model output '" + b.modelName() + "', which stage " + previous + " already writes");
                }
                if (!splits(full, axis(b.modelName()))) continue; // already reported by checkModelValues
                expected = MicrobatchSplitter.microbatchType(full, schedule.microbatches(), axis(b.modelName()));
            }
            if (!expected.equals(port.type()))
                problems.add(where + " is bound to " + b + " of microbatch type " + expected + "; the types must be equal");
        }
    }
}
