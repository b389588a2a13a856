package dev.ppc.passes.partition;

import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.text.IrPrinter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the partitioner decided, as a value: which ops run in which stage, every channel that
 * carries a value from one stage to another, and the groups of weights that several stages hold
 * copies of (tied groups). The bundle manifest, the report and {@code ppc inspect} are written from
 * it; {@link #validate} checks it against the partitioned module, as Glow's
 * {@code PartitionerValidation} does for its partitions.
 *
 * @param model      the name of the module that was partitioned
 * @param stages     the stages, stage k at index k
 * @param channels   every value that crosses from one stage to another, by channel id
 * @param tiedGroups weights that more than one stage holds (the same constant, or a copy of it)
 */
public record PartitionPlan(String model, List<Stage> stages, List<Channel> channels, List<TiedGroup> tiedGroups) {
    public PartitionPlan {
        stages = List.copyOf(stages);
        channels = List.copyOf(channels);
        tiedGroups = List.copyOf(tiedGroups);
    }

    /** An op of the unpartitioned function: its index in that function, its name and its node name. */
    public record OpRef(int index, String op, String location) {
        @Override
        public String toString() { return "#" + index + " " + op + (location != null ? " '" + location + "'" : ""); }
    }

    /**
     * One stage.
     *
     * @param index     the stage number, 0 first
     * @param function  the name of the stage's function in the partitioned module
     * @param ops       the ops assigned to this stage (ops computed from constants only are copied
     *                  into every stage that uses them and are not listed)
     * @param inputs    the model inputs this stage takes as parameters
     * @param outputs   the model outputs this stage returns
     * @param constants the module constants this stage's {@code ppc.constant} ops refer to
     */
    public record Stage(int index, String function, List<OpRef> ops, List<String> inputs, List<String> outputs, List<String> constants) {
        public Stage {
            ops = List.copyOf(ops);
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            constants = List.copyOf(constants);
        }
    }

    /** A value sent from stage {@code src} to stage {@code dst}; {@code value} is its name in the unpartitioned function. */
    public record Channel(int id, int src, int dst, String value, TensorType type) {}

    /** How a tied group's member relates to the group's first member. */
    public enum TieKind {
        /** The very same module constant, referenced from several stages. */
        SAME,
        /** A different constant with identical type and contents. */
        COPY,
        /** A different 2-D constant that holds the transpose of the first member (an LM head tied to an embedding). */
        TRANSPOSED_COPY;

        public String label() { return name().toLowerCase().replace('_', '-'); }
    }

    /** One stage's constant in a tied group. */
    public record TiedMember(int stage, String constant, TieKind kind) {}

    /** Weights held by several stages that are one parameter of the model (their gradients must be summed in training). */
    public record TiedGroup(int id, List<TiedMember> members) {
        public TiedGroup {
            members = List.copyOf(members);
        }
    }

    public int stageCount() { return stages.size(); }

    public List<Channel> channelsFrom(int stage) {
        List<Channel> out = new ArrayList<>();
        for (Channel c : channels) if (c.src == stage) out.add(c);
        return out;
    }

    public List<Channel> channelsInto(int stage) {
        List<Channel> out = new ArrayList<>();
        for (Channel c : channels) if (c.dst == stage) out.add(c);
        return out;
    }

    /**
     * Checks the plan against the partitioned module: stages numbered 0..P-1, each with a function
     * in the module and at least one op; no op in two stages; channel ids unique; every channel runs
     * from an earlier to a later stage (so the stage graph is a DAG and a forward pipeline can run
     * it); every channel has exactly one {@code ppc.send} in its source stage and one
     * {@code ppc.recv} in its destination, with matching attributes and types, and there are no
     * sends or receives on channels the plan does not list; tied groups span two or more stages and
     * name constants their stages use. Throws an {@link IllegalStateException} naming the first
     * violation: a failure here is a compiler bug, not bad input.
     */
    public void validate(Module partitioned) {
        if (stages.isEmpty()) fail("it has no stages");
        Map<Integer, String> opOwner = new HashMap<>();
        for (int k = 0; k < stages.size(); k++) {
            Stage s = stages.get(k);
            if (s.index != k) fail("stage at position " + k + " is numbered " + s.index);
            if (partitioned.function(s.function) == null) fail("stage " + k + "'s function @" + s.function + " is not in module @" + partitioned.name());
            if (s.ops.isEmpty()) fail("stage " + k + " has no ops");
            for (OpRef r : s.ops) {
                String before = opOwner.put(r.index, "stage " + k);
                if (before != null) fail("op " + r + " is assigned to " + before + " and stage " + k);
            }
        }
        Map<Integer, Channel> byId = new HashMap<>();
        for (Channel c : channels) {
            if (byId.put(c.id, c) != null) fail("channel id " + c.id + " is used twice");
            if (c.src < 0 || c.src >= stages.size() || c.dst < 0 || c.dst >= stages.size()) {
                fail("channel " + c.id + " connects stage " + c.src + " to stage " + c.dst + ", but there are " + stages.size() + " stages");
            }
            if (c.src >= c.dst) {
                fail("channel " + c.id + " runs from stage " + c.src + " to stage " + c.dst
                        + "; channels must run from earlier to later stages, or the stages do not form a forward DAG");
            }
        }
        Map<Integer, Integer> sends = new HashMap<>(), recvs = new HashMap<>();
        for (Stage s : stages) {
            Function f = partitioned.function(s.function);
            for (Op op : f.ops()) {
                boolean send = op.is("ppc", "send"), recv = op.is("ppc", "recv");
                if (!send && !recv) continue;
                int id = (int) op.intAttr("channel", -1);
                Channel c = byId.get(id);
                if (c == null) fail(op.qualifiedName() + " in stage " + s.index + " uses channel " + id + ", which the plan does not list");
                if (send) {
                    sends.merge(id, 1, Integer::sum);
                    if (c.src != s.index || op.intAttr("dst", -1) != c.dst) {
                        fail("channel " + id + " is sent from stage " + s.index + " to stage " + op.intAttr("dst", -1) + ", but the plan says "
                                + c.src + " -> " + c.dst);
                    }
                    if (!op.operand(0).type().equals(c.type)) {
                        fail("channel " + id + " sends " + IrPrinter.type(op.operand(0).type()) + ", but the plan says " + IrPrinter.type(c.type));
                    }
                } else {
                    recvs.merge(id, 1, Integer::sum);
                    if (c.dst != s.index || op.intAttr("src", -1) != c.src) {
                        fail("channel " + id + " is received in stage " + s.index + " from stage " + op.intAttr("src", -1) + ", but the plan says "
                                + c.src + " -> " + c.dst);
                    }
                    if (!op.result().type().equals(c.type)) {
                        fail("channel " + id + " receives " + IrPrinter.type(op.result().type()) + ", but the plan says " + IrPrinter.type(c.type));
                    }
                }
            }
        }
        for (Channel c : channels) {
            int ns = sends.getOrDefault(c.id, 0), nr = recvs.getOrDefault(c.id, 0);
            if (ns != 1) fail("channel " + c.id + " (%" + c.value + ", stage " + c.src + " -> " + c.dst + ") has " + ns + " ppc.send ops; it needs exactly 1");
            if (nr != 1) fail("channel " + c.id + " (%" + c.value + ", stage " + c.src + " -> " + c.dst + ") has " + nr + " ppc.recv ops; it needs exactly 1");
        }
        for (TiedGroup g : tiedGroups) {
            Set<Integer> spanned = new HashSet<>();
            for (TiedMember m : g.members) {
                if (m.stage < 0 || m.stage >= stages.size()) fail("tied group " + g.id + " names stage " + m.stage);
                if (!stages.get(m.stage).constants.contains(m.constant)) {
                    fail("tied group " + g.id + " names constant @" + m.constant + " in stage " + m.stage + ", which that stage does not use");
                }
                if (partitioned.constant(m.constant) == null) fail("tied group " + g.id + " names constant @" + m.constant + ", which the module does not define");
                spanned.add(m.stage);
            }
            if (spanned.size() < 2) fail("tied group " + g.id + " spans " + spanned.size() + " stage; a tied group spans at least 2");
        }
    }

    private static void fail(String why) { throw new IllegalStateException("invalid partition plan: " + why); }

    /** A readable dump, one fact per line (used by the FileCheck tests and {@code --print-ir-after=partition}). */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("plan @").append(model).append(": ").append(stages.size()).append(" stages, ").append(channels.size())
                .append(channels.size() == 1 ? " channel, " : " channels, ").append(tiedGroups.size())
                .append(tiedGroups.size() == 1 ? " tied group\n" : " tied groups\n");
        for (Stage s : stages) {
            sb.append("stage ").append(s.index).append(" @").append(s.function).append(": ").append(s.ops.size()).append(" ops, inputs ")
                    .append(s.inputs).append(", outputs ").append(s.outputs).append(", constants ").append(s.constants).append('\n');
            for (OpRef r : s.ops) sb.append("  op ").append(r).append('\n');
        }
        for (Channel c : channels) {
            sb.append("channel ").append(c.id).append(": stage ").append(c.src).append(" -> stage ").append(c.dst).append(", %")
                    .append(c.value).append(" : ").append(IrPrinter.type(c.type)).append('\n');
        }
        for (TiedGroup g : tiedGroups) {
            sb.append("tied ").append(g.id).append(':');
            for (int i = 0; i < g.members.size(); i++) {
                TiedMember m = g.members.get(i);
                sb.append(i > 0 ? "," : "").append(" stage ").append(m.stage).append(" @").append(m.constant).append(" (").append(m.kind.label()).append(')');
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
