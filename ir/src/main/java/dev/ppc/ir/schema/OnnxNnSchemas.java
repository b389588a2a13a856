package dev.ppc.ir.schema;

import static dev.ppc.ir.Attribute.Kind.FLOAT;
import static dev.ppc.ir.Attribute.Kind.INT;
import static dev.ppc.ir.Attribute.Kind.INTS;
import static dev.ppc.ir.Attribute.Kind.STRING;
import static dev.ppc.ir.schema.OpSchemas.add;
import static dev.ppc.ir.schema.OpSchemas.define;

import dev.ppc.ir.DType;
import dev.ppc.ir.Dim;
import dev.ppc.ir.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Schemas of ONNX's linear algebra, normalization and reduction ops. */
final class OnnxNnSchemas {
    private OnnxNnSchemas() {}

    static void register() {
        add(define("", "MatMul").versions(1, 9, 13).inputs(2).infer(OnnxNnSchemas::matmul));
        add(define("", "Gemm").versions(1, 6, 7, 9, 11, 13).inputs(2, 3).attr("alpha", FLOAT).attr("beta", FLOAT)
                .attr("transA", INT).attr("transB", INT).attr("broadcast", INT).infer(OnnxNnSchemas::gemm));
        for (String op : List.of("Softmax", "LogSoftmax", "Hardmax")) {
            add(define("", op).versions(1, 11, 13).attr("axis", INT).infer(ctx -> List.of(ctx.input(0))));
        }
        add(define("", "LayerNormalization").versions(17).inputs(2, 3).outputs(1, 3).attr("axis", INT).attr("epsilon", FLOAT)
                .attr("stash_type", INT).infer(OnnxNnSchemas::layerNorm));
        for (String op : List.of("ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
                "ReduceLogSumExp", "ReduceSumSquare")) {
            add(define("", op).versions(1, 11, 12, 13, 18).inputs(1, 2).attr("axes", INTS).attr("keepdims", INT)
                    .attr("noop_with_empty_axes", INT).infer(ctx -> reduce(ctx, 18)));
        }
        add(define("", "ReduceSum").versions(1, 11, 13).inputs(1, 2).attr("axes", INTS).attr("keepdims", INT)
                .attr("noop_with_empty_axes", INT).infer(ctx -> reduce(ctx, 13)));
        for (String op : List.of("ArgMax", "ArgMin")) {
            add(define("", op).versions(1, 11, 12, 13).attr("axis", INT).attr("keepdims", INT).attr("select_last_index", INT)
                    .infer(ctx -> {
                        TensorType x = ctx.input(0);
                        if (!x.isRanked()) return List.of(TensorType.unranked(DType.I64));
                        int axis = ctx.axis(ctx.intAttr("axis", 0), x.rank());
                        return List.of(ShapeRules.reduce(x, new long[] {axis}, ctx.intAttr("keepdims", 1) != 0, false, DType.I64));
                    }));
        }
        add(define("", "TopK").versions(1, 10, 11).inputs(1, 2).outputs(2, 2).attr("axis", INT).attr("k", INT)
                .attr("largest", INT).attr("sorted", INT).infer(OnnxNnSchemas::topK));
        add(define("", "Einsum").versions(12).inputs(1, OpSchema.VARIADIC).requiredAttr("equation", STRING).infer(OnnxNnSchemas::einsum));
    }

    private static List<TensorType> matmul(InferenceContext ctx) {
        TensorType a = ctx.input(0), b = ctx.input(1);
        if (a.dtype() != b.dtype()) throw ctx.fail("MatMul operands have dtypes " + a.dtype() + " and " + b.dtype());
        if (!a.isRanked() || !b.isRanked()) return List.of(TensorType.unranked(a.dtype()));
        if (a.rank() == 0 || b.rank() == 0) throw ctx.fail("MatMul operands must have rank at least 1");
        List<Dim> ad = new ArrayList<>(a.dims()), bd = new ArrayList<>(b.dims());
        boolean aVec = ad.size() == 1, bVec = bd.size() == 1;
        if (aVec) ad.add(0, Dim.of(1));
        if (bVec) bd.add(Dim.of(1));
        Dim k1 = ad.get(ad.size() - 1), k2 = bd.get(bd.size() - 2);
        if (k1.isStatic() && k2.isStatic() && k1.size() != k2.size()) {
            throw ctx.fail("MatMul inner dimensions differ: " + a + " x " + b);
        }
        TensorType batch = ShapeRules.broadcast(a.dtype(), List.of(
                TensorType.of(a.dtype(), ad.subList(0, ad.size() - 2)), TensorType.of(b.dtype(), bd.subList(0, bd.size() - 2))));
        List<Dim> out = new ArrayList<>(batch.dims());
        if (!aVec) out.add(ad.get(ad.size() - 2));
        if (!bVec) out.add(bd.get(bd.size() - 1));
        return List.of(TensorType.of(a.dtype(), out));
    }

    private static List<TensorType> gemm(InferenceContext ctx) {
        TensorType a = ctx.input(0), b = ctx.input(1);
        if (!a.isRanked() || !b.isRanked()) return List.of(InferenceContext.unknownShape(a.dtype(), 2));
        if (a.rank() != 2 || b.rank() != 2) throw ctx.fail("Gemm operands must be 2-D, got " + a + " and " + b);
        boolean ta = ctx.intAttr("transA", 0) != 0, tb = ctx.intAttr("transB", 0) != 0;
        Dim m = a.dim(ta ? 1 : 0), k1 = a.dim(ta ? 0 : 1), k2 = b.dim(tb ? 1 : 0), n = b.dim(tb ? 0 : 1);
        if (k1.isStatic() && k2.isStatic() && k1.size() != k2.size()) throw ctx.fail("Gemm inner dimensions differ: " + a + " x " + b);
        return List.of(TensorType.of(a.dtype(), List.of(m, n)));
    }

    private static List<TensorType> layerNorm(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        List<TensorType> out = new ArrayList<>(List.of(x));
        if (!x.isRanked()) {
            out.add(TensorType.unranked(DType.F32));
            out.add(TensorType.unranked(DType.F32));
            return out;
        }
        int axis = ctx.axis(ctx.intAttr("axis", -1), x.rank());
        List<Dim> stat = new ArrayList<>(x.dims().subList(0, axis));
        for (int i = axis; i < x.rank(); i++) stat.add(Dim.of(1));
        DType statType = ctx.intAttr("stash_type", 1) == 1 ? DType.F32 : x.dtype();
        out.add(TensorType.of(statType, stat));
        out.add(TensorType.of(statType, stat));
        return out;
    }

    private static List<TensorType> reduce(InferenceContext ctx, int axesInputSince) {
        TensorType x = ctx.input(0);
        boolean keep = ctx.intAttr("keepdims", 1) != 0;
        boolean noop = ctx.intAttr("noop_with_empty_axes", 0) != 0;
        long[] axes;
        if (ctx.opset() >= axesInputSince) {
            if (ctx.hasInput(1)) {
                axes = ctx.constantLongs(1);
                if (axes == null) {
                    if (!x.isRanked()) return List.of(x);
                    return List.of(keep ? InferenceContext.unknownShape(x.dtype(), x.rank()) : TensorType.unranked(x.dtype()));
                }
            } else {
                axes = null;
            }
        } else {
            axes = ctx.intsAttr("axes");
        }
        return List.of(ShapeRules.reduce(x, axes, keep, noop, x.dtype()));
    }

    private static List<TensorType> topK(InferenceContext ctx) {
        TensorType x = ctx.input(0);
        if (!x.isRanked()) return List.of(x, TensorType.unranked(DType.I64));
        int axis = ctx.axis(ctx.intAttr("axis", -1), x.rank());
        long k;
        if (ctx.opset() >= 10) {
            long[] kv = ctx.constantLongs(1);
            k = kv == null ? -1 : kv[0];
        } else {
            k = ctx.intAttr("k", -1);
        }
        List<Dim> dims = new ArrayList<>(x.dims());
        dims.set(axis, k < 0 ? Dim.unknown() : Dim.of(k));
        return List.of(TensorType.of(x.dtype(), dims), TensorType.of(DType.I64, dims));
    }

    private static List<TensorType> einsum(InferenceContext ctx) {
        String eq = ctx.stringAttr("equation", "").replace(" ", "");
        String[] sides = eq.split("->", -1);
        String[] terms = sides[0].split(",", -1);
        if (terms.length != ctx.numInputs()) throw ctx.fail("Einsum equation '" + eq + "' names " + terms.length + " operands, got " + ctx.numInputs());
        Map<Character, Dim> sizes = new HashMap<>();
        List<Dim> ellipsis = null;
        StringBuilder implicit = new StringBuilder();
        Map<Character, Integer> counts = new HashMap<>();
        DType t = ctx.input(0).dtype();
        for (int i = 0; i < terms.length; i++) {
            TensorType in = ctx.input(i);
            if (!in.isRanked()) return List.of(TensorType.unranked(t));
            String term = terms[i];
            int dots = term.indexOf("...");
            int letters = term.replace("...", "").length();
            int ellRank = dots >= 0 ? in.rank() - letters : 0;
            if (ellRank < 0 || (dots < 0 && letters != in.rank())) throw ctx.fail("Einsum term '" + term + "' does not match operand " + in);
            int axis = 0;
            for (int c = 0; c < term.length(); c++) {
                if (term.startsWith("...", c)) {
                    List<Dim> e = in.dims().subList(axis, axis + ellRank);
                    ellipsis = ellipsis == null ? new ArrayList<>(e)
                            : ShapeRules.broadcast(t, List.of(TensorType.of(t, ellipsis), TensorType.of(t, e))).dims();
                    axis += ellRank;
                    c += 2;
                    continue;
                }
                char ch = term.charAt(c);
                if (!Character.isLetter(ch)) throw ctx.fail("Einsum equation '" + eq + "' has invalid label '" + ch + "'");
                Dim d = in.dim(axis++);
                Dim prev = sizes.get(ch);
                if (prev == null || (!prev.isStatic() && d.isStatic()) || (prev.isStatic() && prev.size() == 1)) sizes.put(ch, d);
                counts.merge(ch, 1, Integer::sum);
            }
        }
        String outTerm;
        if (sides.length == 2) {
            outTerm = sides[1];
        } else {
            counts.keySet().stream().filter(ch -> counts.get(ch) == 1).sorted().forEach(implicit::append);
            outTerm = (ellipsis != null ? "..." : "") + implicit;
        }
        List<Dim> out = new ArrayList<>();
        for (int c = 0; c < outTerm.length(); c++) {
            if (outTerm.startsWith("...", c)) {
                if (ellipsis != null) out.addAll(ellipsis);
                c += 2;
                continue;
            }
            Dim d = sizes.get(outTerm.charAt(c));
            if (d == null) throw ctx.fail("Einsum output label '" + outTerm.charAt(c) + "' appears in no operand");
            out.add(d);
        }
        return List.of(TensorType.of(t, out));
    }
}
