package dev.ppc.compiler.onnx;

import dev.ppc.compiler.onnx.proto.OnnxProtos.AttributeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.FunctionProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.GraphProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ModelProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.NodeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ValueInfoProto;
import dev.ppc.ir.Dim;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.schema.OpSchema;
import dev.ppc.ir.schema.OpSchemas;
import dev.ppc.ir.text.IrPrinter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Rewrites the nodes of a model that imports an ONNX default-domain opset below
 * {@value #TARGET_OPSET} into their opset-{@value #TARGET_OPSET} form, and raises the module's
 * opset to {@value #TARGET_OPSET}, so that schemas, folding and kernels only ever see the modern
 * form of an op. It is the first piece of moving every model to one canonical opset (issue 11):
 * there, the target rises and more rewrites join the table below; here it covers every change
 * ONNX made to the ops ppc knows before opset {@value #TARGET_OPSET}, the first opset in which
 * every element-wise op broadcasts the NumPy way.
 *
 * <p>A node is rewritten only when the schema version its op had at the model's opset differs
 * from the one at {@value #TARGET_OPSET} ({@link #RULES} holds ONNX's since-versions up to
 * {@value #TARGET_OPSET}); every other op means the same at both opsets and passes unchanged.
 * The rewrites, each checked against the operand types the importer inferred so far:
 * <ul>
 *   <li>Binary element-wise ops before opset 7 (Add, Sub, Mul, Div at 1 and 6; Pow, And, Or,
 *       Xor, Equal, Greater, Less at 1) broadcast only B, and only to A's shape: without
 *       {@code broadcast=1} the shapes must be provably equal (the same static dims or the same
 *       symbols); with it, B's dims align with A's from {@code axis} (suffix alignment without
 *       it) and each must equal A's dim or be 1. When {@code axis} leaves trailing dims of A
 *       uncovered, B is reshaped with trailing 1s (a {@code Reshape} by a constant shape of 0s,
 *       which copy B's own dims even when symbolic, and 1s) so that NumPy broadcasting gives the
 *       legacy result.</li>
 *   <li>Gemm before 7: without {@code broadcast=1}, C must be [M, N]; with it, C must broadcast
 *       to [M, N]. PRelu before 7: a slope of one element, of X's shape, or of shape [C] applied
 *       per channel (dim 1 of X, reshaped to [C, 1, ...]).</li>
 *   <li>Sum, Max, Min, Mean before 8 do not broadcast: their inputs must have equal shapes.</li>
 *   <li>Reshape before 5: the {@code shape} attribute becomes a constant second operand.
 *       Split 1: a constant {@code split} input becomes the attribute. Concat 1: the missing
 *       {@code axis} defaults to 1. Cast 1: {@code to} names the type as a string. Pad 1:
 *       {@code paddings} is renamed {@code pads}. Selu 1: its own alpha and gamma defaults are
 *       written out.</li>
 *   <li>Opset 1's {@code consumed_inputs} (a legacy in-place optimization hint, no meaning for
 *       the result) is dropped; so is Dropout's {@code is_test} (Dropout is the identity at
 *       inference, which is what ppc runs).</li>
 * </ul>
 * What cannot be proved to keep the legacy meaning is refused with one line naming the node,
 * the op version and the model's opset, and asking for a re-export at a newer opset: unequal
 * or unprovable shapes, B not broadcasting to A's shape, a non-constant Split-1 size input,
 * Tile-1 (repeats along one axis given as run-time inputs).
 */
final class LegacyOpsetUpgrader {
    /** The opset a model below it is raised to. */
    static final int TARGET_OPSET = 8;

    /** An op's ONNX since-versions up to {@link #TARGET_OPSET} and the rewrite that takes a node of an older one to the newest. */
    private record Rule(int[] versions, BiFunction<LegacyOpsetUpgrader, Node, List<NodeProto>> rewrite) {
        int boundAt(int opset) {
            int bound = -1;
            for (int v : versions) if (v <= opset) bound = v;
            return bound;
        }
    }

    /** The node being upgraded: {@code version} is the op version the model's opset binds it to. */
    private record Node(NodeProto proto, int version, String where, Map<String, Value> scope) {
        String op() { return proto.getOpType(); }

        String label() { return proto.getOpType() + "-" + version; }
    }

    private static final Map<String, Rule> RULES = rules();

    private static Map<String, Rule> rules() {
        Map<String, Rule> r = new HashMap<>();
        for (String op : List.of("Abs", "Ceil", "Exp", "Floor", "Log", "Neg", "Reciprocal", "Relu", "Sigmoid", "Sqrt", "Tanh",
                "Elu", "HardSigmoid", "LeakyRelu", "Clip")) {
            r.put(op, new Rule(new int[] {1, 6}, LegacyOpsetUpgrader::dropConsumedInputs));
        }
        r.put("Selu", new Rule(new int[] {1, 6}, LegacyOpsetUpgrader::selu));
        r.put("Dropout", new Rule(new int[] {1, 6, 7}, LegacyOpsetUpgrader::dropout));
        for (String op : List.of("Add", "Sub", "Mul", "Div")) r.put(op, new Rule(new int[] {1, 6, 7}, LegacyOpsetUpgrader::binary));
        for (String op : List.of("Pow", "And", "Or", "Xor", "Equal", "Greater", "Less")) {
            r.put(op, new Rule(new int[] {1, 7}, LegacyOpsetUpgrader::binary));
        }
        r.put("Gemm", new Rule(new int[] {1, 6, 7}, LegacyOpsetUpgrader::gemm));
        r.put("PRelu", new Rule(new int[] {1, 6, 7}, LegacyOpsetUpgrader::prelu));
        for (String op : List.of("Sum", "Max", "Min", "Mean")) r.put(op, new Rule(new int[] {1, 6, 8}, LegacyOpsetUpgrader::variadic));
        r.put("Reshape", new Rule(new int[] {1, 5}, LegacyOpsetUpgrader::reshape));
        r.put("Concat", new Rule(new int[] {1, 4}, LegacyOpsetUpgrader::concat));
        r.put("Cast", new Rule(new int[] {1, 6}, LegacyOpsetUpgrader::cast));
        r.put("Split", new Rule(new int[] {1, 2}, LegacyOpsetUpgrader::split));
        r.put("Pad", new Rule(new int[] {1, 2}, LegacyOpsetUpgrader::pad));
        r.put("Tile", new Rule(new int[] {1, 6}, LegacyOpsetUpgrader::tile));
        return Map.copyOf(r);
    }

    private final Module module;
    private final String source;
    private final int modelOpset;
    private final Set<String> takenNames;

    private LegacyOpsetUpgrader(Module module, String source, int modelOpset, Set<String> takenNames) {
        this.module = module;
        this.source = source;
        this.modelOpset = modelOpset;
        this.takenNames = takenNames;
    }

    /**
     * The upgrader for a module whose opset imports the importer has just set from {@code model}:
     * when the default-domain opset is below {@link #TARGET_OPSET}, the module's opset is raised
     * to it and {@link #upgrade} rewrites old nodes; otherwise {@link #upgrade} changes nothing.
     */
    static LegacyOpsetUpgrader forModel(Module module, ModelProto model, String source) {
        int opset = module.opset("");
        if (opset >= TARGET_OPSET) return new LegacyOpsetUpgrader(module, source, opset, Set.of());
        module.setOpset("", TARGET_OPSET);
        return new LegacyOpsetUpgrader(module, source, opset, namesIn(model));
    }

    /**
     * The nodes, in opset-{@value #TARGET_OPSET} form, that compute what {@code node} computes at
     * the model's opset: the node itself when nothing changed, else the rewritten node preceded
     * by the constants and reshapes it needs. {@code scope} maps the names visible to the node
     * to the values imported so far (for operand types and constants); {@code where} describes
     * the node for diagnostics.
     */
    List<NodeProto> upgrade(NodeProto node, String where, Map<String, Value> scope) {
        if (modelOpset >= TARGET_OPSET) return List.of(node);
        String domain = node.getDomain();
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) return List.of(node);
        OpSchema schema = OpSchemas.lookup("", node.getOpType());
        if (schema == null) return List.of(node); // the importer names the unsupported op
        if (schema.versionFor(modelOpset) < 0) {
            throw new IrException(source + ": " + where + ": op '" + node.getOpType() + "' does not exist in opset " + modelOpset
                    + " (it was introduced in opset " + schema.sinceVersions()[0] + ")");
        }
        Rule rule = RULES.get(node.getOpType());
        if (rule == null) return List.of(node);
        int version = rule.boundAt(modelOpset);
        if (version == rule.boundAt(TARGET_OPSET)) return List.of(node);
        for (AttributeProto a : node.getAttributeList()) {
            if (a.hasRefAttrName() && !a.getRefAttrName().isEmpty()) {
                throw refuse(new Node(node, version, where, scope), "its attribute '" + a.getName()
                        + "' refers to a function attribute, which ppc does not resolve in legacy ops", TARGET_OPSET);
            }
        }
        return rule.rewrite().apply(this, new Node(node, version, where, scope));
    }

    // ---- rewrites -------------------------------------------------------------------------

    private List<NodeProto> dropConsumedInputs(Node n) { return List.of(without(n.proto(), "consumed_inputs")); }

    /** Selu-1's defaults (alpha 1.6732, gamma 1.0507) are not Selu-6's, so they are written out. */
    private List<NodeProto> selu(Node n) {
        NodeProto.Builder b = without(n.proto(), "consumed_inputs").toBuilder();
        if (!hasAttr(n.proto(), "alpha")) b.addAttribute(floatAttr("alpha", 1.6732f));
        if (!hasAttr(n.proto(), "gamma")) b.addAttribute(floatAttr("gamma", 1.0507f));
        return List.of(b.build());
    }

    private List<NodeProto> dropout(Node n) { return List.of(without(n.proto(), "consumed_inputs", "is_test")); }

    private List<NodeProto> binary(Node n) {
        NodeProto plain = without(n.proto(), "consumed_inputs", "broadcast", "axis");
        if (n.proto().getInputCount() != 2) return List.of(plain); // the importer reports the arity
        String aName = n.proto().getInput(0), bName = n.proto().getInput(1);
        TensorType a = typeOf(n, aName), b = typeOf(n, bName);
        if (a == null || b == null) return List.of(plain); // the importer reports the undefined input
        if (intAttr(n.proto(), "broadcast", 0) == 0) {
            if (!aName.equals(bName)) requireEqualShapes(n, List.of("A", "B"), List.of(a, b), "without broadcast=1 they must be equal", 7);
            return List.of(plain);
        }
        if (!a.isRanked() || !b.isRanked()) {
            throw refuse(n, "cannot check that B " + IrPrinter.type(b) + " broadcasts to A " + IrPrinter.type(a)
                    + " (a rank is unknown; declare the input shapes)", 7);
        }
        if (isOneElement(b)) {
            // A one-element B is a scalar to the legacy rule; NumPy agrees unless B has more dims than A.
            return b.rank() <= a.rank() ? List.of(plain) : reshapeOperand(n, plain, 1, new long[0]);
        }
        int start = a.rank() - b.rank();
        if (hasAttr(n.proto(), "axis")) {
            long axis = intAttr(n.proto(), "axis", 0);
            start = (int) (axis < 0 ? axis + a.rank() : axis);
        }
        if (start < 0 || start + b.rank() > a.rank()) {
            throw refuse(n, "B " + IrPrinter.type(b) + " does not fit in A " + IrPrinter.type(a) + " from axis " + start
                    + "; before opset 7, " + n.op() + " broadcasts B to A's shape only", 7);
        }
        for (int j = 0; j < b.rank(); j++) {
            Dim bd = b.dim(j), ad = a.dim(start + j);
            if ((bd.isStatic() && bd.size() == 1) || provablyEqual(bd, ad)) continue;
            String detail = "dim " + j + " of B is " + bd + " where A's dim " + (start + j) + " is " + ad;
            if (bd.isStatic() && ad.isStatic()) {
                throw refuse(n, "B " + IrPrinter.type(b) + " does not broadcast to A " + IrPrinter.type(a) + " aligned at axis " + start
                        + " (" + detail + "); before opset 7, " + n.op() + " broadcasts B to A's shape only", 7);
            }
            throw refuse(n, "cannot prove that B " + IrPrinter.type(b) + " broadcasts to A " + IrPrinter.type(a) + " aligned at axis "
                    + start + " (" + detail + "; declare the input shapes)", 7);
        }
        int trailing = a.rank() - start - b.rank();
        if (trailing == 0) return List.of(plain);
        long[] shape = new long[b.rank() + trailing];
        Arrays.fill(shape, b.rank(), shape.length, 1);
        return reshapeOperand(n, plain, 1, shape);
    }

    private List<NodeProto> gemm(Node n) {
        NodeProto plain = without(n.proto(), "broadcast");
        if (n.proto().getInputCount() < 3 || n.proto().getInput(2).isEmpty()) return List.of(plain);
        TensorType a = typeOf(n, n.proto().getInput(0)), b = typeOf(n, n.proto().getInput(1)), c = typeOf(n, n.proto().getInput(2));
        if (a == null || b == null || c == null) return List.of(plain);
        if (!a.isRanked() || !b.isRanked() || !c.isRanked() || a.rank() != 2 || b.rank() != 2) {
            throw refuse(n, "cannot check C " + IrPrinter.type(c) + " against A " + IrPrinter.type(a) + " and B " + IrPrinter.type(b)
                    + " (Gemm needs 2-D A and B of known rank; declare the input shapes)", 7);
        }
        Dim m = a.dim(intAttr(n.proto(), "transA", 0) != 0 ? 1 : 0), cols = b.dim(intAttr(n.proto(), "transB", 0) != 0 ? 0 : 1);
        List<Dim> mn = List.of(m, cols);
        boolean broadcast = intAttr(n.proto(), "broadcast", 0) != 0;
        boolean ok = broadcast ? c.rank() <= 2 : c.rank() == 2;
        for (int j = 0; ok && j < c.rank(); j++) {
            Dim cd = c.dim(j), target = mn.get(2 - c.rank() + j);
            ok = provablyEqual(cd, target) || (broadcast && cd.isStatic() && cd.size() == 1);
        }
        if (!ok) {
            String shape = "[" + m + "," + cols + "]";
            throw refuse(n, broadcast
                    ? "C " + IrPrinter.type(c) + " does not broadcast to [M, N] = " + shape
                    : "without broadcast=1, C must be [M, N] = " + shape + ", got " + IrPrinter.type(c) + " (set broadcast=1 to broadcast C)", 7);
        }
        return List.of(plain);
    }

    private List<NodeProto> prelu(Node n) {
        NodeProto plain = without(n.proto(), "consumed_inputs");
        if (n.proto().getInputCount() != 2) return List.of(plain);
        TensorType x = typeOf(n, n.proto().getInput(0)), slope = typeOf(n, n.proto().getInput(1));
        if (x == null || slope == null) return List.of(plain);
        if (x.isRanked() && slope.isRanked()) {
            if (isOneElement(slope)) return List.of(plain);
            if (slope.rank() == x.rank()) {
                boolean same = true;
                for (int j = 0; j < x.rank(); j++) same &= provablyEqual(slope.dim(j), x.dim(j));
                if (same) return List.of(plain);
            }
            if (slope.rank() == 1 && x.rank() >= 2 && provablyEqual(slope.dim(0), x.dim(1))) {
                if (x.rank() == 2) return List.of(plain);
                long[] shape = new long[x.rank() - 1];
                Arrays.fill(shape, 1, shape.length, 1);
                return reshapeOperand(n, plain, 1, shape);
            }
        }
        throw refuse(n, "slope " + IrPrinter.type(slope) + " is not one element, X's shape, nor [C] with C = dim 1 of X "
                + IrPrinter.type(x) + ", so ppc cannot tell how it applies", 7);
    }

    private List<NodeProto> variadic(Node n) {
        NodeProto plain = without(n.proto(), "consumed_inputs");
        List<String> names = new ArrayList<>();
        List<TensorType> types = new ArrayList<>();
        for (String in : n.proto().getInputList()) {
            TensorType t = typeOf(n, in);
            if (t == null) return List.of(plain);
            if (names.contains(in)) continue;
            names.add(in);
            types.add(t);
        }
        requireEqualShapes(n, names, types, "its inputs must have equal shapes (broadcasting came in opset 8)", 8);
        return List.of(plain);
    }

    private List<NodeProto> reshape(Node n) {
        long[] shape = intsAttr(n.proto(), "shape");
        if (shape == null) throw refuse(n, "has no 'shape' attribute, which Reshape before opset 5 requires", 5);
        NodeProto plain = without(n.proto(), "consumed_inputs", "shape");
        String shapeName = freshName(n.proto().getOutputCount() > 0 ? n.proto().getOutput(0) + "_shape" : "reshape_shape");
        NodeProto modern = plain.toBuilder().addInput(shapeName).build();
        return List.of(constantNode(n.proto(), shapeName, shape), modern);
    }

    private List<NodeProto> concat(Node n) {
        if (hasAttr(n.proto(), "axis")) return List.of(n.proto());
        return List.of(n.proto().toBuilder().addAttribute(intAttrProto("axis", 1)).build());
    }

    private List<NodeProto> cast(Node n) {
        AttributeProto to = attr(n.proto(), "to");
        if (to == null || !to.hasS()) return List.of(n.proto());
        String typeName = to.getS().toString(StandardCharsets.UTF_8);
        TensorProto.DataType type;
        try {
            type = TensorProto.DataType.valueOf(typeName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            type = null;
        }
        if (type == null || type == TensorProto.DataType.UNDEFINED) {
            throw refuse(n, "'to' = '" + typeName + "' is not the name of an ONNX data type (FLOAT, INT64, ...)", 6);
        }
        return List.of(without(n.proto(), "to").toBuilder().addAttribute(intAttrProto("to", type.getNumber())).build());
    }

    private List<NodeProto> split(Node n) {
        if (n.proto().getInputCount() < 2 || n.proto().getInput(1).isEmpty()) return List.of(n.proto());
        String sizesName = n.proto().getInput(1);
        Value sizes = n.scope().get(sizesName);
        if (sizes == null) return List.of(n.proto()); // the importer reports the undefined input
        TensorData data = OpSchemas.constantValue(sizes, module);
        if (data == null || !data.hasData()) {
            throw refuse(n, "its sizes come from input '" + sizesName + "', which is not a constant", 2);
        }
        long[] values = new long[(int) data.numel()];
        for (int i = 0; i < values.length; i++) {
            double v = data.doubleAt(i);
            if (v != Math.rint(v) || v < 0) throw refuse(n, "the sizes in input '" + sizesName + "' must be whole numbers >= 0, got " + v, 2);
            values[i] = (long) v;
        }
        NodeProto.Builder b = without(n.proto(), "split").toBuilder().clearInput().addInput(n.proto().getInput(0));
        return List.of(b.addAttribute(AttributeProto.newBuilder().setName("split").setType(AttributeProto.AttributeType.INTS)
                .addAllInts(Arrays.stream(values).boxed().toList())).build());
    }

    private List<NodeProto> pad(Node n) {
        AttributeProto paddings = attr(n.proto(), "paddings");
        if (paddings == null) return List.of(n.proto());
        return List.of(without(n.proto(), "paddings").toBuilder().addAttribute(paddings.toBuilder().setName("pads")).build());
    }

    private List<NodeProto> tile(Node n) {
        throw refuse(n, "its tiles and axis inputs (repeats along one axis) have no form that ppc upgrades", 6);
    }

    // ---- helpers --------------------------------------------------------------------------

    /**
     * One line naming the node, the op version, the model's opset and the fix: re-export the
     * model at an opset whose form of the op ppc takes as it is.
     */
    private IrException refuse(Node n, String problem, int reexportOpset) {
        return new IrException(source + ": " + n.where() + ": " + n.label() + " (the model imports opset " + modelOpset + "): " + problem
                + "; re-export the model with opset >= " + reexportOpset);
    }

    private void requireEqualShapes(Node n, List<String> names, List<TensorType> types, String rule, int reexportOpset) {
        for (int i = 1; i < types.size(); i++) {
            TensorType first = types.get(0), t = types.get(i);
            String pair = names.get(0) + " " + IrPrinter.type(first) + " and " + names.get(i) + " " + IrPrinter.type(t);
            if (first.isRanked() && t.isRanked()) {
                boolean differ = first.rank() != t.rank();
                boolean unproved = false;
                for (int j = 0; !differ && j < t.rank(); j++) {
                    Dim x = first.dim(j), y = t.dim(j);
                    differ = x.isStatic() && y.isStatic() && x.size() != y.size();
                    unproved |= !provablyEqual(x, y);
                }
                if (differ) throw refuse(n, "the shapes of " + pair + " differ, and " + rule, reexportOpset);
                if (!unproved) continue;
            }
            throw refuse(n, "cannot prove that " + pair + " have equal shapes, and " + rule + " (declare the input shapes)", reexportOpset);
        }
    }

    /** {@code node} with operand {@code index} replaced by a reshape of it to {@code shape} (a Reshape-5 shape: 0 copies the dim). */
    private List<NodeProto> reshapeOperand(Node n, NodeProto node, int index, long[] shape) {
        String operand = node.getInput(index);
        String shapeName = freshName(operand + "_legacy_shape"), reshaped = freshName(operand + "_legacy_aligned");
        NodeProto reshape = NodeProto.newBuilder().setName(node.getName()).setOpType("Reshape")
                .addInput(operand).addInput(shapeName).addOutput(reshaped).build();
        return List.of(constantNode(n.proto(), shapeName, shape), reshape, node.toBuilder().setInput(index, reshaped).build());
    }

    /** A Constant node holding {@code values} as an i64 vector, named like {@code like} so that it shares its location. */
    private static NodeProto constantNode(NodeProto like, String output, long[] values) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64.getNumber()).addDims(values.length);
        for (long v : values) t.addInt64Data(v);
        return NodeProto.newBuilder().setName(like.getName()).setOpType("Constant").addOutput(output)
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(t)).build();
    }

    private String freshName(String base) {
        String name = base;
        for (int i = 1; takenNames.contains(name); i++) name = base + "_" + i;
        takenNames.add(name);
        return name;
    }

    private static TensorType typeOf(Node n, String name) {
        Value v = name.isEmpty() ? null : n.scope().get(name);
        return v == null ? null : v.type();
    }

    /** The same static size, or the same symbol: equal in every instance of the model. */
    private static boolean provablyEqual(Dim a, Dim b) {
        if (a.isStatic() && b.isStatic()) return a.size() == b.size();
        return a.isSymbol() && b.isSymbol() && a.symbolName().equals(b.symbolName());
    }

    private static boolean isOneElement(TensorType t) {
        for (Dim d : t.dims()) if (!d.isStatic() || d.size() != 1) return false;
        return true;
    }

    private static NodeProto without(NodeProto node, String... names) {
        Set<String> drop = Set.of(names);
        NodeProto.Builder b = node.toBuilder().clearAttribute();
        for (AttributeProto a : node.getAttributeList()) if (!drop.contains(a.getName())) b.addAttribute(a);
        return b.build();
    }

    private static AttributeProto attr(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) if (a.getName().equals(name)) return a;
        return null;
    }

    private static boolean hasAttr(NodeProto node, String name) { return attr(node, name) != null; }

    private static long intAttr(NodeProto node, String name, long dflt) {
        AttributeProto a = attr(node, name);
        return a == null ? dflt : a.getI();
    }

    private static long[] intsAttr(NodeProto node, String name) {
        AttributeProto a = attr(node, name);
        if (a == null) return null;
        long[] v = new long[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) v[i] = a.getInts(i);
        return v;
    }

    private static AttributeProto intAttrProto(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    /** Every value name the model uses, so that the values the rewrites add cannot collide with one. */
    private static Set<String> namesIn(ModelProto model) {
        Set<String> names = new HashSet<>();
        GraphProto g = model.getGraph();
        for (ValueInfoProto vi : g.getInputList()) names.add(vi.getName());
        for (ValueInfoProto vi : g.getOutputList()) names.add(vi.getName());
        for (ValueInfoProto vi : g.getValueInfoList()) names.add(vi.getName());
        for (TensorProto t : g.getInitializerList()) names.add(t.getName());
        addNodeNames(g.getNodeList(), names);
        for (FunctionProto f : model.getFunctionsList()) {
            names.addAll(f.getInputList());
            names.addAll(f.getOutputList());
            addNodeNames(f.getNodeList(), names);
        }
        return names;
    }

    private static void addNodeNames(List<NodeProto> nodes, Set<String> names) {
        for (NodeProto n : nodes) {
            names.addAll(n.getInputList());
            names.addAll(n.getOutputList());
        }
    }
}
