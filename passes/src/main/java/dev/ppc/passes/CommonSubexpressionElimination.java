package dev.ppc.passes;

import dev.ppc.ir.Attribute;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code cse}: merges ops that compute the same thing. Two ops are the same when they have the
 * same domain, name, operands (the same SSA values), attributes and result types; the later one's
 * results are replaced by the earlier one's and the later op is erased, so the surviving op keeps
 * the first location. Values defined earlier are visited first, so merging an op's operands
 * makes its users comparable in the same walk.
 *
 * <p>Constants get one more rule: two {@code ppc.constant} ops whose table entries hold identical
 * contents ({@link TensorData#sameContents}) are merged too, whatever the entries are called;
 * folding and ONNX's own initializer duplication produce many such copies (a {@code [0]} axes
 * tensor per {@code Unsqueeze}). Trainable weights ({@code parameter} constants) are never merged
 * by contents, because two parameters that happen to start equal are still two parameters, and
 * neither are constants whose data is not in memory. A table entry whose last reference this pass
 * merged away is removed with it, so the pass leaves no orphan it created.
 *
 * <p>Only ops without effects are merged: ppc's channel ops and random or training-mode ops
 * ({@code Dropout}, {@code Random*}, {@code Bernoulli}, {@code Multinomial}) are left alone.
 */
public final class CommonSubexpressionElimination implements Pass {
    /** The pass's registry name. */
    public static final String NAME = "cse";

    private static final Set<String> NONDETERMINISTIC = Set.of("Dropout", "RandomNormal", "RandomNormalLike", "RandomUniform",
            "RandomUniformLike", "Bernoulli", "Multinomial");

    @Override
    public String name() { return NAME; }

    @Override
    public String summary() { return "merges ops with the same operands and attributes, and constants with the same contents"; }

    /** The identity of an op for merging. Operands compare by object identity (SSA values). */
    private record Key(String domain, String name, List<Value> operands, Map<String, Attribute> attributes, List<TensorType> types) {
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key k) || !k.domain.equals(domain) || !k.name.equals(name) || !k.attributes.equals(attributes)
                    || !k.types.equals(types) || k.operands.size() != operands.size()) {
                return false;
            }
            for (int i = 0; i < operands.size(); i++) if (k.operands.get(i) != operands.get(i)) return false;
            return true;
        }

        @Override
        public int hashCode() {
            int h = Objects.hash(domain, name, attributes, types);
            for (Value v : operands) h = h * 31 + System.identityHashCode(v);
            return h;
        }
    }

    /** A constant's contents, compared with {@link TensorData#sameContents}. */
    private record Contents(TensorData data) {
        @Override
        public boolean equals(Object o) { return o instanceof Contents c && c.data.sameContents(data); }

        @Override
        public int hashCode() { return data.contentHash(); }
    }

    @Override
    public boolean run(Module module) {
        boolean changed = false;
        Set<String> mergedAway = new HashSet<>();
        for (Function f : module.functions().values()) changed |= run(f, module, mergedAway);
        if (!mergedAway.isEmpty()) {
            Set<String> stillReferenced = new HashSet<>();
            for (Function f : module.functions().values()) {
                for (Op op : f.ops()) if (op.is("ppc", "constant")) stillReferenced.add(op.stringAttr("name", ""));
            }
            for (String name : mergedAway) if (!stillReferenced.contains(name)) module.removeConstant(name);
        }
        return changed;
    }

    private static boolean run(Function f, Module module, Set<String> mergedAway) {
        Map<Key, Op> seen = new HashMap<>();
        Map<Contents, Op> constantsByContents = new HashMap<>();
        boolean changed = false;
        for (Op op : new ArrayList<>(f.ops())) {
            if (!isPure(op)) continue;
            List<TensorType> types = new ArrayList<>();
            for (Value r : op.results()) types.add(r.type());
            // Copies, because a key must not change while it sits in the map.
            Key key = new Key(op.domain(), op.name(), new ArrayList<>(op.operands()), Map.copyOf(op.attributes()), types);
            Op first = seen.get(key);
            if (first == null && op.is("ppc", "constant")) {
                Module.Constant c = module.constant(op.stringAttr("name", ""));
                if (c != null && !c.parameter() && c.data().hasData()) {
                    first = constantsByContents.putIfAbsent(new Contents(c.data()), op);
                    if (first != null) mergedAway.add(c.name());
                }
            }
            if (first == null) {
                seen.put(key, op);
                continue;
            }
            replace(f, op, first);
            changed = true;
        }
        return changed;
    }

    /** Points every use of {@code dup}'s results (and outputs naming them) at {@code first}'s, then erases {@code dup}. */
    private static void replace(Function f, Op dup, Op first) {
        for (int i = 0; i < dup.results().size(); i++) {
            Value from = dup.result(i), to = first.result(i);
            from.replaceAllUsesWith(to);
            for (int o = 0; o < f.outputs().size(); o++) if (f.outputs().get(o).value() == from) f.setOutput(o, to);
        }
        f.erase(dup);
    }

    private static boolean isPure(Op op) {
        if (op.results().isEmpty()) return false;
        if (op.domain().equals("ppc")) return op.name().equals("constant");
        return (op.domain().isEmpty() || op.domain().equals("ai.onnx")) && !NONDETERMINISTIC.contains(op.name());
    }
}
