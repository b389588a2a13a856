package dev.ppc.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An SSA value: a function parameter or an op result, defined exactly once. The IR owns the use
 * list; passes change uses only through {@link Op#setOperand} and {@link #replaceAllUsesWith}.
 */
public final class Value {
    /** One use of a value: operand {@code index} of {@code user}. */
    public record Use(Op user, int index) {}

    private String name;
    private TensorType type;
    private final Op definingOp; // null for function parameters
    private final int resultIndex;
    final List<Use> uses = new ArrayList<>();

    Value(String name, TensorType type, Op definingOp, int resultIndex) {
        this.name = name;
        this.type = type;
        this.definingOp = definingOp;
        this.resultIndex = resultIndex;
    }

    public String name() { return name; }

    /** Renames the value; callers keep names unique within the function (the verifier checks). */
    public void setName(String name) { this.name = name; }

    public TensorType type() { return type; }

    public void setType(TensorType type) { this.type = type; }

    /** The op whose result this is, or {@code null} for a function parameter. */
    public Op definingOp() { return definingOp; }

    public boolean isParameter() { return definingOp == null; }

    public int resultIndex() { return resultIndex; }

    public List<Use> uses() { return Collections.unmodifiableList(uses); }

    public boolean hasUses() { return !uses.isEmpty(); }

    /** Points every use of this value at {@code replacement} instead. */
    public void replaceAllUsesWith(Value replacement) {
        if (replacement == this) return;
        for (Use u : new ArrayList<>(uses)) u.user().setOperand(u.index(), replacement);
    }

    @Override
    public String toString() { return "%" + name + ": " + type; }
}
