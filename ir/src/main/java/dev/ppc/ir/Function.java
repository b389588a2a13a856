package dev.ppc.ir;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A function: named parameters, a single block of ops in program order, and named outputs. ONNX
 * graphs, pipeline stages and (later) backward programs are all functions.
 */
public final class Function {
    /** A named function output. */
    public record Output(String name, Value value) {}

    private final String name;
    private final List<Value> params = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();
    private final Set<String> usedNames = new HashSet<>();
    private int nameCounter;
    Module parent;

    public Function(String name) { this.name = name; }

    public String name() { return name; }

    public Module parent() { return parent; }

    public List<Value> params() { return Collections.unmodifiableList(params); }

    public Value addParam(String paramName, TensorType type) {
        Value v = new Value(claimName(paramName), type, null, -1);
        params.add(v);
        return v;
    }

    public void removeParam(Value param) {
        if (param.hasUses()) throw new IllegalStateException("parameter %" + param.name() + " still has uses");
        params.remove(param);
    }

    public List<Op> ops() { return Collections.unmodifiableList(ops); }

    public List<Output> outputs() { return Collections.unmodifiableList(outputs); }

    public void addOutput(String outputName, Value value) { outputs.add(new Output(outputName, value)); }

    public void setOutput(int index, Value value) { outputs.set(index, new Output(outputs.get(index).name(), value)); }

    public void removeOutput(int index) { outputs.remove(index); }

    /** Appends a new op at the end of the body; result names are made unique from the hints. */
    public Op append(String domain, String opName, List<Value> operands, List<TensorType> resultTypes,
                     List<String> resultNameHints, Map<String, Attribute> attributes, String location) {
        return insert(ops.size(), domain, opName, operands, resultTypes, resultNameHints, attributes, location);
    }

    /**
     * Appends a copy of {@code op} (from this or another function) that reads {@code operands}:
     * same domain, name, attributes, location, result types and result names (made unique here).
     */
    public Op appendCopy(Op op, List<Value> operands) {
        List<TensorType> types = new ArrayList<>(op.results().size());
        List<String> names = new ArrayList<>(op.results().size());
        for (Value r : op.results()) {
            types.add(r.type());
            names.add(r.name());
        }
        return append(op.domain(), op.name(), operands, types, names, op.attributes(), op.location());
    }

    /** Inserts a new op immediately before {@code anchor}. */
    public Op insertBefore(Op anchor, String domain, String opName, List<Value> operands, List<TensorType> resultTypes,
                           List<String> resultNameHints, Map<String, Attribute> attributes, String location) {
        int at = ops.indexOf(anchor);
        if (at < 0) throw new IllegalArgumentException(anchor.describe() + " is not in function @" + name);
        return insert(at, domain, opName, operands, resultTypes, resultNameHints, attributes, location);
    }

    private Op insert(int at, String domain, String opName, List<Value> operands, List<TensorType> resultTypes,
                      List<String> resultNameHints, Map<String, Attribute> attributes, String location) {
        List<String> names = new ArrayList<>(resultTypes.size());
        for (int i = 0; i < resultTypes.size(); i++) {
            String hint = resultNameHints != null && i < resultNameHints.size() ? resultNameHints.get(i) : null;
            names.add(claimName(hint));
        }
        Op op = new Op(domain, opName, operands, resultTypes, names, attributes, location);
        op.parent = this;
        ops.add(at, op);
        return op;
    }

    /** Removes an op whose results have no uses. */
    public void erase(Op op) {
        for (Value r : op.results()) {
            if (r.hasUses()) throw new IllegalStateException("cannot erase " + op.describe() + ": %" + r.name() + " has uses");
            for (Output o : outputs) {
                if (o.value() == r) throw new IllegalStateException("cannot erase " + op.describe() + ": %" + r.name() + " is output " + o.name());
            }
        }
        op.dropOperands();
        ops.remove(op);
        op.parent = null;
        for (Value r : op.results()) usedNames.remove(r.name());
    }

    /**
     * Removes a set of ops whose results are used only by ops of the set and are not outputs,
     * in one pass over the body and over each operand's use list: erasing the thousands of ops
     * a pass replaces one by one would search the body and the use lists of shared operands
     * once per op.
     */
    public void eraseAll(Collection<Op> dead) {
        Set<Op> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(dead);
        Set<Value> outputValues = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Output o : outputs) outputValues.add(o.value());
        Set<Value> operands = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Op op : dead) {
            if (op.parent != this) throw new IllegalArgumentException(op.describe() + " is not in function @" + name);
            for (Value r : op.results()) {
                if (outputValues.contains(r)) throw new IllegalStateException("cannot erase " + op.describe() + ": %" + r.name() + " is an output");
                for (Value.Use u : r.uses) {
                    if (!set.contains(u.user())) throw new IllegalStateException("cannot erase " + op.describe() + ": %" + r.name() + " has uses");
                }
            }
            for (Value v : op.operands()) if (v != null) operands.add(v);
        }
        for (Value v : operands) v.uses.removeIf(u -> set.contains(u.user()));
        ops.removeIf(set::contains);
        for (Op op : dead) {
            op.parent = null;
            for (Value r : op.results()) usedNames.remove(r.name());
        }
    }

    /** Moves {@code op} so that it stands at {@code index} in the body (used by schedulers and sorters). */
    public void reorder(List<Op> newOrder) {
        if (newOrder.size() != ops.size() || !new HashSet<>(newOrder).equals(new HashSet<>(ops))) {
            throw new IllegalArgumentException("reorder needs a permutation of the function's ops");
        }
        ops.clear();
        ops.addAll(newOrder);
    }

    /** Reserves {@code hint} (or a numbered variant of it) as a value name and returns it. */
    public String claimName(String hint) {
        String base = hint == null || hint.isEmpty() ? Integer.toString(nameCounter++) : hint;
        String candidate = base;
        int suffix = 1;
        while (!usedNames.add(candidate)) {
            candidate = hint == null || hint.isEmpty() ? Integer.toString(nameCounter++) : base + "_" + suffix++;
        }
        return candidate;
    }

    /** Renames a value, keeping names unique; returns the name it got. */
    public String rename(Value v, String hint) {
        usedNames.remove(v.name());
        String n = claimName(hint);
        v.setName(n);
        return n;
    }

    public int indexOf(Op op) { return ops.indexOf(op); }
}
