package dev.ppc.passes;

import dev.ppc.ir.Dim;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.schema.OpSchemas;
import dev.ppc.ir.text.IrPrinter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Refines declared types with what type inference knows. Importers declare whatever the model
 * file says (often symbolic or unknown dims); once input shapes are bound or constants folded,
 * {@link OpSchemas#checkAndInfer} can say more, and the more precise answer replaces the declared
 * one. A disagreement between two static facts is the model's error and is reported at the op.
 */
public final class TypeRefinement {
    private TypeRefinement() {}

    /**
     * Merges a declared type with an inferred one: the rank comes from whichever knows it; per
     * dim a static size wins over a symbol, and a symbol over an unknown dim (the declared symbol
     * is kept when both are symbolic, because it is the name the user's model gave).
     *
     * @return the merged type, or {@code null} when the two contradict each other (different
     *     dtypes, ranks or static sizes)
     */
    public static TensorType merge(TensorType declared, TensorType inferred) {
        if (declared.dtype() != inferred.dtype()) return null;
        if (!inferred.isRanked()) return declared;
        if (!declared.isRanked()) return inferred;
        if (declared.rank() != inferred.rank()) return null;
        List<Dim> out = new ArrayList<>(declared.rank());
        for (int i = 0; i < declared.rank(); i++) {
            Dim d = declared.dim(i), n = inferred.dim(i);
            if (n.isStatic()) {
                if (d.isStatic() && d.size() != n.size()) return null;
                out.add(n);
            } else if (d.isStatic() || d.isSymbol()) {
                out.add(d);
            } else {
                out.add(n);
            }
        }
        return TensorType.of(declared.dtype(), out);
    }

    /**
     * Re-infers {@code op}'s result types from its operands (as they are now) and refines the
     * declared ones with them.
     *
     * @return whether any result type changed
     * @throws IrException naming the op when inference fails or contradicts a declared type
     */
    public static boolean refineResults(Op op, Module module) {
        List<TensorType> inferred = OpSchemas.checkAndInfer(op, module);
        boolean changed = false;
        for (int i = 0; i < op.results().size() && i < inferred.size(); i++) {
            Value r = op.result(i);
            TensorType merged = merge(r.type(), inferred.get(i));
            if (merged == null) {
                throw IrException.at(op, "result %" + r.name() + " is declared " + IrPrinter.type(r.type())
                        + " but its operands give " + IrPrinter.type(inferred.get(i)));
            }
            if (!merged.equals(r.type())) {
                r.setType(merged);
                changed = true;
            }
        }
        return changed;
    }

    /** {@code type} with every symbol that {@code bindings} knows replaced by its size. */
    public static TensorType bindSymbols(TensorType type, Map<String, Long> bindings) {
        if (!type.isRanked() || bindings.isEmpty()) return type;
        List<Dim> out = new ArrayList<>(type.rank());
        boolean any = false;
        for (Dim d : type.dims()) {
            Long size = d.isSymbol() ? bindings.get(d.symbolName()) : null;
            if (size != null) {
                out.add(Dim.of(size));
                any = true;
            } else {
                out.add(d);
            }
        }
        return any ? TensorType.of(type.dtype(), out) : type;
    }
}
