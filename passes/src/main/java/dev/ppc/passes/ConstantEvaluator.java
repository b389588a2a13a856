package dev.ppc.passes;

import dev.ppc.ir.Attribute;
import dev.ppc.ir.DType;
import dev.ppc.ir.IrException;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates ONNX ops on constant tensors, for {@link FoldConstants}. The results are meant to be
 * bit-identical to what ONNX Runtime's CPU kernels compute, so folding never changes a model's
 * numbers; where that cannot be promised the evaluator declines (returns {@code null}) and the op
 * stays in the program to run at run time. Declining is never an error.
 *
 * <p>Arithmetic semantics, made explicit because they are where runtimes differ:
 * <ul>
 *   <li>{@code f32} arithmetic is done in {@code float} (Java's float operations are IEEE 754
 *       single precision), {@code f64} in {@code double}. {@code f16}/{@code bf16} arithmetic
 *       is declined (ONNX Runtime computes it in different precisions per kernel).</li>
 *   <li>Integer {@code Div} truncates toward zero, as C++ integer division in ONNX Runtime and
 *       {@code numpy.divide(...).astype(int)} in ONNX's reference both do: {@code -7 / 2 = -3}.
 *       Division by zero (undefined behaviour in C++, a crash at run time) is an
 *       {@link IrException}; {@code MIN / -1} (also undefined) is declined.</li>
 *   <li>Integer {@code Add}, {@code Sub}, {@code Mul}, {@code Neg} and {@code Abs} wrap around
 *       in the element type, as two's-complement hardware does.</li>
 *   <li>{@code Cast} from float to integer truncates toward zero ({@code static_cast}); a NaN,
 *       infinite or out-of-range value is declined (undefined behaviour in C++). Casts to
 *       {@code bool} test {@code != 0}. Casts to {@code f16} are done only from {@code f32}
 *       (round to nearest even); casts to {@code bf16} and from or to strings are declined.</li>
 *   <li>Float results and operands that are NaN are declined for arithmetic: the sign and
 *       payload of a NaN differ between platforms. Ops that only move elements (Gather, Slice,
 *       Concat, Transpose, ...) copy bytes and accept anything.</li>
 *   <li>{@code Pow} on floats is folded only where every correct implementation agrees:
 *       exponent 0, 1 or 2 ({@code x*x}, which ONNX Runtime also special-cases), or an exactly
 *       representable integral result. Integer {@code Pow} needs a non-negative exponent and a
 *       result below 2<sup>53</sup> (ONNX Runtime computes it through {@code double}).</li>
 *   <li>{@code Range} follows ONNX Runtime's kernel: the length is
 *       {@code ceil((limit - start) / delta)} with the difference taken in the element type,
 *       and elements accumulate ({@code x += delta}) in the element type.</li>
 *   <li>{@code Max}/{@code Min} decline NaN operands and ties between {@code +0.0} and
 *       {@code -0.0}; {@code ReduceSum}/{@code ReduceProd} are folded for integer types only
 *       (float sums depend on the runtime's summation order); {@code ReduceMax}/{@code ReduceMin}
 *       for integers and NaN-free floats.</li>
 *   <li>{@code Slice} clamps as the ONNX specification and ONNX Runtime do: for a negative step
 *       the start is clamped to {@code [0, dim-1]} and the end to {@code [-1, dim-1]}.</li>
 * </ul>
 *
 * <p>Operands that are definitely invalid for their op (an index out of range, a shape that does
 * not fit) throw an {@link IrException} without location; the caller adds the op's.
 *
 * <p>An operand given as a tensor without data ({@link TensorData#elided}) stands for a value
 * whose static type is known but whose contents are not: enough for {@code Shape} and
 * {@code Size}, which look only at the type.
 */
public final class ConstantEvaluator {
    /** The default limit on a folded result's element count, so that folding does not copy weights. */
    public static final long DEFAULT_MAX_ELEMENTS = 65536;

    private static final Set<String> OPS = Set.of("Shape", "Size", "Identity", "Reshape", "Unsqueeze", "Squeeze", "Concat",
            "Gather", "Slice", "Cast", "Add", "Sub", "Mul", "Div", "Neg", "Abs", "Sqrt", "Pow", "Max", "Min", "Equal", "Less",
            "Greater", "Not", "And", "Or", "Xor", "Where", "Range", "ConstantOfShape", "Expand", "Transpose", "Tile",
            "ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin");

    private static final Set<String> TYPE_ONLY = Set.of("Shape", "Size");

    private final int opset;
    private final long maxElements;

    /**
     * @param opset the module's default-domain opset, which decides where some ops take their
     *     arguments from (e.g. {@code Unsqueeze} axes: an attribute before 13, an operand from 13)
     * @param maxElements the largest result, in elements, that the evaluator produces (capped
     *     at 2<sup>28</sup>, what Java arrays can hold)
     */
    public ConstantEvaluator(int opset, long maxElements) {
        this.opset = opset;
        // Results live in Java arrays indexed by int, eight bytes per element at most.
        this.maxElements = Math.min(maxElements, Integer.MAX_VALUE / 8);
    }

    /** An evaluator with {@link #DEFAULT_MAX_ELEMENTS}. */
    public ConstantEvaluator(int opset) { this(opset, DEFAULT_MAX_ELEMENTS); }

    /** Whether the evaluator knows the default-domain op {@code opName} at all. */
    public static boolean supports(String opName) { return OPS.contains(opName); }

    /** Whether {@code opName} needs only its operand's static type, not its contents ({@code Shape}, {@code Size}). */
    public static boolean needsOnlyTypes(String opName) { return TYPE_ONLY.contains(opName); }

    /**
     * Evaluates the default-domain op {@code opName}.
     *
     * @param operands the operand values in order, {@code null} for absent optional operands
     * @param attributes the op's attributes
     * @return the op's results, or {@code null} when this evaluator cannot or may not compute
     *     them (unknown op or dtype, operand contents unknown, result larger than the limit, or a
     *     result that would not be bit-exact)
     * @throws IrException when the operands are invalid for the op
     */
    public List<TensorData> evaluate(String opName, List<TensorData> operands, Map<String, Attribute> attributes) {
        if (!supports(opName)) return null;
        Call c = new Call(opName, operands, attributes);
        try {
            TensorData result = c.run();
            // Most ops check the limit before computing; this catches the ones whose results are
            // always small (Shape) or reuse an operand (Identity, Reshape) so the limit holds for all.
            return result.numel() > maxElements ? null : List.of(result);
        } catch (Decline d) {
            return null;
        }
    }

    /** Thrown inside the evaluator to give up on an op; never escapes {@link #evaluate}. */
    private static final class Decline extends RuntimeException {
        private static final Decline INSTANCE = new Decline();

        private Decline() { super(null, null, false, false); }
    }

    private static Decline decline() { return Decline.INSTANCE; }

    /** One evaluation: the op's operands and attributes with typed accessors. */
    private final class Call {
        private final String op;
        private final List<TensorData> operands;
        private final Map<String, Attribute> attributes;

        Call(String op, List<TensorData> operands, Map<String, Attribute> attributes) {
            this.op = op;
            this.operands = operands;
            this.attributes = attributes;
        }

        TensorData run() {
            return switch (op) {
                case "Shape" -> shape();
                case "Size" -> TensorData.ofLongs(new long[0], typed(0).numel());
                case "Identity" -> data(0);
                case "Reshape" -> reshape();
                case "Unsqueeze" -> unsqueeze();
                case "Squeeze" -> squeeze();
                case "Concat" -> concat();
                case "Gather" -> gather();
                case "Slice" -> slice();
                case "Cast" -> cast(data(0), targetType());
                case "Add", "Sub", "Mul", "Div" -> arithmetic(data(0), data(1));
                case "Neg", "Abs", "Sqrt" -> unary(data(0));
                case "Pow" -> pow(data(0), data(1));
                case "Max", "Min" -> maxMin();
                case "Equal", "Less", "Greater" -> compare(data(0), data(1));
                case "Not" -> not(data(0));
                case "And", "Or", "Xor" -> logical(data(0), data(1));
                case "Where" -> where(data(0), data(1), data(2));
                case "Range" -> range(data(0), data(1), data(2));
                case "ConstantOfShape" -> constantOfShape();
                case "Expand" -> expand();
                case "Transpose" -> transpose();
                case "Tile" -> tile();
                case "ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin" -> reduce();
                default -> throw decline();
            };
        }

        // ---- operand and attribute access ----

        boolean has(int i) { return i < operands.size() && operands.get(i) != null; }

        /** Operand {@code i}, known at least by its static type. */
        TensorData typed(int i) {
            if (!has(i)) throw new IrException(op + " needs operand " + i);
            return operands.get(i);
        }

        /** Operand {@code i} with its contents; declines when they are unknown. */
        TensorData data(int i) {
            TensorData d = typed(i);
            if (!d.hasData()) throw decline();
            return d;
        }

        long[] longs(int i) {
            TensorData d = data(i);
            if (!isInteger(d.dtype())) throw new IrException(op + " operand " + i + " must be an integer tensor, got " + d.type());
            return d.toLongs();
        }

        long intAttr(String name, long fallback) {
            return attributes.get(name) instanceof Attribute.IntAttr a ? a.value() : fallback;
        }

        long[] intsAttr(String name) {
            return attributes.get(name) instanceof Attribute.IntsAttr a ? a.values().clone() : null;
        }

        DType targetType() {
            DType to = DType.fromOnnxCode((int) intAttr("to", 0));
            if (to == null) throw new IrException("Cast 'to' = " + intAttr("to", 0) + " is not an ONNX data type");
            return to;
        }

        // ---- shape ops ----

        TensorData shape() {
            TensorType t = typed(0).type();
            long[] s = t.shape();
            int r = s.length;
            long start = clampAxis(intAttr("start", 0), r), end = clampAxis(intAttr("end", r), r);
            return TensorData.ofLongs(new long[] {Math.max(0, end - start)}, Arrays.copyOfRange(s, (int) start, (int) Math.max(start, end)));
        }

        TensorData reshape() {
            TensorData x = data(0);
            long[] target = longs(1);
            boolean allowZero = intAttr("allowzero", 0) != 0;
            long[] in = x.shape();
            long[] out = new long[target.length];
            int infer = -1;
            long known = 1;
            for (int i = 0; i < target.length; i++) {
                long t = target[i];
                if (t == -1) {
                    if (infer >= 0) throw new IrException("Reshape shape " + Arrays.toString(target) + " has more than one -1");
                    infer = i;
                    continue;
                }
                if (t == 0 && !allowZero) {
                    if (i >= in.length) throw new IrException("Reshape shape " + Arrays.toString(target) + " copies dim " + i + " of " + x.type());
                    t = in[i];
                } else if (t < 0) {
                    throw new IrException("Reshape shape " + Arrays.toString(target) + " has invalid size " + t);
                }
                out[i] = t;
                known *= t;
            }
            long total = x.numel();
            if (infer >= 0) {
                if (known == 0 || total % known != 0) throw new IrException("cannot reshape " + x.type() + " to " + Arrays.toString(target));
                out[infer] = total / known;
            } else if (known != total) {
                throw new IrException("cannot reshape " + x.type() + " to " + Arrays.toString(target));
            }
            return withShape(x, out);
        }

        long[] axesOperandOrAttribute(int since) {
            if (opset >= since) return has(1) ? longs(1) : null;
            return intsAttr("axes");
        }

        TensorData unsqueeze() {
            TensorData x = data(0);
            long[] axes = axesOperandOrAttribute(13);
            if (axes == null) throw new IrException("Unsqueeze needs axes");
            int outRank = x.shape().length + axes.length;
            boolean[] inserted = new boolean[outRank];
            for (long a : axes) {
                int ax = axis(a, outRank);
                if (inserted[ax]) throw new IrException("Unsqueeze axes " + Arrays.toString(axes) + " repeat axis " + ax);
                inserted[ax] = true;
            }
            long[] out = new long[outRank];
            for (int i = 0, j = 0; i < outRank; i++) out[i] = inserted[i] ? 1 : x.shape()[j++];
            return withShape(x, out);
        }

        TensorData squeeze() {
            TensorData x = data(0);
            long[] in = x.shape();
            long[] axes = axesOperandOrAttribute(13);
            boolean[] drop = new boolean[in.length];
            if (axes == null) {
                for (int i = 0; i < in.length; i++) drop[i] = in[i] == 1;
            } else {
                for (long a : axes) {
                    int ax = axis(a, in.length);
                    if (in[ax] != 1) throw new IrException("cannot squeeze axis " + a + " of size " + in[ax]);
                    drop[ax] = true;
                }
            }
            long[] out = new long[in.length];
            int n = 0;
            for (int i = 0; i < in.length; i++) if (!drop[i]) out[n++] = in[i];
            return withShape(x, Arrays.copyOf(out, n));
        }

        // ---- element movement ----

        TensorData concat() {
            if (!attributes.containsKey("axis")) throw new IrException("Concat needs attribute 'axis'");
            List<TensorData> ins = new ArrayList<>();
            for (int i = 0; i < operands.size(); i++) ins.add(data(i));
            TensorData first = ins.get(0);
            int rank = first.shape().length;
            int axis = axis(intAttr("axis", 0), rank);
            long[] out = first.shape().clone();
            out[axis] = 0;
            for (TensorData t : ins) {
                if (t.dtype() != first.dtype() || t.shape().length != rank) throw new IrException("Concat operands " + first.type() + " and " + t.type() + " do not match");
                for (int d = 0; d < rank; d++) {
                    if (d != axis && t.shape()[d] != first.shape()[d]) throw new IrException("Concat operands " + first.type() + " and " + t.type() + " disagree on dim " + d);
                }
                out[axis] += t.shape()[axis];
            }
            Out o = new Out(first.dtype(), out);
            long outer = product(out, 0, axis), inner = product(out, axis + 1, rank);
            int dst = 0;
            for (long b = 0; b < outer; b++) {
                for (TensorData t : ins) {
                    long chunk = t.shape()[axis] * inner;
                    for (long k = 0; k < chunk; k++) o.copy(dst++, t, (int) (b * chunk + k));
                }
            }
            return o.build();
        }

        TensorData gather() {
            TensorData x = data(0);
            TensorData idx = data(1);
            if (idx.dtype() != DType.I64 && idx.dtype() != DType.I32) throw new IrException("Gather indices must be i32 or i64, got " + idx.type());
            long[] in = x.shape();
            int axis = axis(intAttr("axis", 0), in.length);
            long dim = in[axis];
            long[] ix = idx.toLongs();
            long[] out = joinShapes(Arrays.copyOfRange(in, 0, axis), idx.shape(), Arrays.copyOfRange(in, axis + 1, in.length));
            Out o = new Out(x.dtype(), out);
            long outer = product(in, 0, axis), inner = product(in, axis + 1, in.length);
            int dst = 0;
            for (long b = 0; b < outer; b++) {
                for (long v : ix) {
                    long k = v < 0 ? v + dim : v;
                    if (k < 0 || k >= dim) throw new IrException("Gather index " + v + " is out of range for axis " + axis + " of size " + dim);
                    for (long e = 0; e < inner; e++) o.copy(dst++, x, (int) ((b * dim + k) * inner + e));
                }
            }
            return o.build();
        }

        TensorData slice() {
            TensorData x = data(0);
            long[] in = x.shape();
            int r = in.length;
            long[] starts, ends, axes, steps;
            if (opset < 10) {
                starts = intsAttr("starts");
                ends = intsAttr("ends");
                axes = intsAttr("axes");
                steps = null;
                if (starts == null || ends == null) throw new IrException("Slice needs attributes 'starts' and 'ends'");
            } else {
                starts = longs(1);
                ends = longs(2);
                axes = has(3) ? longs(3) : null;
                steps = has(4) ? longs(4) : null;
            }
            if (starts.length != ends.length || (axes != null && axes.length != starts.length) || (steps != null && steps.length != starts.length)) {
                throw new IrException("Slice starts, ends, axes and steps have different lengths");
            }
            long[] begin = new long[r], step = new long[r], out = in.clone();
            Arrays.fill(step, 1);
            boolean[] seen = new boolean[r];
            for (int i = 0; i < starts.length; i++) {
                int a = axis(axes == null ? i : axes[i], r);
                if (seen[a]) throw new IrException("Slice axes repeat axis " + a);
                seen[a] = true;
                long s = steps == null ? 1 : steps[i];
                if (s == 0) throw new IrException("Slice step must not be 0");
                long dim = in[a];
                long start = starts[i] < 0 ? starts[i] + dim : starts[i];
                long end = ends[i] < 0 ? ends[i] + dim : ends[i];
                long len;
                if (s > 0) {
                    start = clamp(start, 0, dim);
                    end = clamp(end, 0, dim);
                    len = end > start ? (end - start + s - 1) / s : 0;
                } else {
                    start = clamp(start, 0, dim - 1);
                    end = clamp(end, -1, dim - 1);
                    len = dim > 0 && start > end ? (start - end - s - 1) / -s : 0;
                }
                begin[a] = start;
                step[a] = s;
                out[a] = len;
            }
            long[] inStrides = strides(in);
            long[] srcStrides = new long[r];
            long offset = 0;
            for (int d = 0; d < r; d++) {
                srcStrides[d] = inStrides[d] * step[d];
                offset += begin[d] * inStrides[d];
            }
            return gatherStrided(x, out, srcStrides, offset);
        }

        TensorData transpose() {
            TensorData x = data(0);
            long[] in = x.shape();
            int r = in.length;
            long[] perm = intsAttr("perm");
            if (perm == null) {
                perm = new long[r];
                for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
            }
            if (perm.length != r) throw new IrException("Transpose perm " + Arrays.toString(perm) + " does not match rank " + r);
            long[] inStrides = strides(in);
            long[] out = new long[r], srcStrides = new long[r];
            boolean[] seen = new boolean[r];
            for (int d = 0; d < r; d++) {
                int p = axis(perm[d], r);
                if (seen[p]) throw new IrException("Transpose perm " + Arrays.toString(perm) + " is not a permutation");
                seen[p] = true;
                out[d] = in[p];
                srcStrides[d] = inStrides[p];
            }
            return gatherStrided(x, out, srcStrides, 0);
        }

        TensorData expand() {
            TensorData x = data(0);
            long[] out = broadcastShapes(x.shape(), longs(1));
            return gatherStrided(x, out, broadcastStrides(out, x.shape()), 0);
        }

        TensorData tile() {
            TensorData x = data(0);
            long[] in = x.shape();
            long[] reps = longs(1);
            if (reps.length != in.length) throw new IrException("Tile repeats " + Arrays.toString(reps) + " do not match rank " + in.length);
            long[] out = new long[in.length];
            for (int d = 0; d < in.length; d++) {
                if (reps[d] < 0) throw new IrException("Tile repeats " + Arrays.toString(reps) + " must not be negative");
                out[d] = in[d] * reps[d];
            }
            Out o = new Out(x.dtype(), out);
            long[] inStrides = strides(in);
            int[] coord = new int[out.length];
            for (int i = 0; i < o.n; i++) {
                long src = 0;
                for (int d = 0; d < out.length; d++) src += (coord[d] % in[d]) * inStrides[d];
                o.copy(i, x, (int) src);
                increment(coord, out);
            }
            return o.build();
        }

        TensorData where(TensorData cond, TensorData x, TensorData y) {
            if (cond.dtype() != DType.BOOL) throw new IrException("Where condition must be bool, got " + cond.type());
            if (x.dtype() != y.dtype()) throw new IrException("Where operands have dtypes " + x.dtype() + " and " + y.dtype());
            long[] out = broadcastShapes(cond.shape(), x.shape(), y.shape());
            Out o = new Out(x.dtype(), out);
            int[] ic = indexMap(out, cond.shape()), ix = indexMap(out, x.shape()), iy = indexMap(out, y.shape());
            for (int i = 0; i < o.n; i++) {
                if (cond.longAt(ic[i]) != 0) o.copy(i, x, ix[i]);
                else o.copy(i, y, iy[i]);
            }
            return o.build();
        }

        TensorData constantOfShape() {
            long[] shape = longs(0);
            for (long s : shape) if (s < 0) throw new IrException("ConstantOfShape shape " + Arrays.toString(shape) + " has a negative size");
            TensorData value = attributes.get("value") instanceof Attribute.TensorAttr t ? t.value() : TensorData.ofFloats(new long[] {1}, 0f);
            if (value.numel() != 1) throw new IrException("ConstantOfShape value must have one element, got " + value.type());
            if (!value.hasData()) throw decline();
            Out o = new Out(value.dtype(), shape);
            for (int i = 0; i < o.n; i++) o.copy(i, value, 0);
            return o.build();
        }

        // ---- numeric ops ----

        TensorData arithmetic(TensorData a, TensorData b) {
            DType t = sameDtype(a, b);
            long[] out = broadcastShapes(a.shape(), b.shape());
            int n = checkedNumel(out);
            int[] ia = indexMap(out, a.shape()), ib = indexMap(out, b.shape());
            if (t == DType.F32) {
                double[] r = new double[n];
                for (int i = 0; i < n; i++) {
                    float x = (float) a.doubleAt(ia[i]), y = (float) b.doubleAt(ib[i]);
                    float z = switch (op) {
                        case "Add" -> x + y;
                        case "Sub" -> x - y;
                        case "Mul" -> x * y;
                        default -> x / y;
                    };
                    r[i] = notNaN(z);
                }
                return TensorData.ofNumbers(t, out, r);
            }
            if (t == DType.F64) {
                double[] r = new double[n];
                for (int i = 0; i < n; i++) {
                    double x = a.doubleAt(ia[i]), y = b.doubleAt(ib[i]);
                    double z = switch (op) {
                        case "Add" -> x + y;
                        case "Sub" -> x - y;
                        case "Mul" -> x * y;
                        default -> x / y;
                    };
                    r[i] = notNaN(z);
                }
                return TensorData.ofNumbers(t, out, r);
            }
            if (!isInteger(t)) throw decline();
            long[] r = new long[n];
            for (int i = 0; i < n; i++) {
                long x = a.longAt(ia[i]), y = b.longAt(ib[i]);
                r[i] = switch (op) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    default -> divide(t, x, y);
                };
            }
            return TensorData.ofIntegers(t, out, r);
        }

        TensorData unary(TensorData a) {
            DType t = a.dtype();
            long[] shape = a.shape();
            int n = checkedNumel(shape);
            if (t == DType.F32 || t == DType.F64) {
                double[] r = new double[n];
                for (int i = 0; i < n; i++) {
                    double x = notNaN(a.doubleAt(i));
                    r[i] = switch (op) {
                        case "Neg" -> -x;
                        case "Abs" -> Math.abs(x);
                        default -> {
                            if (x < 0) throw decline();
                            // The double square root of a float, rounded to float, is the correctly
                            // rounded float square root (53 >= 2 * 24 + 2 bits), i.e. sqrtf's result.
                            yield t == DType.F32 ? (float) Math.sqrt(x) : Math.sqrt(x);
                        }
                    };
                }
                return TensorData.ofNumbers(t, shape, r);
            }
            if (!isInteger(t) || op.equals("Sqrt")) throw decline();
            boolean unsigned = isUnsigned(t);
            if (op.equals("Neg") && unsigned) throw decline();
            long[] r = new long[n];
            for (int i = 0; i < n; i++) {
                long x = a.longAt(i);
                r[i] = op.equals("Neg") ? -x : unsigned ? x : Math.abs(x);
            }
            return TensorData.ofIntegers(t, shape, r);
        }

        TensorData pow(TensorData a, TensorData b) {
            DType t = a.dtype();
            if (!isNumeric(b.dtype())) throw decline();
            long[] out = broadcastShapes(a.shape(), b.shape());
            int n = checkedNumel(out);
            int[] ia = indexMap(out, a.shape()), ib = indexMap(out, b.shape());
            if (t == DType.F32 || t == DType.F64) {
                double limit = t == DType.F32 ? 0x1p24 : 0x1p53;
                double[] r = new double[n];
                for (int i = 0; i < n; i++) {
                    double x = notNaN(a.doubleAt(ia[i])), y = notNaN(b.doubleAt(ib[i]));
                    double z;
                    if (y == 0) z = 1;
                    else if (y == 1) z = x;
                    else if (y == 2) z = t == DType.F32 ? (float) x * (float) x : x * x;
                    else if (y > 0 && y == Math.rint(y) && x == Math.rint(x) && Math.abs(Math.pow(x, y)) <= limit) z = Math.pow(x, y);
                    else throw decline();
                    r[i] = notNaN(z);
                }
                return TensorData.ofNumbers(t, out, r);
            }
            if (!isInteger(t) || isUnsigned(t)) throw decline();
            long[] r = new long[n];
            for (int i = 0; i < n; i++) {
                long x = a.longAt(ia[i]);
                double yd = b.doubleAt(ib[i]);
                if (yd < 0 || yd != Math.rint(yd) || yd > 64) throw decline();
                long z = 1;
                try {
                    for (long k = 0; k < (long) yd; k++) z = Math.multiplyExact(z, x);
                } catch (ArithmeticException e) {
                    throw decline();
                }
                if (Math.abs(z) > (1L << 53) || !fits(t, z)) throw decline();
                r[i] = z;
            }
            return TensorData.ofIntegers(t, out, r);
        }

        TensorData maxMin() {
            if (operands.isEmpty()) throw new IrException(op + " needs at least one operand");
            List<TensorData> ins = new ArrayList<>();
            for (int i = 0; i < operands.size(); i++) ins.add(data(i));
            DType t = ins.get(0).dtype();
            long[][] shapes = new long[ins.size()][];
            for (int i = 0; i < ins.size(); i++) {
                if (ins.get(i).dtype() != t) throw new IrException(op + " operands have dtypes " + t + " and " + ins.get(i).dtype());
                shapes[i] = ins.get(i).shape();
            }
            long[] out = broadcastShapes(shapes);
            int n = checkedNumel(out);
            int[][] maps = new int[ins.size()][];
            for (int i = 0; i < ins.size(); i++) maps[i] = indexMap(out, shapes[i]);
            boolean max = op.equals("Max");
            if (t == DType.F32 || t == DType.F64) {
                double[] r = new double[n];
                for (int e = 0; e < n; e++) {
                    double acc = notNaN(ins.get(0).doubleAt(maps[0][e]));
                    for (int i = 1; i < ins.size(); i++) acc = pickFloat(acc, notNaN(ins.get(i).doubleAt(maps[i][e])), max);
                    r[e] = acc;
                }
                return TensorData.ofNumbers(t, out, r);
            }
            if (!isInteger(t)) throw decline();
            long[] r = new long[n];
            for (int e = 0; e < n; e++) {
                long acc = ins.get(0).longAt(maps[0][e]);
                for (int i = 1; i < ins.size(); i++) {
                    long v = ins.get(i).longAt(maps[i][e]);
                    int c = t == DType.U64 ? Long.compareUnsigned(v, acc) : Long.compare(v, acc);
                    if (max ? c > 0 : c < 0) acc = v;
                }
                r[e] = acc;
            }
            return TensorData.ofIntegers(t, out, r);
        }

        TensorData compare(TensorData a, TensorData b) {
            DType t = sameDtype(a, b);
            if (!isNumeric(t) && !(t == DType.BOOL && op.equals("Equal"))) throw decline();
            long[] out = broadcastShapes(a.shape(), b.shape());
            int n = checkedNumel(out);
            int[] ia = indexMap(out, a.shape()), ib = indexMap(out, b.shape());
            long[] r = new long[n];
            boolean floating = t.isFloatingPoint();
            for (int i = 0; i < n; i++) {
                if (floating) {
                    // Comparisons with NaN are false, as in IEEE 754; Double.compare would order NaN.
                    double x = a.doubleAt(ia[i]), y = b.doubleAt(ib[i]);
                    boolean result = switch (op) {
                        case "Equal" -> x == y;
                        case "Less" -> x < y;
                        default -> x > y;
                    };
                    r[i] = result ? 1 : 0;
                    continue;
                }
                long x = a.longAt(ia[i]), y = b.longAt(ib[i]);
                int c = t == DType.U64 ? Long.compareUnsigned(x, y) : Long.compare(x, y);
                boolean result = switch (op) {
                    case "Equal" -> c == 0;
                    case "Less" -> c < 0;
                    default -> c > 0;
                };
                r[i] = result ? 1 : 0;
            }
            return TensorData.ofIntegers(DType.BOOL, out, r);
        }

        TensorData not(TensorData a) {
            if (a.dtype() != DType.BOOL) throw new IrException("Not needs a bool operand, got " + a.type());
            int n = checkedNumel(a.shape());
            long[] r = new long[n];
            for (int i = 0; i < n; i++) r[i] = a.longAt(i) != 0 ? 0 : 1;
            return TensorData.ofIntegers(DType.BOOL, a.shape(), r);
        }

        TensorData logical(TensorData a, TensorData b) {
            if (a.dtype() != DType.BOOL || b.dtype() != DType.BOOL) throw new IrException(op + " needs bool operands, got " + a.type() + " and " + b.type());
            long[] out = broadcastShapes(a.shape(), b.shape());
            int n = checkedNumel(out);
            int[] ia = indexMap(out, a.shape()), ib = indexMap(out, b.shape());
            long[] r = new long[n];
            for (int i = 0; i < n; i++) {
                boolean x = a.longAt(ia[i]) != 0, y = b.longAt(ib[i]) != 0;
                boolean z = switch (op) {
                    case "And" -> x && y;
                    case "Or" -> x || y;
                    default -> x ^ y;
                };
                r[i] = z ? 1 : 0;
            }
            return TensorData.ofIntegers(DType.BOOL, out, r);
        }

        TensorData range(TensorData start, TensorData limit, TensorData delta) {
            DType t = start.dtype();
            if (limit.dtype() != t || delta.dtype() != t) throw new IrException("Range operands have different dtypes");
            if (start.numel() != 1 || limit.numel() != 1 || delta.numel() != 1) throw new IrException("Range operands must be scalars");
            if (t == DType.F32) {
                float s = (float) start.doubleAt(0), l = (float) limit.doubleAt(0), d = (float) delta.doubleAt(0);
                if (d == 0) throw new IrException("Range delta must not be 0");
                int n = checkedLength(Math.ceil((double) (l - s) / d));
                double[] r = new double[n];
                for (int i = 0; i < n; i++) {
                    r[i] = s;
                    s += d;
                }
                return TensorData.ofNumbers(t, new long[] {n}, r);
            }
            if (t == DType.F64) {
                double s = start.doubleAt(0), l = limit.doubleAt(0), d = delta.doubleAt(0);
                if (d == 0) throw new IrException("Range delta must not be 0");
                int n = checkedLength(Math.ceil((l - s) / d));
                double[] r = new double[n];
                for (int i = 0; i < n; i++) {
                    r[i] = s;
                    s += d;
                }
                return TensorData.ofNumbers(t, new long[] {n}, r);
            }
            if (t != DType.I16 && t != DType.I32 && t != DType.I64) throw decline();
            long s = start.longAt(0), l = limit.longAt(0), d = delta.longAt(0);
            if (d == 0) throw new IrException("Range delta must not be 0");
            // ONNX Runtime takes the difference in the element type (C++ promotes int16 to int, so
            // only int32 can wrap) and divides in double.
            long diff = t == DType.I32 ? (int) (l - s) : l - s;
            int n = checkedLength(Math.ceil((double) diff / d));
            long[] r = new long[n];
            for (int i = 0; i < n; i++) {
                r[i] = s;
                s = wrap(t, s + d);
            }
            return TensorData.ofIntegers(t, new long[] {n}, r);
        }

        TensorData reduce() {
            TensorData x = data(0);
            long[] in = x.shape();
            int r = in.length;
            long[] axes = opset >= (op.equals("ReduceSum") ? 13 : 18) ? (has(1) ? longs(1) : null) : intsAttr("axes");
            boolean keep = intAttr("keepdims", 1) != 0;
            if ((axes == null || axes.length == 0) && intAttr("noop_with_empty_axes", 0) != 0) return x;
            boolean[] reduced = new boolean[r];
            if (axes == null || axes.length == 0) Arrays.fill(reduced, true);
            else for (long a : axes) reduced[axis(a, r)] = true;
            List<Long> outDims = new ArrayList<>();
            long[] outStrideOfIn = new long[r];
            for (int d = 0; d < r; d++) {
                if (!reduced[d]) outDims.add(in[d]);
                else if (keep) outDims.add(1L);
            }
            long[] out = outDims.stream().mapToLong(Long::longValue).toArray();
            // Stride in the output of each input dim (0 for reduced dims).
            long stride = 1;
            for (int d = r - 1; d >= 0; d--) {
                if (reduced[d]) continue;
                outStrideOfIn[d] = stride;
                stride *= in[d];
            }
            int n = checkedNumel(out);
            long count = 1;
            for (int d = 0; d < r; d++) if (reduced[d]) count *= in[d];
            if (count == 0 && (op.equals("ReduceMax") || op.equals("ReduceMin"))) throw decline();
            DType t = x.dtype();
            boolean floating = t == DType.F32 || t == DType.F64;
            if (floating && !(op.equals("ReduceMax") || op.equals("ReduceMin"))) throw decline();
            if (!floating && !isInteger(t)) throw decline();
            boolean[] started = new boolean[n];
            long[] acc = new long[n];
            double[] facc = new double[n];
            if (!floating && op.equals("ReduceProd")) Arrays.fill(acc, 1);
            int[] coord = new int[r];
            long total = x.numel();
            for (long i = 0; i < total; i++) {
                int o = 0;
                for (int d = 0; d < r; d++) o += (int) (coord[d] * outStrideOfIn[d]);
                if (floating) {
                    double v = notNaN(x.doubleAt(i));
                    facc[o] = started[o] ? pickFloat(facc[o], v, op.equals("ReduceMax")) : v;
                } else {
                    long v = x.longAt(i);
                    acc[o] = switch (op) {
                        case "ReduceSum" -> acc[o] + v;
                        case "ReduceProd" -> acc[o] * v;
                        default -> {
                            if (!started[o]) yield v;
                            int c = t == DType.U64 ? Long.compareUnsigned(v, acc[o]) : Long.compare(v, acc[o]);
                            yield (op.equals("ReduceMax") ? c > 0 : c < 0) ? v : acc[o];
                        }
                    };
                }
                started[o] = true;
                increment(coord, in);
            }
            return floating ? TensorData.ofNumbers(t, out, facc) : TensorData.ofIntegers(t, out, acc);
        }

        // ---- element-type helpers ----

        int checkedNumel(long[] shape) {
            long n = 1;
            for (long s : shape) {
                n *= s;
                if (n > maxElements) throw decline();
            }
            return (int) n;
        }

        int checkedLength(double n) {
            if (Double.isNaN(n) || n <= 0) return 0;
            if (n > maxElements) throw decline();
            return (int) n;
        }

        /** A result buffer of one dtype that elements are copied into. */
        final class Out {
            final DType dtype;
            final long[] shape;
            final int n;
            private final int size;
            private final ByteBuffer bytes;
            private final String[] strings;
            private final Map<TensorData, ByteBuffer> sources = new IdentityHashMap<>();

            Out(DType dtype, long[] shape) {
                this.dtype = dtype;
                this.shape = shape;
                this.n = checkedNumel(shape);
                // Sub-byte types pack two elements per byte: copying single elements would need bit surgery.
                if (dtype == DType.U4 || dtype == DType.I4) throw decline();
                this.size = dtype.byteSize();
                this.bytes = dtype == DType.STRING ? null : ByteBuffer.allocate(n * size).order(ByteOrder.LITTLE_ENDIAN);
                this.strings = dtype == DType.STRING ? new String[n] : null;
            }

            void copy(int dst, TensorData src, int srcIndex) {
                if (strings != null) {
                    strings[dst] = src.strings().get(srcIndex);
                    return;
                }
                ByteBuffer b = sources.computeIfAbsent(src, TensorData::bytes);
                for (int k = 0; k < size; k++) bytes.put(dst * size + k, b.get(srcIndex * size + k));
            }

            TensorData build() {
                TensorType type = TensorType.of(dtype, shape);
                return strings != null ? TensorData.ofStrings(type, Arrays.asList(strings)) : TensorData.ofBytes(type, bytes);
            }
        }

        /** The elements of {@code x} at {@code offset + sum(coord[d] * srcStrides[d])} for every output coordinate. */
        TensorData gatherStrided(TensorData x, long[] out, long[] srcStrides, long offset) {
            Out o = new Out(x.dtype(), out);
            int[] coord = new int[out.length];
            long src = offset;
            for (int i = 0; i < o.n; i++) {
                o.copy(i, x, (int) src);
                for (int d = out.length - 1; d >= 0; d--) {
                    coord[d]++;
                    src += srcStrides[d];
                    if (coord[d] < out[d]) break;
                    src -= srcStrides[d] * coord[d];
                    coord[d] = 0;
                }
            }
            return o.build();
        }

        /** Flat index into a tensor of shape {@code in} for every flat index of its broadcast to {@code out}. */
        int[] indexMap(long[] out, long[] in) {
            long[] s = broadcastStrides(out, in);
            int n = checkedNumel(out);
            int[] map = new int[n];
            int[] coord = new int[out.length];
            long idx = 0;
            for (int i = 0; i < n; i++) {
                map[i] = (int) idx;
                for (int d = out.length - 1; d >= 0; d--) {
                    coord[d]++;
                    idx += s[d];
                    if (coord[d] < out[d]) break;
                    idx -= s[d] * coord[d];
                    coord[d] = 0;
                }
            }
            return map;
        }

        DType sameDtype(TensorData a, TensorData b) {
            if (a.dtype() != b.dtype()) throw new IrException(op + " operands have dtypes " + a.dtype() + " and " + b.dtype());
            return a.dtype();
        }

        int axis(long a, int rank) {
            long n = a < 0 ? a + rank : a;
            if (n < 0 || n >= rank) throw new IrException(op + " axis " + a + " is out of range for rank " + rank);
            return (int) n;
        }
    }

    // ---- Cast ----

    private static TensorData cast(TensorData x, DType to) {
        DType from = x.dtype();
        if (from == to) return x;
        if (!castable(from) || !castable(to) || to == DType.BF16 || (to == DType.F16 && from != DType.F32)) throw decline();
        long[] shape = x.shape();
        int n = (int) x.numel();
        if (from.isFloatingPoint()) {
            if (to.isFloatingPoint()) {
                double[] r = new double[n];
                for (int i = 0; i < n; i++) {
                    double v = notNaN(x.doubleAt(i));
                    r[i] = to == DType.F32 ? (double) (float) v : v;
                }
                return TensorData.ofNumbers(to, shape, r);
            }
            long[] r = new long[n];
            for (int i = 0; i < n; i++) {
                double v = x.doubleAt(i);
                if (to == DType.BOOL) {
                    // static_cast<bool> is true for every non-zero value, NaN included.
                    r[i] = v != 0 || Double.isNaN(v) ? 1 : 0;
                    continue;
                }
                if (Double.isNaN(v) || Math.abs(v) >= 0x1p63) throw decline();
                long t = (long) v; // truncation toward zero, like static_cast
                if (!fits(to, t)) throw decline();
                r[i] = t;
            }
            return TensorData.ofIntegers(to, shape, r);
        }
        if (to.isFloatingPoint()) {
            double[] r = new double[n];
            for (int i = 0; i < n; i++) {
                long v = x.longAt(i);
                if (from == DType.U64 && v < 0) throw decline();
                r[i] = to == DType.F32 ? (double) (float) v : (double) v;
            }
            return TensorData.ofNumbers(to, shape, r);
        }
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            long v = x.longAt(i);
            r[i] = to == DType.BOOL ? (v != 0 ? 1 : 0) : v;
        }
        return TensorData.ofIntegers(to, shape, r);
    }

    private static boolean castable(DType t) {
        return isInteger(t) || t == DType.BOOL || t == DType.F32 || t == DType.F64 || t == DType.F16 || t == DType.BF16;
    }

    // ---- static helpers ----

    static boolean isInteger(DType t) {
        return t == DType.I8 || t == DType.I16 || t == DType.I32 || t == DType.I64
                || t == DType.U8 || t == DType.U16 || t == DType.U32 || t == DType.U64;
    }

    private static boolean isUnsigned(DType t) {
        return t == DType.U8 || t == DType.U16 || t == DType.U32 || t == DType.U64;
    }

    private static boolean isNumeric(DType t) {
        return isInteger(t) || t == DType.F32 || t == DType.F64 || t == DType.F16 || t == DType.BF16;
    }

    /** Whether {@code v} is in range for integer (or bool) type {@code t}. */
    private static boolean fits(DType t, long v) {
        return switch (t) {
            case I8 -> v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE;
            case I16 -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
            case I32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            case U8 -> v >= 0 && v <= 0xff;
            case U16 -> v >= 0 && v <= 0xffff;
            case U32 -> v >= 0 && v <= 0xffffffffL;
            case U64 -> v >= 0;
            default -> true;
        };
    }

    /** {@code v} wrapped to integer type {@code t}'s width, as storing it would. */
    private static long wrap(DType t, long v) {
        return switch (t) {
            case I16 -> (short) v;
            case I32 -> (int) v;
            default -> v;
        };
    }

    private static long divide(DType t, long x, long y) {
        // The divisor is a constant, so the op would fail on every run: the model's mistake.
        if (y == 0) throw new IrException("integer division by zero: the divisor has an element 0");
        if (t == DType.U64) return Long.divideUnsigned(x, y);
        if (x == Long.MIN_VALUE && y == -1) throw decline();
        long q = x / y; // Java's integer division truncates toward zero, like C++'s.
        if (!fits(t, q)) throw decline();
        return q;
    }

    private static double notNaN(double v) {
        if (Double.isNaN(v)) throw decline();
        return v;
    }

    private static double pickFloat(double acc, double v, boolean max) {
        if (v == acc && Double.doubleToRawLongBits(v) != Double.doubleToRawLongBits(acc)) throw decline();
        return (max ? v > acc : v < acc) ? v : acc;
    }

    private static long clamp(long v, long lo, long hi) { return Math.max(lo, Math.min(hi, v)); }

    private static long clampAxis(long a, int rank) {
        if (a < 0) a += rank;
        return clamp(a, 0, rank);
    }

    private static long product(long[] shape, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }

    private static long[] joinShapes(long[]... parts) {
        int n = 0;
        for (long[] p : parts) n += p.length;
        long[] r = new long[n];
        int i = 0;
        for (long[] p : parts) for (long v : p) r[i++] = v;
        return r;
    }

    private static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    /** Strides into {@code in} for each dim of {@code out} under numpy broadcasting (0 where {@code in} is broadcast). */
    private static long[] broadcastStrides(long[] out, long[] in) {
        long[] inStrides = strides(in);
        long[] s = new long[out.length];
        int shift = out.length - in.length;
        for (int d = 0; d < in.length; d++) s[d + shift] = in[d] == 1 ? 0 : inStrides[d];
        return s;
    }

    /** numpy broadcasting of shapes; incompatible shapes are an error. */
    static long[] broadcastShapes(long[]... shapes) {
        int rank = 0;
        for (long[] s : shapes) rank = Math.max(rank, s.length);
        long[] out = new long[rank];
        Arrays.fill(out, 1);
        for (long[] s : shapes) {
            int shift = rank - s.length;
            for (int d = 0; d < s.length; d++) {
                long a = out[d + shift], b = s[d];
                if (a == 1) out[d + shift] = b;
                else if (b != 1 && a != b) {
                    List<String> all = new ArrayList<>();
                    for (long[] x : shapes) all.add(Arrays.toString(x));
                    throw new IrException("shapes " + String.join(", ", all) + " cannot be broadcast");
                }
            }
        }
        return out;
    }

    private static void increment(int[] coord, long[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++coord[d] < shape[d]) return;
            coord[d] = 0;
        }
    }

    private static TensorData withShape(TensorData x, long[] shape) {
        TensorType t = TensorType.of(x.dtype(), shape);
        return x.dtype() == DType.STRING ? TensorData.ofStrings(t, x.strings()) : TensorData.ofBytes(t, x.bytes());
    }
}
