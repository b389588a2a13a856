package dev.ppc.passes;

import dev.ppc.ir.Attribute;
import dev.ppc.ir.DType;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.schema.FusedProgram;
import dev.ppc.ir.schema.OpSchemas;
import dev.ppc.ir.schema.ShapeRules;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code fuse-elementwise}: replaces each chain of f32 element-wise ops that computes one value
 * by a single {@code ppc.fused} op whose {@code expr} is the chain as a {@link FusedProgram}, so
 * that a backend can evaluate it in one pass over memory instead of one pass per op.
 *
 * <p>A group grows backwards from a root op (the last op of the chain): the producer of an
 * operand joins when it is a fusable op with the root's result type and every use of its result
 * is inside the group (so no intermediate escapes: it is not used elsewhere and is not a function
 * output). That makes a group a convex, single-result subgraph, which the fused op can replace at
 * the root's position. Growing repeats until nothing joins, so a value used by several ops of the
 * group (GELU reads its input three times) joins once all its users have. Groups of one op are
 * left alone.
 *
 * <p>A group holds at most {@code max-steps} ops (default {@value #DEFAULT_MAX_STEPS}): a backend
 * compiles each fused op into one method, and the JVM bounds a method's size (the CPU backend
 * passes its own cap, derived from the bytecode a step takes). A longer chain becomes several
 * fused ops, each the root's nearest producers; the ops left over start the next group. Growing,
 * replacing and erasing take time linear in the function's size, so a chain of 100,000 ops fuses
 * in well under a second.
 *
 * <p>Fusable: Add, Sub, Mul, Div, Neg, Abs, Sqrt, Reciprocal, Exp, Tanh, Erf, Sigmoid, Relu on
 * f32, Pow with an f32 constant scalar exponent 2 or 3, and Where with f32 data. Operands from
 * outside the group may be of any shape that broadcasts to the result (scalars, bias vectors,
 * masks); a scalar f32 constant that is not a trainable parameter becomes a literal of the program
 * instead of an operand, unless the result's shape depends on it. The root must have at least
 * two elements (the CPU kernels' scalar paths round differently).
 *
 * <p>The fused op takes the root's result name and location. Before:
 * <pre>
 *   %p = Pow(%x, %three) : f32[8,1024]
 *   %m = Mul(%p, %c) : f32[8,1024]
 *   %y = Add(%x, %m) : f32[8,1024] loc("/mlp/Add")
 * </pre>
 * after ({@code %three} and {@code %c} are scalar constants):
 * <pre>
 *   %y = ppc.fused(%x) {expr = "Pow(%0, 3.0); Mul($0, 0.044715); Add(%0, $1)"} : f32[8,1024] loc("/mlp/Add")
 * </pre>
 *
 * <p>The pass is not part of the generic clean-up: the IR stays plain ONNX for export and
 * partitioning, and a backend that can evaluate {@code ppc.fused} runs it on its own copy of a
 * stage (the CPU backend does).
 */
public final class FuseElementwise implements Pass {
    /** The pass's registry name. */
    public static final String NAME = "fuse-elementwise";
    /** Ops per fused op unless the pipeline says otherwise ({@code fuse-elementwise{max-steps=N}}). */
    public static final int DEFAULT_MAX_STEPS = 64;

    private static final Set<String> UNARY = Set.of("Neg", "Abs", "Sqrt", "Reciprocal", "Exp", "Tanh", "Erf", "Sigmoid", "Relu");
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div", "Pow");

    private final int maxSteps;

    /** Fuses groups of at most {@value #DEFAULT_MAX_STEPS} ops. */
    public FuseElementwise() { this(DEFAULT_MAX_STEPS); }

    /**
     * Fuses groups of at most {@code maxSteps} ops.
     *
     * @throws IllegalArgumentException if {@code maxSteps} is below 2 (nothing would fuse)
     */
    public FuseElementwise(int maxSteps) {
        if (maxSteps < 2) throw new IllegalArgumentException(NAME + "{max-steps=" + maxSteps + "}: must be at least 2");
        this.maxSteps = maxSteps;
    }

    /** The most ops one fused op replaces. */
    public int maxSteps() { return maxSteps; }

    @Override
    public String name() { return NAME; }

    @Override
    public String summary() { return "replaces chains of f32 element-wise ops by single ppc.fused ops"; }

    @Override
    public boolean run(Module module) {
        boolean changed = false;
        for (Function f : module.functions().values()) changed |= fuse(f, module);
        return changed;
    }

    private boolean fuse(Function f, Module module) {
        Set<Value> outputs = new HashSet<>();
        for (Function.Output o : f.outputs()) outputs.add(o.value());
        List<Op> ops = new ArrayList<>(f.ops());
        Map<Op, Integer> position = new IdentityHashMap<>();
        for (int i = 0; i < ops.size(); i++) position.put(ops.get(i), i);
        Set<Op> fused = Collections.newSetFromMap(new IdentityHashMap<>());
        // Fused ops are appended and the groups erased at the end, in one pass each: inserting and
        // erasing in place would search the body once per group.
        Map<Op, Op> fusedOpAt = new IdentityHashMap<>();
        for (int i = ops.size() - 1; i >= 0; i--) {
            Op root = ops.get(i);
            if (fused.contains(root) || !isFusable(root, module)) continue;
            TensorType type = root.result().type();
            if (!type.isStatic() || type.numel() < 2) continue;
            List<Op> group = grow(root, type, outputs, fused, module);
            if (group.size() < 2) continue;
            group.sort((a, b) -> Integer.compare(position.get(a), position.get(b)));
            Op fusedOp = replace(f, module, group, root);
            if (fusedOp != null) {
                fused.addAll(group);
                fusedOpAt.put(root, fusedOp);
            }
        }
        if (fusedOpAt.isEmpty()) return false;
        List<Op> order = new ArrayList<>(f.ops().size());
        for (Op op : ops) {
            Op fusedOp = fusedOpAt.get(op);
            if (fusedOp != null) order.add(fusedOp);
            order.add(op);
        }
        f.reorder(order);
        f.eraseAll(fused);
        return true;
    }

    /**
     * The group ending at {@code root} under the rules in the class comment, of at most
     * {@code maxSteps} ops. Producers are visited breadth first from the root; each keeps a count
     * of its result's uses inside the group and joins when that count reaches all its uses, so the
     * work is linear in the group's operands however long the chain.
     */
    private List<Op> grow(Op root, TensorType type, Set<Value> outputs, Set<Op> taken, Module module) {
        List<Op> group = new ArrayList<>();
        Set<Op> members = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Op, Integer> usesInside = new IdentityHashMap<>();
        group.add(root);
        members.add(root);
        for (int next = 0; next < group.size() && group.size() < maxSteps; next++) {
            for (Value v : group.get(next).operands()) {
                if (group.size() == maxSteps) break;
                Op p = v == null ? null : v.definingOp();
                if (p == null || members.contains(p) || taken.contains(p) || outputs.contains(v)) continue;
                if (!isFusable(p, module) || !p.result().type().equals(type)) continue;
                int inside = usesInside.merge(p, 1, Integer::sum);
                if (inside == v.uses().size()) {
                    group.add(p);
                    members.add(p);
                }
            }
        }
        return group;
    }

    static boolean isFusable(Op op, Module module) {
        if (!op.domain().isEmpty() || op.results().size() != 1) return false;
        String n = op.name();
        boolean unary = UNARY.contains(n), binary = BINARY.contains(n), where = n.equals("Where");
        if (!unary && !binary && !where) return false;
        if (op.result().type().dtype() != DType.F32) return false;
        int arity = unary ? 1 : binary ? 2 : 3;
        if (op.numOperands() != arity) return false;
        for (int i = 0; i < arity; i++) {
            Value v = op.operand(i);
            if (v == null || !v.type().isStatic()) return false;
            DType want = where && i == 0 ? DType.BOOL : DType.F32;
            if (v.type().dtype() != want) return false;
        }
        if (n.equals("Pow")) {
            Float e = scalarLiteral(op.operand(1), module);
            return e != null && (e == 2f || e == 3f);
        }
        return true;
    }

    /** The value of a non-parameter f32 constant with one element that the text form can hold exactly, or {@code null}. */
    private static Float scalarLiteral(Value v, Module module) {
        if (v.type().dtype() != DType.F32 || !v.type().isStatic() || v.type().numel() != 1) return null;
        Op def = v.definingOp();
        if (def == null || !def.is("ppc", "constant")) return null;
        Module.Constant c = module.constant(def.stringAttr("name", ""));
        TensorData d = OpSchemas.constantValue(v, module);
        if (c == null || c.parameter() || d == null || !d.hasData()) return null;
        float value = Float.intBitsToFloat(d.bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(0));
        // The program's text keeps a literal's bits except a NaN's payload; such a constant stays an operand.
        if (Float.floatToRawIntBits(Float.parseFloat(Float.toString(value))) != Float.floatToRawIntBits(value)) return null;
        return value;
    }

    /**
     * Builds the program, appends the fused op and points the root's uses at it; null (and nothing
     * changed) if the group cannot be one program. The caller moves the fused op to the root's
     * place and erases the group.
     */
    private static Op replace(Function f, Module module, List<Op> ordered, Op root) {
        Map<Op, Integer> stepOf = new IdentityHashMap<>();
        for (int s = 0; s < ordered.size(); s++) stepOf.put(ordered.get(s), s);
        TensorType type = root.result().type();
        // Decide which operands become literals; keep them all as operands if the shape needs them.
        Map<Value, Float> literals = new IdentityHashMap<>();
        List<TensorType> remaining = new ArrayList<>();
        for (Op op : ordered) {
            for (int a = 0; a < op.numOperands(); a++) {
                Value v = op.operand(a);
                if (v.definingOp() != null && stepOf.containsKey(v.definingOp())) continue;
                boolean condition = op.name().equals("Where") && a == 0;
                Float lit = condition ? null : scalarLiteral(v, module);
                if (lit != null) literals.put(v, lit);
                else remaining.add(v.type());
            }
        }
        if (!ShapeRules.broadcast(DType.F32, remaining).equals(type)) {
            // Only Pow's exponent must be a literal; every other constant goes back to being an operand.
            Map<Value, Float> exponents = new IdentityHashMap<>();
            for (Op op : ordered) if (op.isOnnx("Pow")) exponents.put(op.operand(1), literals.get(op.operand(1)));
            literals.clear();
            literals.putAll(exponents);
            remaining.clear();
            for (Op op : ordered) {
                for (int a = 0; a < op.numOperands(); a++) {
                    Value v = op.operand(a);
                    if ((v.definingOp() == null || !stepOf.containsKey(v.definingOp())) && !literals.containsKey(v)) remaining.add(v.type());
                }
            }
            if (!ShapeRules.broadcast(DType.F32, remaining).equals(type)) return null;
        }
        Map<Value, Integer> operandIndex = new LinkedHashMap<>();
        List<FusedProgram.Step> steps = new ArrayList<>();
        for (Op op : ordered) {
            List<FusedProgram.Arg> args = new ArrayList<>();
            for (Value v : op.operands()) {
                Op def = v.definingOp();
                if (def != null && stepOf.containsKey(def)) {
                    args.add(new FusedProgram.StepResult(stepOf.get(def)));
                } else if (literals.containsKey(v)) {
                    args.add(new FusedProgram.Literal(literals.get(v)));
                } else {
                    Integer idx = operandIndex.get(v);
                    if (idx == null) {
                        idx = operandIndex.size();
                        operandIndex.put(v, idx);
                    }
                    args.add(new FusedProgram.Operand(idx));
                }
            }
            steps.add(new FusedProgram.Step(FusedProgram.Kind.byOnnxName(op.name()), args));
        }
        FusedProgram program;
        try {
            program = FusedProgram.of(steps);
        } catch (IllegalArgumentException e) {
            // An operand used both as a condition and as data, for instance: leave the ops as they are.
            return null;
        }
        Value oldResult = root.result();
        String name = oldResult.name();
        f.rename(oldResult, name + "_unfused");
        Map<String, Attribute> attrs = new HashMap<>();
        attrs.put("expr", new Attribute.StringAttr(program.text()));
        Op fusedOp = f.append("ppc", "fused", new ArrayList<>(operandIndex.keySet()), List.of(type), List.of(name), attrs,
                root.location());
        oldResult.replaceAllUsesWith(fusedOp.result());
        for (int i = 0; i < f.outputs().size(); i++) {
            if (f.outputs().get(i).value() == oldResult) f.setOutput(i, fusedOp.result());
        }
        return fusedOp;
    }
}
