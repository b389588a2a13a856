package dev.ppc.passes;

import dev.ppc.ir.Attribute;
import dev.ppc.ir.DType;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.schema.OpSchemas;
import dev.ppc.ir.text.IrPrinter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code fold-constants}: computes at compile time what does not depend on the model's inputs.
 * One walk over each function in program order does, per op:
 * <ol>
 *   <li><b>Forwarding.</b> {@code Identity}, and {@code Dropout} in inference mode (no
 *       {@code training_mode} operand, or a constant false one) whose mask result is unused, are
 *       removed: their users, and function outputs, take the operand instead.</li>
 *   <li><b>Materializing.</b> An ONNX {@code Constant} op becomes a module constant referenced
 *       by a {@code ppc.constant} op, so every constant has one representation.</li>
 *   <li><b>Folding.</b> An op whose operands are all constants is evaluated by
 *       {@link ConstantEvaluator}, and so are {@code Shape} and {@code Size} of any value whose
 *       type is static, constant or not. The results become new module constants (not
 *       parameters) and the op is erased. Results over {@code maxElements} elements are not
 *       folded, so that a weight is never copied into a second, folded weight. Ops that read a
 *       trainable weight ({@code parameter} constant) are never folded either: the weight must
 *       stay in the program for training and for weight tying; a weight's shape may be folded.</li>
 *   <li><b>Refining.</b> Any other op has its result types re-inferred
 *       ({@link TypeRefinement#refineResults}), because a folded operand can make them static: a
 *       {@code Reshape} whose shape operand was a {@code Shape -> Gather -> Concat} chain has an
 *       unknown result type until the chain is folded.</li>
 * </ol>
 * Operands come before their users, so the single walk folds whole chains. Ops whose results
 * are unused are skipped (dead code is {@code dce}'s business), and constants that folding
 * leaves unreferenced stay in the module's table until {@code dce} removes them.
 *
 * <p>Folded constants are named after the value they replace (the value keeps its name too) and
 * keep the folded op's location, so later diagnostics still point into the user's model.
 */
public final class FoldConstants implements Pass {
    /** The pass's registry name. */
    public static final String NAME = "fold-constants";

    private final long maxElements;

    /** Folds results of up to {@link ConstantEvaluator#DEFAULT_MAX_ELEMENTS} elements. */
    public FoldConstants() { this(ConstantEvaluator.DEFAULT_MAX_ELEMENTS); }

    /** Folds results of up to {@code maxElements} elements. */
    public FoldConstants(long maxElements) {
        if (maxElements < 0) throw new IllegalArgumentException("max-elements must not be negative, got " + maxElements);
        this.maxElements = maxElements;
    }

    @Override
    public String name() { return NAME; }

    @Override
    public String summary() {
        return "evaluates ops on constants and Shape/Size of static values, removes Identity and inference Dropout, refines types";
    }

    /** The element limit above which results are not folded. */
    public long maxElements() { return maxElements; }

    @Override
    public boolean run(Module module) {
        ConstantEvaluator evaluator = new ConstantEvaluator(module.opset(""), maxElements);
        boolean changed = false;
        for (Function f : module.functions().values()) {
            for (Op op : new ArrayList<>(f.ops())) {
                if (op.parent() == null) continue;
                if (!isLive(f, op)) continue;
                if (forward(f, op, module) || materialize(f, op, module) || fold(f, op, module, evaluator)) {
                    changed = true;
                } else {
                    changed |= TypeRefinement.refineResults(op, module);
                }
            }
        }
        return changed;
    }

    private static boolean isOnnx(Op op) { return op.domain().isEmpty() || op.domain().equals("ai.onnx"); }

    private static boolean isLive(Function f, Op op) {
        for (Value r : op.results()) if (r.hasUses() || isOutput(f, r)) return true;
        return op.results().isEmpty();
    }

    private static boolean isOutput(Function f, Value v) {
        for (Function.Output o : f.outputs()) if (o.value() == v) return true;
        return false;
    }

    // ---- forwarding ----

    private static boolean forward(Function f, Op op, Module module) {
        if (!isOnnx(op)) return false;
        if (op.name().equals("Identity") || (op.name().equals("Dropout") && isInferenceDropout(f, op, module))) {
            replace(f, op.result(0), op.operand(0));
            f.erase(op);
            return true;
        }
        return false;
    }

    /** A Dropout that is the identity on its first result and whose mask nobody reads. */
    private static boolean isInferenceDropout(Function f, Op op, Module module) {
        if (op.results().size() > 1 && (op.result(1).hasUses() || isOutput(f, op.result(1)))) return false;
        // Before opset 12 Dropout has no training switch: at inference it is the identity. From
        // 12 the third operand decides; absent means inference.
        if (module.opset("") < 12) return true;
        Value training = op.operand(2);
        if (training == null) return true;
        TensorData mode = OpSchemas.constantValue(training, module);
        return mode != null && mode.hasData() && mode.numel() == 1 && mode.longAt(0) == 0;
    }

    /** Points uses of {@code from}, and function outputs naming it, at {@code to}. */
    private static void replace(Function f, Value from, Value to) {
        from.replaceAllUsesWith(to);
        for (int i = 0; i < f.outputs().size(); i++) if (f.outputs().get(i).value() == from) f.setOutput(i, to);
    }

    // ---- ONNX Constant -> ppc.constant ----

    private static boolean materialize(Function f, Op op, Module module) {
        if (!isOnnx(op) || !op.name().equals("Constant")) return false;
        replaceWithConstants(f, op, module, List.of(constantOpValue(op)));
        return true;
    }

    private static TensorData constantOpValue(Op op) {
        TensorData t = op.tensorAttr("value");
        if (t != null) return t;
        if (op.attribute("value_float") instanceof Attribute.FloatAttr v) return TensorData.ofFloats(new long[0], v.value());
        if (op.attribute("value_floats") instanceof Attribute.FloatsAttr v) return TensorData.ofFloats(new long[] {v.values().length}, v.values());
        if (op.attribute("value_int") instanceof Attribute.IntAttr v) return TensorData.ofLongs(new long[0], v.value());
        if (op.attribute("value_ints") instanceof Attribute.IntsAttr v) return TensorData.ofLongs(new long[] {v.values().length}, v.values());
        if (op.attribute("value_string") instanceof Attribute.StringAttr v) {
            return TensorData.ofStrings(TensorType.of(DType.STRING), List.of(v.value()));
        }
        if (op.attribute("value_strings") instanceof Attribute.StringsAttr v) {
            return TensorData.ofStrings(TensorType.of(DType.STRING, v.values().size()), v.values());
        }
        throw IrException.at(op, "Constant needs one of value, value_float, value_floats, value_int, value_ints, value_string, value_strings");
    }

    // ---- evaluation ----

    private static boolean fold(Function f, Op op, Module module, ConstantEvaluator evaluator) {
        if (!isOnnx(op) || op.results().isEmpty() || !ConstantEvaluator.supports(op.name())) return false;
        boolean typeOnly = ConstantEvaluator.needsOnlyTypes(op.name());
        List<TensorData> operands = new ArrayList<>(op.numOperands());
        for (Value v : op.operands()) {
            if (v == null) {
                operands.add(null);
                continue;
            }
            TensorData c = OpSchemas.constantValue(v, module);
            if (typeOnly) {
                if (!v.type().isStatic()) return false;
                operands.add(c != null ? c : TensorData.elided(v.type()));
                continue;
            }
            if (c == null || !c.hasData() || isParameter(v, module)) return false;
            operands.add(c);
        }
        List<TensorData> results;
        try {
            results = evaluator.evaluate(op.name(), operands, op.attributes());
        } catch (IrException e) {
            throw IrException.at(op, e.getMessage());
        }
        if (results == null) return false;
        replaceWithConstants(f, op, module, results);
        return true;
    }

    private static boolean isParameter(Value v, Module module) {
        Module.Constant c = module.constant(v.definingOp().stringAttr("name", ""));
        return c != null && c.parameter();
    }

    /** Replaces {@code op}'s results by new module constants holding {@code values}, then erases {@code op}. */
    private static void replaceWithConstants(Function f, Op op, Module module, List<TensorData> values) {
        List<Value> replacements = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < op.results().size(); i++) {
            Value old = op.result(i);
            TensorData data = values.get(i);
            if (TypeRefinement.merge(old.type(), data.type()) == null) {
                throw IrException.at(op, "result %" + old.name() + " is declared " + IrPrinter.type(old.type())
                        + " but folding computes " + IrPrinter.type(data.type()));
            }
            String constantName = module.uniqueConstantName(constantNameHint(old.name()));
            module.putConstant(new Module.Constant(constantName, data, false));
            Op c = f.insertBefore(op, "ppc", "constant", List.of(), List.of(data.type()), List.of(old.name()),
                    Map.of("name", new Attribute.StringAttr(constantName)), op.location());
            replace(f, old, c.result());
            replacements.add(c.result());
            names.add(old.name());
        }
        f.erase(op);
        // The folded value keeps its name, which frees only once the old op is gone.
        for (int i = 0; i < replacements.size(); i++) f.rename(replacements.get(i), names.get(i));
    }

    /** Constant names start with a letter or underscore where the value name allows, for readable IR. */
    private static String constantNameHint(String valueName) {
        char c = valueName.isEmpty() ? '0' : valueName.charAt(0);
        return Character.isLetter(c) || c == '_' ? valueName : "cst" + valueName;
    }
}
