package dev.ppc.passes.partition;

import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one stage of a partitioned module into a standalone module: the stage's function, renamed
 * {@code @main}, with the module's opset imports and only the constants that function refers to
 * (in the order of the original constant table). This is what each core of a bundle runs.
 */
public final class StageModules {
    private StageModules() {}

    /** A new module named {@code moduleName} holding a copy of {@code partitioned}'s function {@code function} as {@code @main}. */
    public static Module extract(Module partitioned, String function, String moduleName) {
        Function stage = partitioned.function(function);
        if (stage == null) throw new IllegalArgumentException("module @" + partitioned.name() + " has no function @" + function);
        Module out = new Module(moduleName);
        partitioned.opsetImports().forEach(out::setOpset);
        Set<String> used = new HashSet<>();
        for (Op op : stage.ops()) if (op.is("ppc", "constant")) used.add(op.stringAttr("name", ""));
        for (Module.Constant c : partitioned.constants().values()) if (used.contains(c.name())) out.putConstant(c);
        out.addFunction(copy(stage, "main"));
        return out;
    }

    /** A copy of {@code src} named {@code name}: same parameters, ops, attributes, locations and outputs, new values. */
    public static Function copy(Function src, String name) {
        Function g = new Function(name);
        Map<Value, Value> map = new HashMap<>();
        for (Value p : src.params()) map.put(p, g.addParam(p.name(), p.type()));
        for (Op op : src.ops()) {
            List<Value> operands = new ArrayList<>(op.numOperands());
            for (Value v : op.operands()) operands.add(v == null ? null : map.get(v));
            Op copy = g.appendCopy(op, operands);
            for (int i = 0; i < op.results().size(); i++) map.put(op.result(i), copy.result(i));
        }
        for (Function.Output o : src.outputs()) g.addOutput(o.name(), map.get(o.value()));
        return g;
    }
}
