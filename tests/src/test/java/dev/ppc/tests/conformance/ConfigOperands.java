package dev.ppc.tests.conformance;

import dev.ppc.ir.Attribute;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.Value;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Freezes the graph inputs that configure a kernel into constants.
 *
 * <p>ONNX node tests feed every operand as a graph input, including those that decide a
 * result's shape (Reshape's shape, Slice's starts) or a kernel's structure (reduction axes).
 * The CPU backend needs those as constants (see backend-cpu/KERNELS.md, contract item 1): a
 * compiled program has static shapes. So an input that feeds such an operand becomes a module
 * constant read by a {@code ppc.constant} op, exactly as if the model had stored it as an
 * initializer. Only those inputs are frozen: data inputs stay runtime inputs, because a program
 * whose inputs are all constant is computed by constant folding and would never reach the
 * kernel under test. Clip's min/max and Pow's exponent are data in this sense: their kernels
 * read them at run time.
 */
public final class ConfigOperands {
    /** Operand positions that configure each op; missing positions are simply absent operands. */
    static final Map<String, Set<Integer>> POSITIONS = Map.ofEntries(
            Map.entry("Reshape", Set.of(1)),
            Map.entry("Slice", Set.of(1, 2, 3, 4)),
            Map.entry("Expand", Set.of(1)),
            Map.entry("Unsqueeze", Set.of(1)),
            Map.entry("Squeeze", Set.of(1)),
            Map.entry("ReduceSum", Set.of(1)),
            Map.entry("ReduceMean", Set.of(1)),
            Map.entry("ReduceMax", Set.of(1)),
            Map.entry("ReduceMin", Set.of(1)),
            Map.entry("Split", Set.of(1)),
            Map.entry("Tile", Set.of(1)),
            Map.entry("Range", Set.of(0, 1, 2)),
            Map.entry("ConstantOfShape", Set.of(0)),
            Map.entry("CumSum", Set.of(1)),
            Map.entry("Trilu", Set.of(1)),
            Map.entry("TopK", Set.of(1)),
            // Dropout's ratio and training switch decide whether it is the identity at all.
            Map.entry("Dropout", Set.of(1, 2)));

    private ConfigOperands() {}

    /** The entry function's parameters that feed a configuring operand position of some op. */
    public static Set<Value> configuringParams(Function f) {
        Set<Value> params = new LinkedHashSet<>();
        for (Value p : f.params()) {
            for (Value.Use u : p.uses()) {
                Op user = u.user();
                Set<Integer> positions = user.domain().isEmpty() ? POSITIONS.get(user.name()) : null;
                if (positions != null && positions.contains(u.index())) params.add(p);
            }
        }
        return params;
    }

    /**
     * Replaces parameter {@code p} of {@code m}'s entry function by a module constant holding
     * {@code value}; the new {@code ppc.constant} op goes first in the body.
     */
    public static void freeze(Module m, Value p, TensorData value) {
        Function f = m.main();
        if (!p.type().isCompatibleWith(value.type())) {
            throw new IllegalArgumentException("input '" + p.name() + "' is " + p.type() + " but its test data is " + value.type());
        }
        String name = m.uniqueConstantName(p.name());
        m.putConstant(new Module.Constant(name, value, false));
        List<Op> ops = new ArrayList<>(f.ops());
        Op c = ops.isEmpty()
                ? f.append("ppc", "constant", List.of(), List.of(value.type()), List.of(p.name()), Map.of("name", new Attribute.StringAttr(name)), p.name())
                : f.insertBefore(ops.get(0), "ppc", "constant", List.of(), List.of(value.type()), List.of(p.name()),
                        Map.of("name", new Attribute.StringAttr(name)), p.name());
        p.replaceAllUsesWith(c.result());
        for (int i = 0; i < f.outputs().size(); i++) if (f.outputs().get(i).value() == p) f.setOutput(i, c.result());
        f.removeParam(p);
    }
}
