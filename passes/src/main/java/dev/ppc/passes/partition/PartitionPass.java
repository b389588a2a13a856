package dev.ppc.passes.partition;

import dev.ppc.ir.Attribute;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.Value;
import dev.ppc.ir.verify.Verifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code partition} pass: cuts a module's entry function into pipeline stages and makes every
 * value that crosses a cut an explicit channel, a {@code ppc.send} in the stage that computes it
 * paired by channel id with a {@code ppc.recv} in each later stage that uses it.
 *
 * <p>With {@code --cuts 1} on a two-layer chain whose layers are scopes {@code l.0} and {@code l.1}:
 * <pre>
 *   func &#64;main(%x: f32[4,8]) {                       func &#64;stage0(%x: f32[4,8]) {
 *     %w0 = ppc.constant() {name = "w0"}                %w0 = ppc.constant() {name = "w0"}
 *     %w1 = ppc.constant() {name = "w1"}                %h = MatMul(%x, %w0) loc("/l.0/MatMul")
 *     %h = MatMul(%x, %w0) loc("/l.0/MatMul")           ppc.send(%h) {channel = 0, dst = 1}
 *     %y = MatMul(%h, %w1) loc("/l.1/MatMul")   ==>     return
 *     return y = %y                                   }
 *   }                                                 func &#64;stage1() {
 *                                                       %h = ppc.recv() {channel = 0, src = 0} : f32[4,8]
 *                                                       %w1 = ppc.constant() {name = "w1"}
 *                                                       %y = MatMul(%h, %w1) loc("/l.1/MatMul")
 *                                                       return y = %y
 *                                                     }
 * </pre>
 *
 * <p>Rules, all deterministic (the same module and cuts give the same text, byte for byte):
 * <ul>
 *   <li>Each op gets one stage ({@link StageAssignment}); ops computed from constants only are
 *       copied into every stage that uses them, never sent.</li>
 *   <li>A stage's parameters are the model inputs its ops use, in the model's order and under
 *       their names; a model input is never sent, each stage takes it directly.</li>
 *   <li>A value gets one channel per later stage that uses it, straight from the producing stage
 *       (a skip connection over two stages is one channel, not a relay). Channel ids are given in
 *       the order (source stage, destination stage, producing op's index, result index). Receives
 *       open the stage function and sends close it, both in channel order; the received value
 *       keeps its original name.</li>
 *   <li>A model output is returned by the stage that computes it, even when that is not the
 *       last stage; outputs that are model inputs or constants are returned by the last stage.</li>
 * </ul>
 * The pass replaces the entry function by functions {@code @stage0 .. @stageN} in the same module
 * (the constant table stays shared), verifies them, and returns a validated {@link PartitionPlan}.
 */
public final class PartitionPass {
    /** The pass's stable name, as used in pipelines and {@code --print-ir-after}. */
    public static final String NAME = "partition";

    /** The partitioned module (the same object that was passed in) and the plan. */
    public record Result(Module module, PartitionPlan plan) {}

    private record Crossing(int src, int dst, int opIndex, int resultIndex, Value value) {}

    private PartitionPass() {}

    /** Partitions {@code module}'s entry function at {@code cuts}; throws {@link CutSpecException} for cuts that do not apply. */
    public static Result run(Module module, CutSpec cuts) {
        Function f = module.main();
        Set<Op> constantOps = ConstantSubgraph.of(f);
        for (Op op : f.ops()) {
            if (op.is("ppc", "send") || op.is("ppc", "recv")) {
                throw new IrException("module @" + module.name() + " is already partitioned: @" + f.name() + " has " + op.qualifiedName() + " ops");
            }
        }
        BlockStructure blocks = BlockStructure.discover(f, constantOps);
        StageAssignment assignment = StageAssignment.resolve(f, cuts, blocks, constantOps);
        int stageCount = assignment.stageCount();
        for (int s = 0; s < stageCount; s++) {
            if (module.function(stageName(s)) != null && module.function(stageName(s)) != f) {
                throw new IrException("module @" + module.name() + " already has a function @" + stageName(s));
            }
        }

        Map<Op, Integer> index = new HashMap<>();
        for (int i = 0; i < f.ops().size(); i++) index.put(f.ops().get(i), i);
        List<PartitionPlan.Channel> channels = channels(f, assignment, constantOps, index);
        Map<Integer, List<Function.Output>> outputsByStage = new HashMap<>();
        for (Function.Output o : f.outputs()) {
            Value v = o.value();
            int s = v.isParameter() || constantOps.contains(v.definingOp()) ? stageCount - 1 : assignment.stageOf(v.definingOp());
            outputsByStage.computeIfAbsent(s, k -> new ArrayList<>()).add(o);
        }

        Map<String, Value> byName = new HashMap<>();
        for (Op op : f.ops()) for (Value r : op.results()) byName.put(r.name(), r);
        List<Function> stageFunctions = new ArrayList<>();
        List<PartitionPlan.Stage> stages = new ArrayList<>();
        List<Set<String>> constantsByStage = new ArrayList<>();
        for (int s = 0; s < stageCount; s++) {
            List<Function.Output> outputs = outputsByStage.getOrDefault(s, List.of());
            Function g = buildStage(f, s, assignment, constantOps, channels, outputs, byName);
            stageFunctions.add(g);
            List<PartitionPlan.OpRef> ops = new ArrayList<>();
            for (Op op : f.ops()) {
                if (assignment.stageOf(op) == s) ops.add(new PartitionPlan.OpRef(index.get(op), op.qualifiedName(), op.location()));
            }
            List<String> inputs = new ArrayList<>();
            for (Value p : g.params()) inputs.add(p.name());
            List<String> outputNames = new ArrayList<>();
            for (Function.Output o : outputs) outputNames.add(o.name());
            Set<String> constants = new LinkedHashSet<>();
            for (Op op : g.ops()) if (op.is("ppc", "constant")) constants.add(op.stringAttr("name", ""));
            constantsByStage.add(constants);
            stages.add(new PartitionPlan.Stage(s, g.name(), ops, inputs, outputNames, new ArrayList<>(constants)));
        }

        module.removeFunction(f.name());
        for (Function g : stageFunctions) module.addFunction(g);
        for (Function g : stageFunctions) Verifier.verify(g, module);
        PartitionPlan plan = new PartitionPlan(module.name(), stages, channels, TiedWeights.find(module, constantsByStage));
        plan.validate(module);
        return new Result(module, plan);
    }

    static String stageName(int s) { return "stage" + s; }

    /** One channel per (value, later stage that uses it), numbered in (src, dst, op index, result index) order. */
    private static List<PartitionPlan.Channel> channels(Function f, StageAssignment assignment, Set<Op> constantOps, Map<Op, Integer> index) {
        List<Crossing> crossings = new ArrayList<>();
        for (Op op : f.ops()) {
            if (constantOps.contains(op)) continue;
            int src = assignment.stageOf(op);
            for (Value r : op.results()) {
                TreeSet<Integer> dsts = new TreeSet<>();
                for (Value.Use u : r.uses()) {
                    int dst = assignment.stageOf(u.user());
                    if (dst < src) throw new IllegalStateException(u.user().describe() + " in stage " + dst + " uses %" + r.name() + " from later stage " + src);
                    if (dst > src) dsts.add(dst);
                }
                for (int dst : dsts) crossings.add(new Crossing(src, dst, index.get(op), r.resultIndex(), r));
            }
        }
        crossings.sort(Comparator.comparingInt(Crossing::src).thenComparingInt(Crossing::dst)
                .thenComparingInt(Crossing::opIndex).thenComparingInt(Crossing::resultIndex));
        List<PartitionPlan.Channel> channels = new ArrayList<>();
        for (Crossing c : crossings) channels.add(new PartitionPlan.Channel(channels.size(), c.src, c.dst, c.value.name(), c.value.type()));
        return channels;
    }

    private static Function buildStage(Function f, int s, StageAssignment assignment, Set<Op> constantOps,
                                       List<PartitionPlan.Channel> channels, List<Function.Output> outputs, Map<String, Value> byName) {
        Set<Value> received = new HashSet<>();
        for (PartitionPlan.Channel c : channels) if (c.dst() == s) received.add(byName.get(c.value()));

        // What the stage reads from outside its own ops: model inputs, and constant-only ops to copy.
        Set<Value> params = new HashSet<>();
        Set<Op> copies = new HashSet<>();
        Deque<Value> work = new ArrayDeque<>();
        for (Op op : f.ops()) if (assignment.stageOf(op) == s) work.addAll(nonNull(op.operands()));
        for (Function.Output o : outputs) work.add(o.value());
        while (!work.isEmpty()) {
            Value v = work.pop();
            if (v.isParameter()) {
                params.add(v);
            } else if (constantOps.contains(v.definingOp()) && copies.add(v.definingOp())) {
                work.addAll(nonNull(v.definingOp().operands()));
            }
        }

        Function g = new Function(stageName(s));
        Map<Value, Value> map = new HashMap<>();
        for (Value p : f.params()) if (params.contains(p)) map.put(p, g.addParam(p.name(), p.type()));
        for (PartitionPlan.Channel c : channels) {
            if (c.dst() != s) continue;
            Value v = byName.get(c.value());
            Op recv = g.append("ppc", "recv", List.of(), List.of(c.type()), List.of(v.name()), channelAttrs(c.id(), "src", c.src()), null);
            map.put(v, recv.result());
        }
        for (Op op : f.ops()) {
            if (assignment.stageOf(op) != s && !copies.contains(op)) continue;
            List<Value> operands = new ArrayList<>(op.numOperands());
            for (Value v : op.operands()) operands.add(v == null ? null : mapped(map, v, op, s));
            Op copy = g.appendCopy(op, operands);
            for (int i = 0; i < op.results().size(); i++) map.put(op.result(i), copy.result(i));
        }
        for (PartitionPlan.Channel c : channels) {
            if (c.src() != s) continue;
            Value v = byName.get(c.value());
            g.append("ppc", "send", List.of(mapped(map, v, null, s)), List.of(), List.of(), channelAttrs(c.id(), "dst", c.dst()), null);
        }
        for (Function.Output o : outputs) g.addOutput(o.name(), mapped(map, o.value(), null, s));
        return g;
    }

    private static Value mapped(Map<Value, Value> map, Value v, Op user, int stage) {
        Value m = map.get(v);
        if (m == null) {
            throw new IllegalStateException("stage " + stage + ": %" + v.name() + (user != null ? " used by " + user.describe() : "")
                    + " is neither computed in the stage, received, a parameter nor a constant");
        }
        return m;
    }

    private static Map<String, Attribute> channelAttrs(int channel, String peerKey, int peer) {
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        attrs.put("channel", new Attribute.IntAttr(channel));
        attrs.put(peerKey, new Attribute.IntAttr(peer));
        return attrs;
    }

    private static List<Value> nonNull(List<Value> values) {
        List<Value> out = new ArrayList<>(values.size());
        for (Value v : values) if (v != null) out.add(v);
        return out;
    }
}
