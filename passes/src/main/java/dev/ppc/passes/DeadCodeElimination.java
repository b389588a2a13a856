package dev.ppc.passes;

import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code dce}: removes ops whose results nobody uses, then constants that no function refers to.
 *
 * <p>An op is live when one of its results is used by a live op or is a function output, or when
 * it has an effect beyond its results. Two kinds of op have such effects: ops with no results at
 * all (e.g. {@code ppc.send}, which hands a value to another stage), and {@code ppc.recv}, whose
 * removal would leave its partner send without a receiver and deadlock the pipeline. Walking each
 * function backwards visits every user before the value it uses, so one walk removes whole dead
 * chains.
 *
 * <p>A module constant is removed when no {@code ppc.constant} op in any function names it; that
 * includes weights a pass has made unreachable.
 */
public final class DeadCodeElimination implements Pass {
    /** The pass's registry name. */
    public static final String NAME = "dce";

    @Override
    public String name() { return NAME; }

    @Override
    public String summary() { return "removes ops whose results are unused and constants that no function refers to"; }

    @Override
    public boolean run(Module module) {
        boolean changed = false;
        Set<String> referenced = new HashSet<>();
        for (Function f : module.functions().values()) {
            changed |= removeDeadOps(f);
            for (Op op : f.ops()) if (op.is("ppc", "constant")) referenced.add(op.stringAttr("name", ""));
        }
        for (String name : new ArrayList<>(module.constants().keySet())) {
            if (!referenced.contains(name)) {
                module.removeConstant(name);
                changed = true;
            }
        }
        return changed;
    }

    private static boolean removeDeadOps(Function f) {
        Set<Value> outputs = new HashSet<>();
        for (Function.Output o : f.outputs()) outputs.add(o.value());
        List<Op> ops = f.ops();
        boolean changed = false;
        for (int i = ops.size() - 1; i >= 0; i--) {
            Op op = ops.get(i);
            if (hasEffects(op)) continue;
            boolean live = false;
            for (Value r : op.results()) live |= r.hasUses() || outputs.contains(r);
            if (!live) {
                f.erase(op);
                changed = true;
            }
        }
        return changed;
    }

    /** Whether an op must stay even when nothing uses its results. */
    static boolean hasEffects(Op op) {
        return op.results().isEmpty() || op.is("ppc", "recv");
    }
}
