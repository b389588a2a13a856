package dev.ppc.ir.schema;

import dev.ppc.ir.DType;
import dev.ppc.ir.IrException;
import dev.ppc.ir.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The body of a {@code ppc.fused} op: a straight-line program of ONNX element-wise ops over the
 * op's operands, evaluated element by element. The fusion pass writes it, the CPU backend compiles
 * it, and this class is the one definition of its text form, which is the op's {@code expr}
 * attribute.
 *
 * <p>Text: steps separated by {@code "; "}, each {@code Name(arg, ...)}. An argument is an operand
 * of the fused op ({@code %0}, {@code %1}, ...), the result of an earlier step ({@code $0} is the
 * first step's), or an f32 literal written as {@link Float#toString} writes it (so it parses back
 * to the same bits). The last step's result is the op's result. For example the tanh form of GELU
 * after a bias add:
 * <pre>
 *   Add(%0, %1); Mul($0, 0.5); Pow($0, 3.0); Mul($2, 0.044715); Add($0, $3); Mul($4, 0.7978846);
 *   Tanh($5); Add($6, 1.0); Mul($1, $7)
 * </pre>
 *
 * <p>Every step computes exactly what the ONNX op of that name computes on f32 tensors, with the
 * same rounding (each step's result is an f32), so that a fused op gives the same bits as the ops
 * it replaced. Rules that keep that promise checkable: Pow's exponent is the literal 2.0 or 3.0;
 * Where's condition is an operand (bool), never a step result or a literal, and an operand used as
 * a condition is used only as one; every operand is used; every step but the last is used by a
 * later one. Operands broadcast against each other as in ONNX, so the result's shape is the
 * broadcast of all operand shapes; its dtype is f32.
 */
public final class FusedProgram {
    /** The ops a step may apply, with their ONNX names and arities. */
    public enum Kind {
        ADD("Add", 2), SUB("Sub", 2), MUL("Mul", 2), DIV("Div", 2), POW("Pow", 2),
        NEG("Neg", 1), ABS("Abs", 1), SQRT("Sqrt", 1), RECIPROCAL("Reciprocal", 1), EXP("Exp", 1),
        TANH("Tanh", 1), ERF("Erf", 1), SIGMOID("Sigmoid", 1), RELU("Relu", 1), WHERE("Where", 3);

        private final String onnxName;
        private final int arity;

        Kind(String onnxName, int arity) {
            this.onnxName = onnxName;
            this.arity = arity;
        }

        /** The ONNX op name, which is also the step's name in the text form. */
        public String onnxName() { return onnxName; }

        public int arity() { return arity; }

        /** The kind named {@code onnxName}, or {@code null}. */
        public static Kind byOnnxName(String onnxName) {
            for (Kind k : values()) if (k.onnxName.equals(onnxName)) return k;
            return null;
        }
    }

    /** A step's argument: an operand, an earlier step's result, or a literal. */
    public sealed interface Arg permits Operand, StepResult, Literal {}

    /** Operand {@code index} of the fused op. */
    public record Operand(int index) implements Arg {
        @Override
        public String toString() { return "%" + index; }
    }

    /** The result of step {@code index}. */
    public record StepResult(int index) implements Arg {
        @Override
        public String toString() { return "$" + index; }
    }

    /** An f32 constant; equality is by bits, so -0.0 and NaN payloads are kept apart. */
    public record Literal(float value) implements Arg {
        @Override
        public boolean equals(Object o) {
            return o instanceof Literal l && Float.floatToRawIntBits(l.value) == Float.floatToRawIntBits(value);
        }

        @Override
        public int hashCode() { return Float.floatToRawIntBits(value); }

        @Override
        public String toString() { return Float.toString(value); }
    }

    /** One step: an op applied to its arguments. */
    public record Step(Kind kind, List<Arg> args) {
        public Step {
            args = List.copyOf(args);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(kind.onnxName).append('(');
            for (int i = 0; i < args.size(); i++) sb.append(i == 0 ? "" : ", ").append(args.get(i));
            return sb.append(')').toString();
        }
    }

    private final List<Step> steps;
    private final int numOperands;
    private final boolean[] condition;

    private FusedProgram(List<Step> steps, int numOperands, boolean[] condition) {
        this.steps = steps;
        this.numOperands = numOperands;
        this.condition = condition;
    }

    /**
     * A program from its steps, checked against the rules in the class comment.
     *
     * @throws IllegalArgumentException naming the step that breaks a rule
     */
    public static FusedProgram of(List<Step> steps) {
        if (steps.isEmpty()) throw new IllegalArgumentException("a fused program needs at least one step");
        List<Step> copy = List.copyOf(steps);
        int maxOperand = -1;
        Set<Integer> dataOperands = new LinkedHashSet<>();
        Set<Integer> conditionOperands = new LinkedHashSet<>();
        boolean[] stepUsed = new boolean[copy.size()];
        for (int s = 0; s < copy.size(); s++) {
            Step st = copy.get(s);
            if (st.args().size() != st.kind().arity()) {
                throw new IllegalArgumentException("step $" + s + " " + st + ": " + st.kind().onnxName() + " takes "
                        + st.kind().arity() + " arguments");
            }
            for (int a = 0; a < st.args().size(); a++) {
                Arg arg = st.args().get(a);
                boolean isCondition = st.kind() == Kind.WHERE && a == 0;
                if (isCondition && !(arg instanceof Operand)) {
                    throw new IllegalArgumentException("step $" + s + " " + st + ": Where's condition must be an operand");
                }
                if (arg instanceof Operand o) {
                    if (o.index() < 0) throw new IllegalArgumentException("step $" + s + " " + st + ": negative operand index");
                    maxOperand = Math.max(maxOperand, o.index());
                    (isCondition ? conditionOperands : dataOperands).add(o.index());
                } else if (arg instanceof StepResult r) {
                    if (r.index() < 0 || r.index() >= s) {
                        throw new IllegalArgumentException("step $" + s + " " + st + ": $" + r.index() + " is not an earlier step");
                    }
                    stepUsed[r.index()] = true;
                }
            }
            if (st.kind() == Kind.POW) {
                Arg e = st.args().get(1);
                if (!(e instanceof Literal l) || (l.value() != 2f && l.value() != 3f)) {
                    throw new IllegalArgumentException("step $" + s + " " + st + ": Pow's exponent must be the literal 2.0 or 3.0");
                }
            }
        }
        for (int s = 0; s + 1 < copy.size(); s++) {
            if (!stepUsed[s]) throw new IllegalArgumentException("step $" + s + " " + copy.get(s) + " is not used by a later step");
        }
        boolean[] condition = new boolean[maxOperand + 1];
        for (int i = 0; i <= maxOperand; i++) {
            boolean d = dataOperands.contains(i), c = conditionOperands.contains(i);
            if (!d && !c) throw new IllegalArgumentException("operand %" + i + " is not used");
            if (d && c) throw new IllegalArgumentException("operand %" + i + " is used both as a Where condition and as data");
            condition[i] = c;
        }
        return new FusedProgram(copy, maxOperand + 1, condition);
    }

    /**
     * Parses the text form.
     *
     * @throws IllegalArgumentException with the offending text and what was expected
     */
    public static FusedProgram parse(String text) {
        List<Step> steps = new ArrayList<>();
        for (String part : text.split(";", -1)) {
            String p = part.strip();
            int open = p.indexOf('(');
            if (open <= 0 || !p.endsWith(")")) throw new IllegalArgumentException("'" + p + "' is not Name(args)");
            Kind kind = Kind.byOnnxName(p.substring(0, open).strip());
            if (kind == null) {
                throw new IllegalArgumentException("'" + p.substring(0, open).strip() + "' is not a fusable op; known: "
                        + Arrays.toString(Arrays.stream(Kind.values()).map(Kind::onnxName).toArray()));
            }
            String inner = p.substring(open + 1, p.length() - 1).strip();
            List<Arg> args = new ArrayList<>();
            if (!inner.isEmpty()) for (String a : inner.split(",", -1)) args.add(parseArg(a.strip(), p));
            steps.add(new Step(kind, args));
        }
        return of(steps);
    }

    private static Arg parseArg(String a, String step) {
        try {
            if (a.startsWith("%")) return new Operand(Integer.parseInt(a.substring(1)));
            if (a.startsWith("$")) return new StepResult(Integer.parseInt(a.substring(1)));
            // Only Float.toString's forms, so that the text stays canonical: no "1", "0x1p0" or "1f".
            if (!a.matches("-?(NaN|Infinity|\\d+\\.\\d+(E-?\\d+)?)")) throw new NumberFormatException(a);
            float v = Float.parseFloat(a);
            if (!Float.toString(v).equals(a)) throw new NumberFormatException(a);
            return new Literal(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("in '" + step + "': '" + a + "' is not %N, $N or an f32 literal as Float.toString writes it");
        }
    }

    /** The steps, in evaluation order. */
    public List<Step> steps() { return Collections.unmodifiableList(steps); }

    /** How many operands the fused op has (every one is used). */
    public int numOperands() { return numOperands; }

    /** Whether operand {@code i} is a Where condition (bool) rather than f32 data. */
    public boolean isCondition(int i) { return condition[i]; }

    /** The text form; {@code parse(p.text())} equals {@code p}. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < steps.size(); s++) sb.append(s == 0 ? "" : "; ").append(steps.get(s));
        return sb.toString();
    }

    /** The distinct op kinds used, in first-use order (for profiles and summaries). */
    public List<Kind> kinds() {
        Set<Kind> ks = new LinkedHashSet<>();
        for (Step s : steps) ks.add(s.kind());
        return List.copyOf(ks);
    }

    @Override
    public boolean equals(Object o) { return o instanceof FusedProgram p && p.steps.equals(steps); }

    @Override
    public int hashCode() { return steps.hashCode(); }

    @Override
    public String toString() { return text(); }

    /** Type inference of {@code ppc.fused}: checks the operands' dtypes and broadcasts their shapes. */
    static List<TensorType> infer(InferenceContext ctx) {
        FusedProgram p;
        try {
            p = parse(ctx.stringAttr("expr", ""));
        } catch (IllegalArgumentException e) {
            throw new IrException("expr: " + e.getMessage());
        }
        if (ctx.numInputs() != p.numOperands()) {
            throw new IrException("expr uses " + p.numOperands() + " operands, the op has " + ctx.numInputs());
        }
        List<TensorType> types = new ArrayList<>();
        for (int i = 0; i < ctx.numInputs(); i++) {
            if (!ctx.hasInput(i)) throw new IrException("operand " + i + " is missing");
            TensorType t = ctx.input(i);
            DType want = p.isCondition(i) ? DType.BOOL : DType.F32;
            if (t.dtype() != want) throw new IrException("operand " + i + " must be " + want.textName() + ", got " + t);
            types.add(t);
        }
        return List.of(ShapeRules.broadcast(DType.F32, types));
    }
}
