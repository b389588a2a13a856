package dev.ppc.ir.schema;

import static dev.ppc.ir.Attribute.Kind.FLOAT;
import static dev.ppc.ir.Attribute.Kind.FLOATS;
import static dev.ppc.ir.Attribute.Kind.INT;
import static dev.ppc.ir.Attribute.Kind.INTS;
import static dev.ppc.ir.Attribute.Kind.STRING;
import static dev.ppc.ir.Attribute.Kind.STRINGS;
import static dev.ppc.ir.Attribute.Kind.TENSOR;
import static dev.ppc.ir.schema.InferenceContext.unknownShape;
import static dev.ppc.ir.schema.OpSchemas.add;
import static dev.ppc.ir.schema.OpSchemas.define;

import dev.ppc.ir.DType;
import dev.ppc.ir.Dim;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Schemas of ONNX ops that move, reshape, slice, join or create tensors. */
final class OnnxTensorSchemas {
    private OnnxTensorSchemas() {}

    static void register() {
        add(define("", "Shape").versions(1, 13, 15).attr("start", INT).attr("end", INT).infer(OnnxTensorSchemas::shape));
        add(define("", "Size").versions(1, 13).infer(ctx -> List.of(TensorType.of(DType.I64))));
        add(define("", "Reshape").versions(1, 5, 13, 14).inputs(2).attr("allowzero", INT).infer(OnnxTensorSchemas::reshape));
        add(define("", "Transpose").versions(1, 13).attr("perm", INTS).infer(OnnxTensorSchemas::transpose));
        add(define("", "Gather").versions(1, 11, 13).inputs(2).attr("axis", INT).infer(OnnxTensorSchemas::gather));
        add(define("", "GatherElements").versions(11, 13).inputs(2).attr("axis", INT)
                .infer(ctx -> List.of(ctx.input(1).withDtype(ctx.input(0).dtype()))));
        add(define("", "ScatterElements").versions(11, 13, 16, 18).inputs(3).attr("axis", INT).attr("reduction", STRING)
                .infer(ctx -> List.of(ctx.input(0))));
        add(define("", "ScatterND").versions(11, 13, 16, 18).inputs(3).attr("reduction", STRING).infer(ctx -> List.of(ctx.input(0))));
        add(define("", "Concat").versions(1, 4, 11, 13).inputs(1, OpSchema.VARIADIC).attr("axis", INT).infer(OnnxTensorSchemas::concat));
        add(define("", "Split").versions(1, 2, 11, 13, 18).inputs(1, 2).outputs(1, OpSchema.VARIADIC)
                .attr("axis", INT).attr("split", INTS).attr("num_outputs", INT).infer(OnnxTensorSchemas::split));
        add(define("", "Slice").versions(1, 10, 11, 13).inputs(1, 5).attr("starts", INTS).attr("ends", INTS).attr("axes", INTS)
                .infer(OnnxTensorSchemas::slice));
        add(define("", "Unsqueeze").versions(1, 11, 13).inputs(1, 2).attr("axes", INTS).infer(OnnxTensorSchemas::unsqueeze));
        add(define("", "Squeeze").versions(1, 11, 13).inputs(1, 2).attr("axes", INTS).infer(OnnxTensorSchemas::squeeze));
        add(define("", "Expand").versions(8, 13).inputs(2).infer(OnnxTensorSchemas::expand));
        add(define("", "Flatten").versions(1, 9, 11, 13).attr("axis", INT).infer(OnnxTensorSchemas::flatten));
        add(define("", "Trilu").versions(14).inputs(1, 2).attr("upper", INT).infer(ctx -> List.of(ctx.input(0))));
        add(define("", "Range").versions(11).inputs(3).infer(OnnxTensorSchemas::range));
        add(define("", "ConstantOfShape").versions(9).attr("value", TENSOR).infer(OnnxTensorSchemas::constantOfShape));
        add(define("", "CumSum").versions(11, 14).inputs(2).attr("exclusive", INT).attr("reverse", INT).infer(ctx -> List.of(ctx.input(0))));
        add(define("", "Cast").versions(1, 6, 9, 13).requiredAttr("to", INT).infer(ctx -> {
            DType to = DType.fromOnnxCode((int) ctx.intAttr("to", 0));
            if (to == null) throw ctx.fail("Cast 'to' = " + ctx.intAttr("to", 0) + " is not an ONNX data type");
            return List.of(ctx.input(0).withDtype(to));
        }));
        add(define("", "CastLike").versions(15).inputs(2).infer(ctx -> List.of(ctx.input(0).withDtype(ctx.input(1).dtype()))));
        add(define("", "Tile").versions(1, 6, 13).inputs(2).infer(OnnxTensorSchemas::tile));
        add(define("", "Pad").versions(1, 2, 11, 13, 18).inputs(1, 4).attr("mode", STRING).attr("pads", INTS).attr("value", FLOAT)
                .infer(OnnxTensorSchemas::pad));
        add(define("", "NonZero").versions(9, 13).infer(ctx -> {
            TensorType x = ctx.input(0);
            if (!x.isRanked()) return List.of(TensorType.unranked(DType.I64));
            return List.of(TensorType.of(DType.I64, List.of(Dim.of(x.rank()), Dim.unknown())));
        }));
        add(define("", "Constant").versions(1, 9, 11, 12, 13).inputs(0, 0).attr("value", TENSOR).attr("value_float", FLOAT)
                .attr("value_floats", FLOATS).attr("value_int", INT).attr("value_ints", INTS).attr("value_string", STRING)
                .attr("value_strings", STRINGS).infer(OnnxTensorSchemas::constant));
    }

    private static List<TensorType> shape(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        if (!x.isRanked()) return List.of(unknownShape(DType.I64, 1));
        int r = x.rank();
        long start = clampAxis(ctx.intAttr("start", 0), r), end = clampAxis(ctx.intAttr("end", r), r);
        return List.of(TensorType.of(DType.I64, Math.max(0, end - start)));
    }

    private static long clampAxis(long a, int rank) {
        if (a < 0) a += rank;
        return Math.max(0, Math.min(rank, a));
    }

    private static List<TensorType> reshape(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        long[] target = ctx.opset() >= 5 ? ctx.constantLongs(1) : ctx.intsAttr("shape");
        if (target == null) {
            int n = ctx.opset() >= 5 ? ShapeRules.staticLength1D(ctx.input(1)) : -1;
            return List.of(n < 0 ? TensorType.unranked(x.dtype()) : unknownShape(x.dtype(), n));
        }
        boolean allowZero = ctx.intAttr("allowzero", 0) != 0;
        List<Dim> out = new ArrayList<>();
        int inferIndex = -1;
        long known = 1;
        boolean allKnown = true;
        for (int i = 0; i < target.length; i++) {
            long t = target[i];
            Dim d;
            if (t == -1) {
                if (inferIndex >= 0) throw ctx.fail("Reshape shape " + Arrays.toString(target) + " has more than one -1");
                inferIndex = i;
                d = Dim.unknown();
            } else if (t == 0 && !allowZero) {
                if (!x.isRanked() || i >= x.rank()) {
                    if (x.isRanked()) throw ctx.fail("Reshape shape " + Arrays.toString(target) + " copies dim " + i + " of a rank-" + x.rank() + " input");
                    d = Dim.unknown();
                } else {
                    d = x.dim(i);
                }
            } else if (t < 0) {
                throw ctx.fail("Reshape shape " + Arrays.toString(target) + " has invalid size " + t);
            } else {
                d = Dim.of(t);
            }
            out.add(d);
            if (i != inferIndex) {
                if (d.isStatic()) known *= d.size();
                else allKnown = false;
            }
        }
        long total = x.isRanked() ? ShapeRules.staticProduct(x.dims()) : -1;
        if (inferIndex >= 0 && allKnown && total >= 0) {
            if (known == 0 || total % known != 0) {
                throw ctx.fail("cannot reshape " + x + " to " + Arrays.toString(target));
            }
            out.set(inferIndex, Dim.of(total / known));
        } else if (inferIndex < 0 && allKnown && total >= 0 && known != total) {
            throw ctx.fail("cannot reshape " + x + " (" + total + " elements) to " + Arrays.toString(target) + " (" + known + " elements)");
        }
        return List.of(TensorType.of(x.dtype(), out));
    }

    private static List<TensorType> transpose(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        if (!x.isRanked()) return List.of(x);
        int r = x.rank();
        long[] perm = ctx.intsAttr("perm");
        if (perm == null) {
            perm = new long[r];
            for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
        }
        if (perm.length != r) throw ctx.fail("perm " + Arrays.toString(perm) + " does not match rank " + r);
        boolean[] seen = new boolean[r];
        List<Dim> out = new ArrayList<>();
        for (long p : perm) {
            int a = ctx.axis(p, r);
            if (seen[a]) throw ctx.fail("perm " + Arrays.toString(perm) + " is not a permutation");
            seen[a] = true;
            out.add(x.dim(a));
        }
        return List.of(TensorType.of(x.dtype(), out));
    }

    private static List<TensorType> gather(InferenceContext ctx) {
        TensorType data = ctx.input(0), idx = ctx.input(1);
        if (!data.isRanked() || !idx.isRanked()) return List.of(TensorType.unranked(data.dtype()));
        int axis = ctx.axis(ctx.intAttr("axis", 0), data.rank());
        List<Dim> out = new ArrayList<>(data.dims().subList(0, axis));
        out.addAll(idx.dims());
        out.addAll(data.dims().subList(axis + 1, data.rank()));
        return List.of(TensorType.of(data.dtype(), out));
    }

    private static List<TensorType> concat(InferenceContext ctx) {
        TensorType first = ctx.input(0);
        int rank = -1;
        for (int i = 0; i < ctx.numInputs(); i++) {
            if (ctx.input(i).isRanked()) { rank = ctx.input(i).rank(); break; }
        }
        if (rank < 0) return List.of(TensorType.unranked(first.dtype()));
        if (!ctx.hasAttr("axis")) throw ctx.fail("Concat needs attribute 'axis'");
        int axis = ctx.axis(ctx.intAttr("axis", 0), rank);
        List<Dim> out = new ArrayList<>();
        for (int d = 0; d < rank; d++) out.add(null);
        long sum = 0;
        boolean sumKnown = true;
        for (int i = 0; i < ctx.numInputs(); i++) {
            TensorType t = ctx.input(i);
            if (!t.isRanked()) { sumKnown = false; continue; }
            if (t.rank() != rank) throw ctx.fail("Concat operands have ranks " + rank + " and " + t.rank());
            if (t.dtype() != first.dtype()) throw ctx.fail("Concat operands have dtypes " + first.dtype() + " and " + t.dtype());
            for (int d = 0; d < rank; d++) {
                Dim dim = t.dim(d);
                if (d == axis) {
                    if (dim.isStatic()) sum += dim.size();
                    else sumKnown = false;
                } else if (out.get(d) == null || (!out.get(d).isStatic() && dim.isStatic())) {
                    out.set(d, dim);
                } else if (out.get(d).isStatic() && dim.isStatic() && out.get(d).size() != dim.size()) {
                    throw ctx.fail("Concat operands disagree on dim " + d + ": " + out.get(d) + " vs " + dim);
                }
            }
        }
        out.set(axis, sumKnown ? Dim.of(sum) : Dim.unknown());
        for (int d = 0; d < rank; d++) if (out.get(d) == null) out.set(d, Dim.unknown());
        return List.of(TensorType.of(first.dtype(), out));
    }

    private static List<TensorType> split(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        int n = ctx.numOutputs();
        List<TensorType> out = new ArrayList<>();
        if (!x.isRanked()) {
            for (int i = 0; i < n; i++) out.add(x);
            return out;
        }
        int axis = ctx.axis(ctx.intAttr("axis", 0), x.rank());
        long[] sizes = ctx.opset() >= 13 ? (ctx.hasInput(1) ? ctx.constantLongs(1) : null) : ctx.intsAttr("split");
        boolean sizesGiven = ctx.opset() >= 13 ? ctx.hasInput(1) : ctx.hasAttr("split");
        Dim d = x.dim(axis);
        if (!sizesGiven) {
            if (!d.isStatic()) sizes = null;
            else {
                long total = d.size();
                sizes = new long[n];
                if (ctx.hasAttr("num_outputs")) {
                    long chunk = (total + n - 1) / n;
                    for (int i = 0; i < n; i++) sizes[i] = Math.max(0, Math.min(chunk, total - chunk * i));
                } else {
                    if (total % n != 0) throw ctx.fail("cannot split dim " + total + " into " + n + " equal parts");
                    Arrays.fill(sizes, total / n);
                }
            }
        }
        if (sizes != null && sizes.length != n) throw ctx.fail("split sizes " + Arrays.toString(sizes) + " do not match " + n + " outputs");
        if (sizes != null && d.isStatic() && Arrays.stream(sizes).sum() != d.size()) {
            throw ctx.fail("split sizes " + Arrays.toString(sizes) + " do not add up to dim " + d.size());
        }
        for (int i = 0; i < n; i++) {
            List<Dim> dims = new ArrayList<>(x.dims());
            dims.set(axis, sizes == null ? Dim.unknown() : Dim.of(sizes[i]));
            out.add(TensorType.of(x.dtype(), dims));
        }
        return out;
    }

    private static List<TensorType> slice(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        if (!x.isRanked()) return List.of(x);
        int r = x.rank();
        long[] starts, ends, axes, steps;
        if (ctx.opset() < 10) {
            starts = ctx.intsAttr("starts");
            ends = ctx.intsAttr("ends");
            axes = ctx.intsAttr("axes");
            steps = null;
            if (starts == null || ends == null) throw ctx.fail("Slice needs attributes 'starts' and 'ends'");
        } else {
            if (ctx.numInputs() < 3) throw ctx.fail("Slice needs operands data, starts and ends");
            starts = ctx.constantLongs(1);
            ends = ctx.constantLongs(2);
            axes = ctx.hasInput(3) ? ctx.constantLongs(3) : null;
            steps = ctx.hasInput(4) ? ctx.constantLongs(4) : null;
            boolean axesUnknown = ctx.hasInput(3) && axes == null;
            boolean stepsUnknown = ctx.hasInput(4) && steps == null;
            if (starts == null || ends == null || axesUnknown || stepsUnknown) {
                if (axesUnknown) return List.of(unknownShape(x.dtype(), r));
                List<Dim> dims = new ArrayList<>(x.dims());
                int n = starts != null ? starts.length : ends != null ? ends.length : ShapeRules.staticLength1D(ctx.input(1));
                if (n < 0) return List.of(unknownShape(x.dtype(), r));
                for (int i = 0; i < n; i++) dims.set(ctx.axis(axes == null ? i : axes[i], r), Dim.unknown());
                return List.of(TensorType.of(x.dtype(), dims));
            }
        }
        if (starts.length != ends.length) throw ctx.fail("Slice starts and ends have different lengths");
        List<Dim> dims = new ArrayList<>(x.dims());
        for (int i = 0; i < starts.length; i++) {
            int axis = ctx.axis(axes == null ? i : axes[i], r);
            long step = steps == null ? 1 : steps[i];
            if (step == 0) throw ctx.fail("Slice step must not be 0");
            Dim d = x.dim(axis);
            if (!d.isStatic()) { dims.set(axis, Dim.unknown()); continue; }
            dims.set(axis, Dim.of(sliceLength(d.size(), starts[i], ends[i], step)));
        }
        return List.of(TensorType.of(x.dtype(), dims));
    }

    /** Number of elements ONNX Slice selects from a dim of size {@code n}. */
    static long sliceLength(long n, long start, long end, long step) {
        if (start < 0) start += n;
        if (end < 0) end += n;
        if (step > 0) {
            start = Math.max(0, Math.min(n, start));
            end = Math.max(0, Math.min(n, end));
            return end > start ? (end - start + step - 1) / step : 0;
        }
        // Negative steps clamp start to [0, n-1] (ONNX spec, ONNX Runtime), not to -1 as numpy does.
        if (n == 0) return 0;
        start = Math.max(0, Math.min(n - 1, start));
        end = Math.max(-1, Math.min(n - 1, end));
        return start > end ? (start - end + (-step) - 1) / (-step) : 0;
    }

    private static long[] axesOperand(InferenceContext ctx) {
        return ctx.opset() >= 13 ? (ctx.hasInput(1) ? ctx.constantLongs(1) : null) : ctx.intsAttr("axes");
    }

    private static List<TensorType> unsqueeze(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        long[] axes = axesOperand(ctx);
        if (axes == null) {
            int n = ctx.opset() >= 13 && ctx.hasInput(1) ? ShapeRules.staticLength1D(ctx.input(1)) : -1;
            if (n < 0 || !x.isRanked()) return List.of(TensorType.unranked(x.dtype()));
            return List.of(unknownShape(x.dtype(), x.rank() + n));
        }
        if (!x.isRanked()) return List.of(TensorType.unranked(x.dtype()));
        int outRank = x.rank() + axes.length;
        boolean[] inserted = new boolean[outRank];
        for (long a : axes) {
            int ax = ctx.axis(a, outRank);
            if (inserted[ax]) throw ctx.fail("Unsqueeze axes " + Arrays.toString(axes) + " repeat axis " + ax);
            inserted[ax] = true;
        }
        List<Dim> out = new ArrayList<>();
        int j = 0;
        for (int i = 0; i < outRank; i++) out.add(inserted[i] ? Dim.of(1) : x.dim(j++));
        return List.of(TensorType.of(x.dtype(), out));
    }

    private static List<TensorType> squeeze(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        if (!x.isRanked()) return List.of(x);
        long[] axes = axesOperand(ctx);
        boolean axesGiven = ctx.opset() >= 13 ? ctx.hasInput(1) : ctx.hasAttr("axes");
        if (axesGiven && axes == null) {
            int n = ShapeRules.staticLength1D(ctx.input(1));
            return List.of(n < 0 ? TensorType.unranked(x.dtype()) : unknownShape(x.dtype(), x.rank() - n));
        }
        boolean[] drop = new boolean[x.rank()];
        if (axes == null) {
            for (int i = 0; i < x.rank(); i++) {
                Dim d = x.dim(i);
                if (!d.isStatic()) return List.of(TensorType.unranked(x.dtype()));
                drop[i] = d.size() == 1;
            }
        } else {
            for (long a : axes) {
                int ax = ctx.axis(a, x.rank());
                Dim d = x.dim(ax);
                if (d.isStatic() && d.size() != 1) throw ctx.fail("cannot squeeze axis " + a + " of size " + d.size());
                drop[ax] = true;
            }
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) if (!drop[i]) out.add(x.dim(i));
        return List.of(TensorType.of(x.dtype(), out));
    }

    private static List<TensorType> expand(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        long[] shape = ctx.constantLongs(1);
        if (shape == null) {
            int n = ShapeRules.staticLength1D(ctx.input(1));
            if (n < 0 || !x.isRanked()) return List.of(TensorType.unranked(x.dtype()));
            return List.of(unknownShape(x.dtype(), Math.max(n, x.rank())));
        }
        return List.of(ShapeRules.broadcast(x.dtype(), List.of(x, TensorType.of(x.dtype(), ShapeRules.dimsOf(shape)))));
    }

    private static List<TensorType> flatten(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        if (!x.isRanked()) return List.of(unknownShape(x.dtype(), 2));
        long axisAttr = ctx.intAttr("axis", 1);
        int axis = (int) (axisAttr < 0 ? axisAttr + x.rank() : axisAttr);
        if (axis < 0 || axis > x.rank()) throw ctx.fail("Flatten axis " + axisAttr + " is out of range for rank " + x.rank());
        long outer = ShapeRules.staticProduct(x.dims().subList(0, axis));
        long inner = ShapeRules.staticProduct(x.dims().subList(axis, x.rank()));
        return List.of(TensorType.of(x.dtype(), List.of(outer < 0 ? Dim.unknown() : Dim.of(outer), inner < 0 ? Dim.unknown() : Dim.of(inner))));
    }

    private static List<TensorType> range(InferenceContext ctx) {
        DType t = ctx.input(0).dtype();
        TensorData s = ctx.constant(0), l = ctx.constant(1), d = ctx.constant(2);
        if (s == null || l == null || d == null) return List.of(unknownShape(t, 1));
        double start = s.doubleAt(0), limit = l.doubleAt(0), delta = d.doubleAt(0);
        if (delta == 0) throw ctx.fail("Range delta must not be 0");
        long n = (long) Math.max(Math.ceil((limit - start) / delta), 0);
        return List.of(TensorType.of(t, n));
    }

    private static List<TensorType> constantOfShape(InferenceContext ctx) {
        TensorData value = ctx.tensorAttr("value");
        DType t = value == null ? DType.F32 : value.dtype();
        long[] shape = ctx.constantLongs(0);
        if (shape == null) {
            int n = ShapeRules.staticLength1D(ctx.input(0));
            return List.of(n < 0 ? TensorType.unranked(t) : unknownShape(t, n));
        }
        for (long v : shape) if (v < 0) throw ctx.fail("ConstantOfShape shape " + Arrays.toString(shape) + " has a negative size");
        return List.of(TensorType.of(t, shape));
    }

    private static List<TensorType> tile(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        long[] reps = ctx.constantLongs(1);
        if (!x.isRanked()) return List.of(x);
        if (reps == null) return List.of(unknownShape(x.dtype(), x.rank()));
        if (reps.length != x.rank()) throw ctx.fail("Tile repeats " + Arrays.toString(reps) + " do not match rank " + x.rank());
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < reps.length; i++) {
            Dim d = x.dim(i);
            out.add(d.isStatic() ? Dim.of(d.size() * reps[i]) : (reps[i] == 1 ? d : Dim.unknown()));
        }
        return List.of(TensorType.of(x.dtype(), out));
    }

    private static List<TensorType> pad(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        if (!x.isRanked()) return List.of(x);
        int r = x.rank();
        long[] pads = ctx.opset() >= 11 ? ctx.constantLongs(1) : ctx.intsAttr("pads");
        long[] axes = ctx.opset() >= 18 && ctx.hasInput(3) ? ctx.constantLongs(3) : null;
        if (pads == null || (ctx.opset() >= 18 && ctx.hasInput(3) && axes == null)) return List.of(unknownShape(x.dtype(), r));
        int n = axes == null ? r : axes.length;
        if (pads.length != 2 * n) throw ctx.fail("Pad pads " + Arrays.toString(pads) + " need " + 2 * n + " values");
        List<Dim> out = new ArrayList<>(x.dims());
        for (int i = 0; i < n; i++) {
            int ax = ctx.axis(axes == null ? i : axes[i], r);
            Dim d = x.dim(ax);
            out.set(ax, d.isStatic() ? Dim.of(d.size() + pads[i] + pads[i + n]) : Dim.unknown());
        }
        return List.of(TensorType.of(x.dtype(), out));
    }

    private static List<TensorType> constant(InferenceContext ctx) {
        TensorData v = ctx.tensorAttr("value");
        if (v != null) return List.of(v.type());
        if (ctx.hasAttr("value_float")) return List.of(TensorType.of(DType.F32));
        if (ctx.hasAttr("value_int")) return List.of(TensorType.of(DType.I64));
        if (ctx.hasAttr("value_string")) return List.of(TensorType.of(DType.STRING));
        long[] ints = ctx.intsAttr("value_ints");
        if (ints != null) return List.of(TensorType.of(DType.I64, ints.length));
        if (ctx.attribute("value_floats") instanceof dev.ppc.ir.Attribute.FloatsAttr f) return List.of(TensorType.of(DType.F32, f.values().length));
        if (ctx.attribute("value_strings") instanceof dev.ppc.ir.Attribute.StringsAttr f) return List.of(TensorType.of(DType.STRING, f.values().size()));
        throw ctx.fail("Constant needs one of value, value_float, value_int, value_ints, value_string");
    }
}
