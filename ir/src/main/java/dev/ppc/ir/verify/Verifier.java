package dev.ppc.ir.verify;

import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.schema.OpSchemas;
import dev.ppc.ir.text.IrPrinter;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the IR's invariants: SSA dominance (every operand is a parameter or the result of an
 * earlier op of the same function), consistent use lists (no dangling uses), unique value names,
 * ops that match their schemas, and declared result types that agree with type inference.
 * Violations are {@link IrException}s that name the op's location.
 */
public final class Verifier {
    private Verifier() {}

    public static void verify(Module m) {
        for (String domain : m.opsetImports().keySet()) {
            if (!OpSchemas.isKnownDomain(domain)) throw new IrException("module @" + m.name() + " imports unknown domain '" + domain + "'");
        }
        for (Function f : m.functions().values()) verify(f, m);
    }

    public static void verify(Function f, Module m) {
        Set<Value> defined = new HashSet<>();
        Set<String> names = new HashSet<>();
        Map<Value, Set<Value.Use>> longUseLists = new IdentityHashMap<>();
        for (Value p : f.params()) {
            if (!names.add(p.name())) throw new IrException("function @" + f.name() + ": value %" + p.name() + " is defined twice");
            defined.add(p);
        }
        for (Op op : f.ops()) {
            if (op.parent() != f) throw IrException.at(op, "is listed in @" + f.name() + " but does not belong to it");
            for (int i = 0; i < op.numOperands(); i++) {
                Value v = op.operand(i);
                if (v == null) continue;
                if (!defined.contains(v)) {
                    throw IrException.at(op, "operand " + i + " %" + v.name() + " is not defined before its use in @" + f.name());
                }
                if (!isListed(v, new Value.Use(op, i), longUseLists)) throw IrException.at(op, "operand " + i + " %" + v.name() + " is missing from its use list");
            }
            List<TensorType> inferred = OpSchemas.checkAndInfer(op, m);
            for (int i = 0; i < op.results().size(); i++) {
                Value r = op.result(i);
                if (!names.add(r.name())) throw IrException.at(op, "value %" + r.name() + " is defined twice");
                if (i < inferred.size() && !r.type().isCompatibleWith(inferred.get(i))) {
                    throw IrException.at(op, "result %" + r.name() + " is declared " + IrPrinter.type(r.type())
                            + " but its operands give " + IrPrinter.type(inferred.get(i)));
                }
            }
            checkSpecialOp(op, m);
            defined.addAll(op.results());
        }
        for (Value v : defined) {
            for (Value.Use u : v.uses()) {
                if (u.user().parent() != f || u.user().operand(u.index()) != v) {
                    throw new IrException("function @" + f.name() + ": value %" + v.name() + " has a dangling use by " + u.user().describe());
                }
            }
        }
        for (Function.Output o : f.outputs()) {
            if (!defined.contains(o.value())) throw new IrException("function @" + f.name() + ": output " + o.name() + " refers to an undefined value");
        }
    }

    /**
     * Whether {@code v}'s use list records {@code use}. A long list is searched through a set built
     * once per value: searching the list of a value that thousands of ops read (a shared scalar
     * constant in a long chain) for every one of them would take quadratic time.
     */
    private static boolean isListed(Value v, Value.Use use, Map<Value, Set<Value.Use>> longUseLists) {
        List<Value.Use> uses = v.uses();
        if (uses.size() <= 16) return uses.contains(use);
        return longUseLists.computeIfAbsent(v, k -> new HashSet<>(k.uses())).contains(use);
    }

    private static void checkSpecialOp(Op op, Module m) {
        if (op.is("ppc", "constant")) {
            String name = op.stringAttr("name", "");
            Module.Constant c = m == null ? null : m.constant(name);
            if (c == null) throw IrException.at(op, "refers to constant @" + name + ", which the module does not define");
            if (!c.data().type().equals(op.result().type())) {
                throw IrException.at(op, "declares " + IrPrinter.type(op.result().type()) + " but constant @" + name + " is " + IrPrinter.type(c.data().type()));
            }
        }
    }
}
