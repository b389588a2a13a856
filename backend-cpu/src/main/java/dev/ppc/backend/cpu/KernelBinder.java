package dev.ppc.backend.cpu;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.kernels.ArgMax;
import dev.ppc.backend.cpu.kernels.Binary;
import dev.ppc.backend.cpu.kernels.Cast;
import dev.ppc.backend.cpu.kernels.Clip;
import dev.ppc.backend.cpu.kernels.Concat;
import dev.ppc.backend.cpu.kernels.ConstantOfShape;
import dev.ppc.backend.cpu.kernels.CumSum;
import dev.ppc.backend.cpu.kernels.Einsum;
import dev.ppc.backend.cpu.kernels.Expand;
import dev.ppc.backend.cpu.kernels.Fused;
import dev.ppc.backend.cpu.kernels.Gather;
import dev.ppc.backend.cpu.kernels.Gemm;
import dev.ppc.backend.cpu.kernels.Kernel;
import dev.ppc.backend.cpu.kernels.LayerNormalization;
import dev.ppc.backend.cpu.kernels.MatMul;
import dev.ppc.backend.cpu.kernels.Range;
import dev.ppc.backend.cpu.kernels.Reduce;
import dev.ppc.backend.cpu.kernels.Slice;
import dev.ppc.backend.cpu.kernels.Softmax;
import dev.ppc.backend.cpu.kernels.Split;
import dev.ppc.backend.cpu.kernels.Transpose;
import dev.ppc.backend.cpu.kernels.Trilu;
import dev.ppc.backend.cpu.kernels.Unary;
import dev.ppc.backend.cpu.kernels.Variadic;
import dev.ppc.backend.cpu.kernels.Where;
import dev.ppc.ir.DType;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.Value;
import dev.ppc.ir.schema.FusedProgram;
import dev.ppc.ir.schema.OpSchemas;
import java.util.Collections;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Binds IR ops to CPU kernels. Operands that fix a kernel's configuration (Reshape's shape,
 * Slice's starts, reduction axes, Split sizes) must be constants and are consumed here; the
 * rest are passed to the kernel at run time. Ops that only reinterpret their operand's shape
 * (Reshape, Squeeze, Unsqueeze, Flatten, Identity, inference Dropout) become views: no kernel,
 * no copy.
 */
final class KernelBinder {
    /**
     * How one op executes: a kernel fed with the listed operands, or a view of operand 0; or a
     * kernel that reads and writes other values than the op's own ({@link #rerouted}).
     */
    record Binding(Kernel kernel, int[] runtimeOperands, boolean view, List<Value> reads, List<Value> writes) {
        static Binding kernel(Kernel k, int... operands) { return new Binding(k, operands, false, null, null); }

        static Binding viewOfFirstOperand() { return new Binding(null, new int[] {0}, true, null, null); }

        /** A kernel that reads {@code reads} and writes {@code writes} (a MatMul on strided views, see {@link MatMulViews}). */
        static Binding rerouted(Kernel k, List<Value> reads, List<Value> writes) { return new Binding(k, null, false, reads, writes); }

        /** The values the kernel reads, in its input order (null entries for absent optional inputs). */
        List<Value> inputs(Op op) {
            if (reads != null) return reads;
            List<Value> in = new ArrayList<>(runtimeOperands.length);
            for (int i : runtimeOperands) in.add(op.operand(i));
            return in;
        }

        /** The values the kernel writes, in its output order. */
        List<Value> outputs(Op op) { return writes != null ? writes : op.results(); }
    }

    private static final Map<String, Binary.Op> BINARY = Map.ofEntries(
            Map.entry("Add", Binary.Op.ADD), Map.entry("Sub", Binary.Op.SUB), Map.entry("Mul", Binary.Op.MUL),
            Map.entry("Div", Binary.Op.DIV), Map.entry("Pow", Binary.Op.POW), Map.entry("Equal", Binary.Op.EQUAL),
            Map.entry("Less", Binary.Op.LESS), Map.entry("LessOrEqual", Binary.Op.LESS_OR_EQUAL),
            Map.entry("Greater", Binary.Op.GREATER), Map.entry("GreaterOrEqual", Binary.Op.GREATER_OR_EQUAL),
            Map.entry("And", Binary.Op.AND), Map.entry("Or", Binary.Op.OR), Map.entry("Xor", Binary.Op.XOR));
    private static final Map<String, Unary.Op> UNARY = Map.ofEntries(
            Map.entry("Abs", Unary.Op.ABS), Map.entry("Neg", Unary.Op.NEG), Map.entry("Sqrt", Unary.Op.SQRT),
            Map.entry("Reciprocal", Unary.Op.RECIPROCAL), Map.entry("Exp", Unary.Op.EXP), Map.entry("Log", Unary.Op.LOG),
            Map.entry("Erf", Unary.Op.ERF), Map.entry("Tanh", Unary.Op.TANH), Map.entry("Sigmoid", Unary.Op.SIGMOID),
            Map.entry("Relu", Unary.Op.RELU), Map.entry("Not", Unary.Op.NOT));
    private static final Map<String, Variadic.Op> VARIADIC = Map.of(
            "Min", Variadic.Op.MIN, "Max", Variadic.Op.MAX, "Sum", Variadic.Op.SUM, "Mean", Variadic.Op.MEAN);
    private static final Map<String, Reduce.Op> REDUCE = Map.of(
            "ReduceSum", Reduce.Op.SUM, "ReduceMean", Reduce.Op.MEAN, "ReduceMax", Reduce.Op.MAX, "ReduceMin", Reduce.Op.MIN);
    private static final Set<String> F32_ONLY = Set.of("MatMul", "Gemm", "Einsum", "Softmax", "LogSoftmax", "LayerNormalization");
    private static final Set<String> VIEWS = Set.of("Reshape", "Squeeze", "Unsqueeze", "Flatten", "Identity");
    private static final Set<String> OTHERS = Set.of("MatMul", "Gemm", "Softmax", "LogSoftmax", "LayerNormalization",
            "Transpose", "Gather", "Concat", "Split", "Slice", "Expand", "Where", "Trilu", "Range", "ConstantOfShape",
            "CumSum", "ArgMax", "Cast", "Clip", "Einsum", "Dropout");

    private KernelBinder() {}

    /** The ONNX ops this backend executes, for docs and capability queries. */
    static boolean isKnown(String name) {
        return BINARY.containsKey(name) || UNARY.containsKey(name) || VARIADIC.containsKey(name) || REDUCE.containsKey(name)
                || VIEWS.contains(name) || OTHERS.contains(name);
    }

    /** Every default-domain op name {@link #isKnown} accepts, sorted. */
    static SortedSet<String> knownOps() {
        SortedSet<String> all = new TreeSet<>();
        all.addAll(BINARY.keySet());
        all.addAll(UNARY.keySet());
        all.addAll(VARIADIC.keySet());
        all.addAll(REDUCE.keySet());
        all.addAll(VIEWS);
        all.addAll(OTHERS);
        return Collections.unmodifiableSortedSet(all);
    }

    /** Why {@code op} cannot run on the CPU backend, or {@code null} when it can. */
    static String unsupportedReason(Op op) {
        if (op.is("ppc", "constant") || op.is("ppc", "send") || op.is("ppc", "recv") || op.is("ppc", "fused")) return null;
        if (!op.domain().isEmpty() || !isKnown(op.name())) return "the CPU backend has no kernel for " + op.qualifiedName();
        return null;
    }

    /**
     * Why {@code op} cannot be bound, as one line without its location, or null when it can. It
     * runs {@link #bind} itself, so a capability query accepts exactly what compiling a stage
     * accepts. The ops a stage handles without a kernel (constants, sends, receives), ops whose
     * types are not static yet (nothing to bind against) and ops with a value over the size limit
     * (a size problem, which {@link CpuLimits} reports, not a missing kernel) give null.
     */
    static String bindingFailure(Op op, Module m) {
        if (op.is("ppc", "constant") || op.is("ppc", "send") || op.is("ppc", "recv")) return null;
        for (Value r : op.results()) if (!r.type().isStatic() || !CpuLimits.fits(r)) return null;
        for (Value v : op.operands()) if (v != null && (!v.type().isStatic() || !CpuLimits.fits(v))) return null;
        try {
            bind(op, m);
            return null;
        } catch (IrException e) {
            // bind locates its diagnostics at the op (IrException.at); the caller names the op itself.
            String located = op.describe() + ": ";
            return e.getMessage().startsWith(located) ? e.getMessage().substring(located.length()) : e.getMessage();
        }
    }

    static Binding bind(Op op, Module m) {
        String why = unsupportedReason(op);
        if (why != null) throw IrException.at(op, why);
        for (Value r : op.results()) {
            if (!r.type().isStatic()) throw IrException.at(op, "result %" + r.name() + " has type " + r.type() + "; the CPU backend needs static shapes (give --input shapes)");
        }
        for (Value v : op.operands()) {
            if (v != null && !v.type().isStatic()) throw IrException.at(op, "operand %" + v.name() + " has type " + v.type() + "; the CPU backend needs static shapes");
        }
        try {
            return bindChecked(op, m);
        } catch (IllegalArgumentException e) {
            throw IrException.at(op, e.getMessage());
        }
    }

    private static Binding bindChecked(Op op, Module m) {
        String n = op.name();
        int opset = m.opset("");
        if (op.is("ppc", "fused")) {
            long[][] shapes = operandShapes(op);
            int[] idx = allOperands(op);
            return Binding.kernel(new Fused(FusedProgram.parse(op.stringAttr("expr", "")), shapes), idx);
        }
        if (VIEWS.contains(n)) return Binding.viewOfFirstOperand();
        if (n.equals("Dropout")) return bindDropout(op, m, opset);
        if (F32_ONLY.contains(n)) {
            // These kernels take no dtype and would only notice another one when run.
            for (Value v : op.operands()) {
                if (v != null && v.type().dtype() != DType.F32) {
                    throw new IllegalArgumentException(n + " on " + v.type().dtype() + ": the CPU backend computes " + n + " in f32 only");
                }
            }
        }
        Binary.Op binary = BINARY.get(n);
        if (binary != null) {
            return Binding.kernel(new Binary(binary, type(op, 0), type(op, 1), shape(op, 0), shape(op, 1)), 0, 1);
        }
        Unary.Op unary = UNARY.get(n);
        if (unary != null) return Binding.kernel(new Unary(unary, type(op, 0), shape(op, 0)), 0);
        Variadic.Op variadic = VARIADIC.get(n);
        if (variadic != null) {
            long[][] shapes = operandShapes(op);
            int[] idx = allOperands(op);
            return Binding.kernel(new Variadic(variadic, type(op, 0), shapes), idx);
        }
        Reduce.Op reduce = REDUCE.get(n);
        if (reduce != null) {
            int axesInputSince = n.equals("ReduceSum") ? 13 : 18;
            long[] axes = opset >= axesInputSince ? (op.operand(1) == null ? null : constantLongs(op, 1, m)) : op.intsAttr("axes");
            return Binding.kernel(new Reduce(reduce, type(op, 0), shape(op, 0), axes, op.intAttr("keepdims", 1) != 0,
                    op.intAttr("noop_with_empty_axes", 0) != 0), 0);
        }
        switch (n) {
            case "MatMul":
                return Binding.kernel(new MatMul(shape(op, 0), shape(op, 1)), 0, 1);
            case "Gemm": {
                boolean hasC = op.operand(2) != null;
                Kernel k = new Gemm(shape(op, 0), shape(op, 1), hasC ? shape(op, 2) : null, op.floatAttr("alpha", 1f),
                        op.floatAttr("beta", 1f), op.intAttr("transA", 0) != 0, op.intAttr("transB", 0) != 0);
                return hasC ? Binding.kernel(k, 0, 1, 2) : Binding.kernel(k, 0, 1);
            }
            case "Softmax":
            case "LogSoftmax": {
                boolean log = n.equals("LogSoftmax");
                long[] s = shape(op, 0);
                if (opset >= 13) return Binding.kernel(new Softmax(s, op.intAttr("axis", -1), log), 0);
                // Before opset 13 the input is coerced to 2-D at 'axis' and normalized over the second dim.
                int axis = (int) normalize(op.intAttr("axis", 1), s.length);
                long rows = 1, cols = 1;
                for (int i = 0; i < s.length; i++) {
                    if (i < axis) rows *= s[i];
                    else cols *= s[i];
                }
                return Binding.kernel(new ReshapingKernel(new Softmax(new long[] {rows, cols}, 1, log), new long[][] {{rows, cols}}, s), 0);
            }
            case "LayerNormalization": {
                boolean hasBias = op.operand(2) != null;
                Kernel k = new LayerNormalization(shape(op, 0), shape(op, 1), hasBias ? shape(op, 2) : null,
                        op.intAttr("axis", -1), op.floatAttr("epsilon", 1e-5f));
                return hasBias ? Binding.kernel(k, 0, 1, 2) : Binding.kernel(k, 0, 1);
            }
            case "Transpose": {
                long[] perm = op.intsAttr("perm");
                int r = shape(op, 0).length;
                if (perm == null) {
                    perm = new long[r];
                    for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
                }
                return Binding.kernel(new Transpose(type(op, 0), shape(op, 0), perm), 0);
            }
            case "Gather":
                return Binding.kernel(new Gather(type(op, 0), shape(op, 0), type(op, 1), shape(op, 1), op.intAttr("axis", 0)), 0, 1);
            case "Concat": {
                long[][] shapes = operandShapes(op);
                int[] idx = allOperands(op);
                return Binding.kernel(new Concat(type(op, 0), op.intAttr("axis", 0), shapes), idx);
            }
            case "Split": {
                long axis = op.intAttr("axis", 0);
                int ax = (int) normalize(axis, shape(op, 0).length);
                long[] sizes = new long[op.results().size()];
                for (int i = 0; i < sizes.length; i++) sizes[i] = op.result(i).type().shape()[ax];
                return Binding.kernel(new Split(type(op, 0), shape(op, 0), axis, sizes), 0);
            }
            case "Slice": {
                long[] starts, ends, axes, steps;
                if (opset < 10) {
                    starts = op.intsAttr("starts");
                    ends = op.intsAttr("ends");
                    axes = op.intsAttr("axes");
                    steps = null;
                } else {
                    starts = constantLongs(op, 1, m);
                    ends = constantLongs(op, 2, m);
                    axes = op.operand(3) == null ? null : constantLongs(op, 3, m);
                    steps = op.operand(4) == null ? null : constantLongs(op, 4, m);
                }
                return Binding.kernel(new Slice(type(op, 0), shape(op, 0), starts, ends, axes, steps), 0);
            }
            case "Expand":
                return Binding.kernel(new Expand(type(op, 0), shape(op, 0), op.result().type().shape()), 0);
            case "Where":
                return Binding.kernel(new Where(type(op, 1), shape(op, 0), shape(op, 1), shape(op, 2)), 0, 1, 2);
            case "Trilu": {
                long k = op.operand(1) == null ? 0 : constantLongs(op, 1, m)[0];
                return Binding.kernel(new Trilu(type(op, 0), shape(op, 0), op.intAttr("upper", 1) != 0, k), 0);
            }
            case "Range":
                return Binding.kernel(new Range(type(op, 0), op.result().type().shape()[0]), 0, 1, 2);
            case "ConstantOfShape": {
                TensorData value = op.tensorAttr("value");
                Tensor v = value == null ? Tensor.ofFloats(new long[] {1}, 0f) : CpuTensors.fromData(value);
                return Binding.kernel(new ConstantOfShape(op.result().type().shape(), v));
            }
            case "CumSum":
                return Binding.kernel(new CumSum(type(op, 0), shape(op, 0), constantLongs(op, 1, m)[0],
                        op.intAttr("exclusive", 0) != 0, op.intAttr("reverse", 0) != 0), 0);
            case "ArgMax":
                return Binding.kernel(new ArgMax(type(op, 0), shape(op, 0), op.intAttr("axis", 0), op.intAttr("keepdims", 1) != 0,
                        op.intAttr("select_last_index", 0) != 0), 0);
            case "Cast":
                return Binding.kernel(new Cast(type(op, 0), op.result().type().dtype(), shape(op, 0)), 0);
            case "Clip": {
                if (opset >= 11) {
                    int[] idx = op.numOperands() == 3 ? new int[] {0, 1, 2} : op.numOperands() == 2 ? new int[] {0, 1} : new int[] {0};
                    return Binding.kernel(new Clip(type(op, 0), shape(op, 0)), idx);
                }
                // Opset 6 Clip has min/max attributes; feed them to the kernel as constant scalars.
                Tensor lo = Tensor.scalarFloat(op.floatAttr("min", -Float.MAX_VALUE));
                Tensor hi = Tensor.scalarFloat(op.floatAttr("max", Float.MAX_VALUE));
                return Binding.kernel(new ConstantOperands(new Clip(type(op, 0), shape(op, 0)), 1, lo, hi), 0);
            }
            case "Einsum": {
                long[][] shapes = operandShapes(op);
                int[] idx = allOperands(op);
                return Binding.kernel(new Einsum(op.stringAttr("equation", ""), shapes), idx);
            }
            default:
                throw IrException.at(op, "the CPU backend has no kernel for " + n);
        }
    }

    /**
     * Dropout keeps every element in inference and when its ratio is 0; then it is a view, or a
     * copy plus an all-true mask when the mask output exists. From opset 12 the third operand
     * switches training on; a training Dropout with a nonzero ratio draws a random mask, which
     * this backend does not do.
     */
    private static Binding bindDropout(Op op, Module m, int opset) {
        if (opset >= 12 && op.operand(2) != null) {
            boolean training = constantLongs(op, 2, m)[0] != 0;
            double ratio = op.operand(1) == null ? 0.5 : constantDoubles(op, 1, m)[0];
            if (training && ratio != 0) {
                throw new IllegalArgumentException("Dropout in training mode with ratio " + ratio
                        + " draws a random mask; the CPU backend runs Dropout only where it keeps every element (inference, or ratio 0)");
            }
        }
        if (op.results().size() == 1) return Binding.viewOfFirstOperand();
        DType maskType = op.result(1).type().dtype();
        Tensor one = CpuTensors.fromData(TensorData.ofNumbers(maskType, new long[0], new double[] {1}));
        return Binding.kernel(new InferenceDropout(type(op, 0), shape(op, 0), one), 0);
    }

    private static long normalize(long axis, int rank) { return axis < 0 ? axis + rank : axis; }

    /** The static shape of every operand, in order. */
    private static long[][] operandShapes(Op op) {
        long[][] shapes = new long[op.numOperands()][];
        for (int i = 0; i < shapes.length; i++) shapes[i] = shape(op, i);
        return shapes;
    }

    /** Operand indices 0..n-1: every operand is passed to the kernel. */
    private static int[] allOperands(Op op) {
        return java.util.stream.IntStream.range(0, op.numOperands()).toArray();
    }

    private static DType type(Op op, int i) { return operand(op, i).type().dtype(); }

    private static long[] shape(Op op, int i) { return operand(op, i).type().shape(); }

    private static Value operand(Op op, int i) {
        Value v = op.operand(i);
        if (v == null) throw IrException.at(op, "operand " + i + " is required");
        return v;
    }

    private static long[] constantLongs(Op op, int i, Module m) { return constantData(op, i, m).toLongs(); }

    private static double[] constantDoubles(Op op, int i, Module m) { return constantData(op, i, m).toDoubles(); }

    private static TensorData constantData(Op op, int i, Module m) {
        TensorData d = OpSchemas.constantValue(operand(op, i), m);
        if (d == null || !d.hasData()) {
            throw IrException.at(op, "operand " + i + " must be a constant for the CPU backend (run shape specialization and constant folding first)");
        }
        return d;
    }
}
