package dev.ppc.passes.batch;

import dev.ppc.ir.DType;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.Value;
import dev.ppc.ir.schema.OpSchemas;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Proves that a model can be split into microbatches along the batch axes of its inputs: that no
 * op mixes elements of different samples, so that running the model on each microbatch and
 * gathering the outputs gives what the model gives on the whole batch.
 *
 * <p>It runs on the entry function of a specialized, cleaned module (every type static, shape
 * arithmetic folded into constants), at the full batch. Starting from the inputs, it walks the
 * ops in program order and records, for every value computed from the inputs, the dim that holds
 * the batch ({@link BatchDim}); values computed from constants alone hold none. Every such value
 * must carry the batch exactly once, or the op that produced it is refused. The rules, per op:
 * <ul>
 *   <li><b>element-wise and broadcasting ops</b> (unary maps, Add/Mul/.../Where, comparisons,
 *       Cast, Clip, Dropout): operands that carry the batch must carry it at the same output
 *       axis; a constant operand must be broadcast along it (size 1 or missing there), or be the
 *       same for every sample (a folded {@code zeros(B, T)}), which is then cut to the microbatch;</li>
 *   <li><b>MatMul, Gemm, Einsum</b>: the batch may sit in a batch dim of either operand or in the
 *       rows of A (or the columns of B); in the contracted dim it is summed over (refused), and
 *       rows of A that carry it times columns of B that carry it pair every sample with every other
 *       (attention over the batch axis: refused);</li>
 *   <li><b>Softmax, LayerNormalization, reductions, ArgMax, CumSum, TopK</b>: fine unless they act
 *       along the batch axis;</li>
 *   <li><b>Transpose</b> moves it; <b>Reshape, Flatten, Squeeze, Unsqueeze</b> keep it if the batch
 *       lies within one output dim, possibly merged with neighbours ([B, S, H] to [B*S, H] is
 *       fine, [4, S] to [2, 2*S] splits it and is refused); a Reshape's shape entry for that dim is
 *       the one that holds the batch size;</li>
 *   <li><b>Gather</b>: indices that carry it put it in the output; data that carries it must not
 *       be gathered along it; <b>Slice</b>, <b>Pad</b>, <b>Split</b>, <b>Concat</b>, <b>Tile</b>:
 *       only if they leave the batch axis whole; <b>Expand</b>: its shape entry for the batch axis
 *       is 1 or the batch size;</li>
 *   <li>any other op that reads a batched value is refused: the analysis proves, it does not guess.</li>
 * </ul>
 * Every model output must carry the batch as the outermost part of one dim.
 *
 * <p>The result says, for every batched value, where it carries the batch, and lists the constant
 * operands that hold the batch size ({@link Rewrite}s), so that {@link Rebatch} can turn the
 * module into one for a microbatch. A refusal is a {@link BatchAxisException} that names the input
 * axes, the op and its location, and the reason.
 */
public final class BatchAxisAnalysis {
    /** A constant operand that depends on the batch size, to be rewritten for a microbatch. */
    public sealed interface Rewrite permits ShapeEntry, UniformConstant {
        /** The op that reads the constant. */
        Op op();

        /** Its operand index. */
        int operand();
    }

    /**
     * Entry {@code entry} of a 1-D shape operand (Reshape's shape, Expand's shape) is the size of
     * the output dim {@code dim}, which holds the batch: {@code dim.size(batch)}.
     */
    public record ShapeEntry(Op op, int operand, int entry, BatchDim dim) implements Rewrite {}

    /**
     * A constant operand that spans the batch along {@code dim} (an axis of the constant itself)
     * and is the same for every sample; a microbatch takes its first samples' share.
     */
    public record UniformConstant(Op op, int operand, BatchDim dim) implements Rewrite {}

    /**
     * What the analysis proved.
     *
     * @param batch      the batch size: the inputs' size along their batch axes
     * @param inputAxes  the batch axis of every input, in parameter order
     * @param outputAxes the batch axis of every output, in output order
     * @param dims       for every value that carries the batch (inputs included), where
     * @param rewrites   the constant operands that hold the batch size, in program order
     */
    public record Result(long batch, Map<String, Integer> inputAxes, Map<String, Integer> outputAxes, Map<Value, BatchDim> dims,
                         List<Rewrite> rewrites) {
        public Result {
            inputAxes = Collections.unmodifiableMap(new LinkedHashMap<>(inputAxes));
            outputAxes = Collections.unmodifiableMap(new LinkedHashMap<>(outputAxes));
            dims = Collections.unmodifiableMap(new IdentityHashMap<>(dims));
            rewrites = List.copyOf(rewrites);
        }

        /**
         * The proof as text, for tests and dumps: one line per batched value of {@code f} in program
         * order ({@code %x: axis 1}), one per rewrite, one per output.
         */
        public String toText(Function f) {
            StringBuilder sb = new StringBuilder("batch ").append(batch).append('\n');
            for (Value p : f.params()) line(sb, p);
            for (Op op : f.ops()) for (Value r : op.results()) line(sb, r);
            for (Rewrite w : rewrites) {
                if (w instanceof ShapeEntry s) {
                    sb.append("shape entry: ").append(s.op().describe()).append(" operand ").append(s.operand()).append(" entry ").append(s.entry());
                } else if (w instanceof UniformConstant u) {
                    sb.append("uniform constant: ").append(u.op().describe()).append(" operand ").append(u.operand()).append(' ').append(u.dim());
                }
                sb.append('\n');
            }
            outputAxes.forEach((name, axis) -> sb.append("output ").append(name).append(": axis ").append(axis).append('\n'));
            return sb.toString();
        }

        private void line(StringBuilder sb, Value v) {
            BatchDim d = dims.get(v);
            if (d != null) sb.append('%').append(v.name()).append(": ").append(d).append('\n');
        }
    }

    private static final Set<String> UNARY = Set.of("Abs", "Neg", "Sqrt", "Reciprocal", "Exp", "Log", "Tanh", "Sigmoid", "Relu",
            "Floor", "Ceil", "Sign", "Round", "Softsign", "Softplus", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh",
            "Asinh", "Acosh", "Atanh", "Erf", "Not", "Identity", "LeakyRelu", "Elu", "Celu", "Selu", "HardSigmoid", "HardSwish",
            "ThresholdedRelu", "Shrink", "Mish", "IsNaN", "IsInf", "BitwiseNot", "Cast", "CastLike", "Clip", "Dropout", "Gelu");
    private static final Set<String> BROADCASTING = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Mod", "PRelu", "BitShift", "And", "Or",
            "Xor", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Where",
            "Min", "Max", "Sum", "Mean");
    private static final Set<String> REDUCTIONS = Set.of("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
            "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");
    private static final Set<String> MEMORY_RESHAPES = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze");

    private final Module module;
    private final long batch;
    private final String along;
    private final int opset;
    private final Map<Value, BatchDim> dims = new IdentityHashMap<>();
    private final List<Rewrite> rewrites = new ArrayList<>();

    private BatchAxisAnalysis(Module module, long batch, String along) {
        this.module = module;
        this.batch = batch;
        this.along = along;
        this.opset = module.opset("");
    }

    /**
     * Proves that {@code module}'s entry function keeps samples apart along {@code inputAxes}.
     *
     * @param inputAxes the batch axis of every input of the entry function, by name
     * @throws BatchAxisException if the inputs' batch sizes differ, an op mixes samples, a constant
     *                            differs between samples or an output has no batch axis
     * @throws IrException        if an input is not static or has no such axis
     */
    public static Result analyze(Module module, Map<String, Integer> inputAxes) {
        Function f = module.main();
        List<String> parts = new ArrayList<>();
        long batch = -1;
        String first = null;
        for (Value p : f.params()) {
            Integer axis = inputAxes.get(p.name());
            if (axis == null) throw new IllegalArgumentException("no batch axis given for input '" + p.name() + "'");
            if (!p.type().isStatic()) throw new IrException("input '" + p.name() + "' has type " + p.type() + "; its shape must be static to be microbatched");
            long[] shape = p.type().shape();
            if (axis < 0 || axis >= shape.length) {
                throw new IrException("input '" + p.name() + "' has no axis " + axis + " (its type is " + p.type() + ")");
            }
            if (batch >= 0 && shape[axis] != batch) {
                throw new BatchAxisException("input '" + p.name() + "' has " + shape[axis] + " samples along axis " + axis + " but input '" + first
                        + "' has " + batch + "; the batch axes of all inputs must have the same size (choose them with --batch-axis NAME=AXIS)");
            }
            if (batch < 0) {
                batch = shape[axis];
                first = p.name();
            }
            parts.add(p.name() + " axis " + axis);
        }
        if (batch < 2) throw new IllegalArgumentException("a batch of " + batch + " sample(s) says nothing about how samples are kept apart");
        BatchAxisAnalysis a = new BatchAxisAnalysis(module, batch, (parts.size() == 1 ? "input " : "inputs ") + String.join(", ", parts));
        for (Value p : f.params()) a.dims.put(p, BatchDim.plain(inputAxes.get(p.name())));
        for (Op op : f.ops()) {
            if (op.operands().stream().anyMatch(a.dims::containsKey)) a.visit(op);
        }
        Map<String, Integer> outputs = new LinkedHashMap<>();
        for (Function.Output o : f.outputs()) {
            BatchDim d = a.dims.get(o.value());
            if (d == null) {
                throw new BatchAxisException("cannot microbatch along " + a.along + ": output '" + o.name() + "' does not depend on the inputs' "
                        + "samples (it has no batch axis), so its microbatches could not be put together");
            }
            if (d.outer() != 1) {
                throw new BatchAxisException("cannot microbatch along " + a.along + ": output '" + o.name() + "' holds the batch merged with "
                        + "the dims before it in axis " + d.axis() + " (" + d + "), so its samples are not one block per microbatch");
            }
            outputs.put(o.name(), d.axis());
        }
        Map<String, Integer> inputs = new LinkedHashMap<>();
        for (Value p : f.params()) inputs.put(p.name(), inputAxes.get(p.name()));
        return new Result(batch, inputs, outputs, a.dims, a.rewrites);
    }

    private BatchAxisException refuse(Op op, String why) {
        return new BatchAxisException("cannot microbatch along " + along + ": " + op.describe() + " " + why);
    }

    private static boolean isOnnx(Op op) { return op.domain().isEmpty() || op.domain().equals("ai.onnx"); }

    private BatchDim dim(Value v) { return v == null ? null : dims.get(v); }

    private static int rank(Value v) { return v.type().rank(); }

    private static long[] shape(Value v) { return v.type().shape(); }

    private void setAll(Op op, BatchDim d) { for (Value r : op.results()) dims.put(r, d); }

    /** Operand {@code i} must not carry the batch: it is a shape, axes or a parameter of the op. */
    private void requireUnbatched(Op op, int i, String role) {
        Value v = op.operand(i);
        if (dim(v) != null) throw refuse(op, "takes its " + role + " (%" + v.name() + ") from the batch, so it differs from sample to sample");
    }

    private void visit(Op op) {
        String name = op.name();
        if (!isOnnx(op)) throw refuse(op, "is not an ONNX op the batch-axis analysis knows, so it cannot prove that it keeps samples apart");
        if (UNARY.contains(name)) {
            BatchDim d = dim(op.operand(0));
            if (d == null) throw refuse(op, "takes a parameter from the batch, so it differs from sample to sample");
            setAll(op, d);
        } else if (BROADCASTING.contains(name)) {
            if (op.hasAttribute("broadcast")) throw refuse(op, "uses the legacy 'broadcast' attribute, which the batch-axis analysis does not handle");
            broadcast(op);
        } else if (REDUCTIONS.contains(name)) {
            reduce(op);
        } else if (MEMORY_RESHAPES.contains(name)) {
            memoryReshape(op);
        } else {
            switch (name) {
                case "MatMul" -> matmul(op);
                case "Gemm" -> gemm(op);
                case "Einsum" -> einsum(op);
                case "Softmax", "LogSoftmax", "Hardmax" -> softmax(op);
                case "LayerNormalization" -> layerNorm(op);
                case "ArgMax", "ArgMin" -> argReduce(op);
                case "CumSum" -> cumSum(op);
                case "TopK" -> topK(op);
                case "Trilu" -> trilu(op);
                case "Transpose" -> transpose(op);
                case "Expand" -> expand(op);
                case "Tile" -> tile(op);
                case "Concat" -> concat(op);
                case "Split" -> split(op);
                case "Slice" -> slice(op);
                case "Gather" -> gather(op);
                case "Pad" -> pad(op);
                default -> throw refuse(op, "is an op the batch-axis analysis does not know (" + name + "), so it cannot prove that it keeps "
                        + "samples apart");
            }
        }
    }

    // ---- element-wise ----

    private void broadcast(Op op) {
        int r = rank(op.result(0));
        BatchDim out = null;
        Value from = null;
        for (Value v : op.operands()) {
            BatchDim d = dim(v);
            if (d == null) continue;
            BatchDim here = d.at(r - rank(v) + d.axis());
            if (out == null) {
                out = here;
                from = v;
            } else if (!out.equals(here)) {
                throw refuse(op, "combines different samples: %" + from.name() + " carries the batch at output " + out + " and %" + v.name()
                        + " at " + here);
            }
        }
        for (int i = 0; i < op.numOperands(); i++) {
            Value v = op.operand(i);
            if (v == null || dim(v) != null) continue;
            int pos = out.axis() - (r - rank(v));
            if (pos >= 0 && shape(v)[pos] != 1) requireUniform(op, i, out.at(pos));
        }
        setAll(op, out);
    }

    /**
     * Operand {@code i}, which does not carry the batch, spans it along {@code d} (its own axis):
     * it must be a constant that is the same for every sample, which a microbatch then cuts.
     */
    private void requireUniform(Op op, int i, BatchDim d) {
        Value v = op.operand(i);
        TensorData c = OpSchemas.constantValue(v, module);
        long size = shape(v)[d.axis()];
        if (size != d.size(batch)) {
            throw refuse(op, "broadcasts %" + v.name() + " (" + size + " along the batch axis) against the batch, so it differs from sample to sample");
        }
        if (c == null || !c.hasData() || c.dtype() == DType.STRING || c.dtype() == DType.U4 || c.dtype() == DType.I4) {
            throw refuse(op, "combines the batch with %" + v.name() + ", which spans the batch axis and is not a constant the analysis can "
                    + "check to be the same for every sample");
        }
        if (!uniform(c, d)) throw refuse(op, "combines the batch with the constant %" + v.name() + ", which differs from sample to sample");
        rewrites.add(new UniformConstant(op, i, d));
    }

    private boolean uniform(TensorData c, BatchDim d) {
        long[] s = c.shape();
        long prefix = d.outer();
        for (int k = 0; k < d.axis(); k++) prefix *= s[k];
        long block = d.inner() * c.dtype().byteSize();
        for (int k = d.axis() + 1; k < s.length; k++) block *= s[k];
        ByteBuffer bytes = c.bytes();
        int len = Math.toIntExact(block);
        for (long p = 0; p < prefix; p++) {
            int base = Math.toIntExact(p * batch * block);
            ByteBuffer first = bytes.slice(base, len);
            for (long k = 1; k < batch; k++) {
                if (!bytes.slice(Math.toIntExact(base + k * block), len).equals(first)) return false;
            }
        }
        return true;
    }

    // ---- contractions ----

    /** A batched operand's place in a matrix product: a batch dim, the rows, the columns or the contracted dim. */
    private enum Role { BATCH, ROWS, COLUMNS, CONTRACTED }

    private void matmul(Op op) {
        Value a = op.operand(0), b = op.operand(1);
        int ra = rank(a), rb = rank(b);
        int batchRank = Math.max(Math.max(ra, 2), Math.max(rb, 2)) - 2;
        BatchDim da = dim(a), db = dim(b);
        Role roleA = null, roleB = null;
        int effA = -1, effB = -1;
        if (da != null) {
            roleA = ra == 1 || da.axis() == ra - 1 ? Role.CONTRACTED : da.axis() == ra - 2 ? Role.ROWS : Role.BATCH;
            effA = roleA == Role.ROWS ? batchRank : batchRank - (ra - 2) + da.axis();
        }
        if (db != null) {
            roleB = rb == 1 || db.axis() == rb - 2 ? Role.CONTRACTED : db.axis() == rb - 1 ? Role.COLUMNS : Role.BATCH;
            effB = roleB == Role.COLUMNS ? batchRank + 1 : batchRank - (rb - 2) + db.axis();
        }
        if (roleA == Role.CONTRACTED || roleB == Role.CONTRACTED) {
            throw refuse(op, "contracts the batch axis (it sums over samples)");
        }
        if (da != null && db != null) {
            if (roleA == Role.ROWS || roleB == Role.COLUMNS) {
                throw refuse(op, "pairs every sample with every other sample (attention over the batch axis)");
            }
            if (effA != effB || !da.at(0).equals(db.at(0))) {
                throw refuse(op, "combines different samples: %" + a.name() + " carries the batch at " + da + " and %" + b.name() + " at " + db);
            }
        }
        BatchDim d = da != null ? da : db;
        int eff = da != null ? effA : effB;
        Role role = da != null ? roleA : roleB;
        if (role == Role.BATCH) {
            // The other operand meets the batch in its own batch dims, if it has one there.
            int other = da != null ? 1 : 0;
            Value o = op.operand(other);
            if (dim(o) == null && rank(o) >= 3) {
                int pos = eff - (batchRank - (rank(o) - 2));
                if (pos >= 0 && shape(o)[pos] != 1) requireUniform(op, other, d.at(pos));
            }
        }
        // Vector operands have no rows or columns in the result.
        int out = eff;
        if (ra == 1 && eff >= batchRank) out--;
        setAll(op, d.at(out));
    }

    private void gemm(Op op) {
        BatchDim da = dim(op.operand(0)), db = dim(op.operand(1)), dc = dim(op.operand(2));
        boolean ta = op.intAttr("transA", 0) != 0, tb = op.intAttr("transB", 0) != 0;
        if (da != null && da.axis() != (ta ? 1 : 0) || db != null && db.axis() != (tb ? 0 : 1)) {
            throw refuse(op, "contracts the batch axis (it sums over samples)");
        }
        if (da != null && db != null) throw refuse(op, "pairs every sample with every other sample (its rows and columns both carry the batch)");
        BatchDim out;
        if (da != null) out = da.at(0);
        else if (db != null) out = db.at(1);
        else throw refuse(op, "adds a batched C to a product of constants, which the batch-axis analysis does not handle");
        Value c = op.operand(2);
        if (dc != null) {
            if (!dc.at(2 - rank(c) + dc.axis()).equals(out)) throw refuse(op, "combines different samples: C carries the batch at " + dc + ", A*B at output " + out);
        } else if (c != null) {
            int pos = out.axis() - (2 - rank(c));
            if (pos >= 0 && shape(c)[pos] != 1) requireUniform(op, 2, out.at(pos));
        }
        setAll(op, out);
    }

    private void einsum(Op op) {
        String eq = op.stringAttr("equation", "").replace(" ", "");
        int arrow = eq.indexOf("->");
        if (arrow < 0 || eq.contains(".")) {
            throw refuse(op, "has an equation (" + eq + ") with an implicit output or '...', which the batch-axis analysis does not handle");
        }
        String[] terms = eq.substring(0, arrow).split(",", -1);
        String result = eq.substring(arrow + 2);
        Character letter = null;
        BatchDim d = null;
        for (int i = 0; i < op.numOperands(); i++) {
            BatchDim di = dim(op.operand(i));
            if (di == null) continue;
            char c = terms[i].charAt(di.axis());
            if (terms[i].indexOf(c) != terms[i].lastIndexOf(c)) throw refuse(op, "takes a diagonal along the batch axis (" + eq + ")");
            if (letter == null) {
                letter = c;
                d = di;
            } else if (letter != c || !d.at(0).equals(di.at(0))) {
                throw refuse(op, "pairs every sample with every other sample (" + eq + ")");
            }
        }
        if (result.indexOf(letter) < 0) throw refuse(op, "contracts the batch axis (it sums over samples: " + eq + ")");
        for (int i = 0; i < op.numOperands(); i++) {
            int pos = terms[i].indexOf(letter);
            if (dim(op.operand(i)) == null && pos >= 0) requireUniform(op, i, d.at(pos));
        }
        setAll(op, d.at(result.indexOf(letter)));
    }

    // ---- normalizations and reductions ----

    private void softmax(Op op) {
        BatchDim d = dim(op.operand(0));
        int r = rank(op.operand(0));
        // Before opset 13 Softmax coerces the input to 2-D: every axis from 'axis' on is normalized together.
        boolean flattens = opset < 13;
        int axis = normalize(op, op.intAttr("axis", flattens ? 1 : -1), r);
        if (flattens ? d.axis() >= axis : d.axis() == axis) throw refuse(op, "normalizes over the batch axis (axis " + d.axis() + ")");
        setAll(op, d);
    }

    private void layerNorm(Op op) {
        BatchDim d = dim(op.operand(0));
        if (d == null) throw refuse(op, "takes its scale or bias from the batch, so it differs from sample to sample");
        requireUnbatched(op, 1, "scale");
        requireUnbatched(op, 2, "bias");
        int axis = normalize(op, op.intAttr("axis", -1), rank(op.operand(0)));
        if (d.axis() >= axis) throw refuse(op, "normalizes over the batch axis (axes " + axis + " and up, the batch at " + d.axis() + ")");
        setAll(op, d);
    }

    private void reduce(Op op) {
        BatchDim d = dim(op.operand(0));
        if (d == null) throw refuse(op, "takes its axes from the batch");
        requireUnbatched(op, 1, "axes");
        long[] axes = op.operand(1) != null ? constantLongs(op, 1, "axes") : op.intsAttr("axes");
        int r = rank(op.operand(0));
        if (axes == null || axes.length == 0) {
            if (op.intAttr("noop_with_empty_axes", 0) != 0) {
                setAll(op, d);
                return;
            }
            throw refuse(op, "reduces over every axis, the batch axis included");
        }
        reduceAlong(op, d, axes, r, op.intAttr("keepdims", 1) != 0);
    }

    private void argReduce(Op op) {
        BatchDim d = dim(op.operand(0));
        reduceAlong(op, d, new long[] {op.intAttr("axis", 0)}, rank(op.operand(0)), op.intAttr("keepdims", 1) != 0);
    }

    private void reduceAlong(Op op, BatchDim d, long[] axes, int r, boolean keepDims) {
        int before = 0;
        for (long a : axes) {
            int ax = normalize(op, a, r);
            if (ax == d.axis()) throw refuse(op, "reduces over the batch axis (axis " + ax + ")");
            if (ax < d.axis()) before++;
        }
        setAll(op, keepDims ? d : d.at(d.axis() - before));
    }

    private void cumSum(Op op) {
        BatchDim d = dim(op.operand(0));
        if (d == null) throw refuse(op, "takes its axis from the batch");
        requireUnbatched(op, 1, "axis");
        long[] axis = constantLongs(op, 1, "axis");
        if (normalize(op, axis[0], rank(op.operand(0))) == d.axis()) throw refuse(op, "accumulates along the batch axis (it sums over samples)");
        setAll(op, d);
    }

    private void topK(Op op) {
        BatchDim d = dim(op.operand(0));
        if (d == null) throw refuse(op, "takes K from the batch");
        if (normalize(op, op.intAttr("axis", -1), rank(op.operand(0))) == d.axis()) throw refuse(op, "selects along the batch axis (it compares samples)");
        setAll(op, d);
    }

    private void trilu(Op op) {
        BatchDim d = dim(op.operand(0));
        if (d == null) throw refuse(op, "takes k from the batch");
        if (d.axis() >= rank(op.operand(0)) - 2) throw refuse(op, "masks by position along the batch axis, so samples are treated differently");
        setAll(op, d);
    }

    // ---- data movement ----

    private void transpose(Op op) {
        BatchDim d = dim(op.operand(0));
        int r = rank(op.operand(0));
        long[] perm = op.intsAttr("perm");
        for (int j = 0; j < r; j++) {
            int from = perm == null ? r - 1 - j : (int) perm[j];
            if (from == d.axis()) {
                setAll(op, d.at(j));
                return;
            }
        }
        throw refuse(op, "has a permutation without the batch axis");
    }

    /** Reshape, Flatten, Squeeze, Unsqueeze: the same elements in the same order, other dims. */
    private void memoryReshape(Op op) {
        Value x = op.operand(0);
        BatchDim d = dim(x);
        if (d == null) throw refuse(op, "takes its shape or axes from the batch");
        requireUnbatched(op, 1, "shape or axes");
        long[] out = shape(op.result(0));
        BatchDim nd = reshaped(op, shape(x), d, out);
        if (op.isOnnx("Squeeze") && op.operands().size() < 2 && !op.hasAttribute("axes")) {
            // Without axes Squeeze drops every dim of size 1, and at a microbatch of one sample that includes the batch.
            throw refuse(op, "squeezes every dim of size 1 (no axes), which would drop the batch axis of a one-sample microbatch; "
                    + "export it with explicit axes");
        }
        if (op.isOnnx("Reshape")) {
            long[] entries = constantLongs(op, 1, "shape");
            boolean allowZero = op.intAttr("allowzero", 0) != 0;
            for (int k = 0; k < entries.length; k++) {
                // A 0 entry copies the input's dim k: if that is the batch, it must land where the batch goes.
                if (!allowZero && entries[k] == 0 && k == d.axis() && !(k == nd.axis() && nd.equals(d))) {
                    throw refuse(op, "copies the batch dim into output dim " + k + " (shape entry " + k + " is 0), which does not hold the batch");
                }
            }
            long e = entries[nd.axis()];
            boolean copiesInput = e == 0 && op.intAttr("allowzero", 0) == 0;
            if (e == out[nd.axis()]) {
                rewrites.add(new ShapeEntry(op, 1, nd.axis(), nd));
            } else if (!(e == -1 || copiesInput && nd.equals(d))) {
                throw refuse(op, "has the shape " + Arrays.toString(entries) + ", whose entry " + nd.axis() + " holds the batch in a way the "
                        + "batch-axis analysis cannot rewrite for a microbatch");
            }
        }
        setAll(op, nd);
    }

    /**
     * Where the batch digit of a row-major layout lands after a reshape from {@code in} to
     * {@code out}. In the flat index, the batch is a digit of radix {@code batch} with place value
     * {@code I} (the elements after it); it stays in one output dim if that dim's place values
     * cover {@code [I, I * batch)} without cutting it.
     */
    private BatchDim reshaped(Op op, long[] in, BatchDim d, long[] out) {
        long place = d.inner();
        for (int k = d.axis() + 1; k < in.length; k++) place *= in[k];
        long span = place * batch;
        long suffix = 1;
        for (int q = out.length - 1; q >= 0 && suffix > 0; q--) {
            long size = out[q];
            if (size > 1 && place % suffix == 0 && (suffix * size) % span == 0) return new BatchDim(q, suffix * size / span, place / suffix);
            suffix *= size;
        }
        throw refuse(op, "splits the batch axis across dims (" + Arrays.toString(in) + " to " + Arrays.toString(out) + ", the batch at " + d + ")");
    }

    private void expand(Op op) {
        Value x = op.operand(0);
        BatchDim d = dim(x);
        if (d == null) throw refuse(op, "takes its shape from the batch");
        long[] entries = constantLongs(op, 1, "shape");
        int r = rank(op.result(0));
        int outAxis = r - rank(x) + d.axis();
        int entry = outAxis - (r - entries.length);
        BatchDim nd = d.at(outAxis);
        if (entry >= 0) {
            if (entries[entry] == d.size(batch)) rewrites.add(new ShapeEntry(op, 1, entry, nd));
            else if (entries[entry] != 1) throw refuse(op, "expands the batch axis to " + entries[entry]);
        }
        setAll(op, nd);
    }

    private void tile(Op op) {
        BatchDim d = dim(op.operand(0));
        if (d == null) throw refuse(op, "takes its repeats from the batch");
        long[] repeats = constantLongs(op, 1, "repeats");
        if (repeats[d.axis()] != 1) throw refuse(op, "repeats the batch axis " + repeats[d.axis()] + " times, which mixes copies of different samples");
        setAll(op, d);
    }

    private void concat(Op op) {
        int axis = normalize(op, op.intAttr("axis", 0), rank(op.result(0)));
        BatchDim d = null;
        for (Value v : op.operands()) {
            BatchDim dv = dim(v);
            if (dv == null) continue;
            if (d != null && !d.equals(dv)) throw refuse(op, "combines different samples: operands carry the batch at " + d + " and " + dv);
            d = dv;
        }
        if (d.axis() == axis) throw refuse(op, "concatenates along the batch axis");
        for (int i = 0; i < op.numOperands(); i++) if (dim(op.operand(i)) == null) requireUniform(op, i, d);
        setAll(op, d);
    }

    private void split(Op op) {
        BatchDim d = dim(op.operand(0));
        if (d == null) throw refuse(op, "takes its split sizes from the batch");
        requireUnbatched(op, 1, "split sizes");
        int axis = normalize(op, op.intAttr("axis", 0), rank(op.operand(0)));
        if (axis == d.axis() && op.results().size() > 1) throw refuse(op, "splits along the batch axis");
        setAll(op, d);
    }

    private void slice(Op op) {
        Value x = op.operand(0);
        BatchDim d = dim(x);
        if (d == null) throw refuse(op, "takes its starts, ends, axes or steps from the batch");
        long[] starts, ends, axes, steps = null;
        if (opset < 10) {
            starts = op.intsAttr("starts");
            ends = op.intsAttr("ends");
            axes = op.intsAttr("axes");
        } else {
            for (int i = 1; i < op.numOperands(); i++) requireUnbatched(op, i, "starts, ends, axes or steps");
            starts = constantLongs(op, 1, "starts");
            ends = constantLongs(op, 2, "ends");
            axes = op.operand(3) != null ? constantLongs(op, 3, "axes") : null;
            steps = op.operand(4) != null ? constantLongs(op, 4, "steps") : null;
        }
        long[] s = shape(x);
        for (int i = 0; i < starts.length; i++) {
            int axis = normalize(op, axes == null ? i : axes[i], s.length);
            if (axis != d.axis()) continue;
            long n = s[axis];
            long start = clamp(starts[i] < 0 ? starts[i] + n : starts[i], n);
            long end = clamp(ends[i] < 0 ? ends[i] + n : ends[i], n);
            long step = steps == null ? 1 : steps[i];
            if (step != 1 || start != 0 || end != n) throw refuse(op, "keeps only part of the batch axis (it drops or reorders samples)");
        }
        setAll(op, d);
    }

    private static long clamp(long v, long n) { return Math.max(0, Math.min(n, v)); }

    private void gather(Op op) {
        Value data = op.operand(0), indices = op.operand(1);
        BatchDim dd = dim(data), di = dim(indices);
        int axis = normalize(op, op.intAttr("axis", 0), rank(data));
        if (dd != null && di != null) throw refuse(op, "looks up every sample's indices in every sample's data, which mixes samples");
        if (di != null) {
            setAll(op, di.at(axis + di.axis()));
        } else if (dd.axis() == axis) {
            throw refuse(op, "gathers along the batch axis (it picks samples by index)");
        } else {
            setAll(op, dd.axis() < axis ? dd : dd.at(dd.axis() - 1 + rank(indices)));
        }
    }

    private void pad(Op op) {
        Value x = op.operand(0);
        BatchDim d = dim(x);
        if (d == null) throw refuse(op, "takes its pads from the batch");
        long[] pads, axes = null;
        if (opset < 11) {
            pads = op.intsAttr("pads");
        } else {
            for (int i = 1; i < op.numOperands(); i++) requireUnbatched(op, i, "pads, value or axes");
            pads = constantLongs(op, 1, "pads");
            axes = op.operand(3) != null ? constantLongs(op, 3, "axes") : null;
        }
        int n = pads.length / 2;
        for (int i = 0; i < n; i++) {
            int axis = normalize(op, axes == null ? i : axes[i], rank(x));
            if (axis == d.axis() && (pads[i] != 0 || pads[i + n] != 0)) throw refuse(op, "pads the batch axis (it adds samples)");
        }
        setAll(op, d);
    }

    // ---- helpers ----

    private long[] constantLongs(Op op, int i, String role) {
        TensorData c = OpSchemas.constantValue(op.operand(i), module);
        if (c == null || !c.hasData()) {
            throw refuse(op, "has a " + role + " operand that is not a constant, so the batch-axis analysis cannot tell what it does to the batch");
        }
        return c.toLongs();
    }

    private int normalize(Op op, long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw refuse(op, "has axis " + axis + ", outside its operand's rank " + rank);
        return (int) a;
    }
}
