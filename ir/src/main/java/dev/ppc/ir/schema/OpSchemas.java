package dev.ppc.ir.schema;

import dev.ppc.ir.Attribute;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one registry of op schemas: every op ppc accepts, from ONNX's default domain and ppc's own
 * {@code ppc} domain, with arity, attributes and type inference. Importers, the verifier and
 * passes all ask here; an op that is not registered is not accepted anywhere.
 */
public final class OpSchemas {
    /** The newest default-domain opset ppc knows; models importing a newer one are rejected. */
    public static final int MAX_ONNX_OPSET = 18;
    /** The version of ppc's own domain. */
    public static final int PPC_OPSET = 1;

    private static final Map<String, OpSchema> SCHEMAS = new TreeMap<>();

    static {
        OnnxElementwiseSchemas.register();
        OnnxTensorSchemas.register();
        OnnxNnSchemas.register();
        PpcSchemas.register();
    }

    private OpSchemas() {}

    static OpSchema.Builder define(String domain, String name) { return new OpSchema.Builder(domain, name); }

    static void add(OpSchema.Builder b) {
        OpSchema s = b.build();
        SCHEMAS.put(key(s.domain(), s.name()), s);
    }

    private static String key(String domain, String name) { return domain + "::" + name; }

    /** The schema of an op, or {@code null} when ppc does not know it. */
    public static OpSchema lookup(String domain, String name) { return SCHEMAS.get(key(domain, name)); }

    /** Names of all default-domain ops, sorted (for diagnostics and docs). */
    public static List<String> onnxOpNames() {
        TreeSet<String> names = new TreeSet<>();
        for (OpSchema s : SCHEMAS.values()) if (s.domain().isEmpty()) names.add(s.name());
        return new ArrayList<>(names);
    }

    public static boolean isKnownDomain(String domain) { return domain.isEmpty() || domain.equals("ppc") || domain.equals("ai.onnx"); }

    /**
     * Checks an op against its schema (known op, version, arity, attribute names and kinds) and
     * infers its result types. Throws an {@link IrException} naming the op on any violation.
     */
    public static List<TensorType> checkAndInfer(Op op, Module module) {
        OpSchema schema = lookup(op.domain(), op.name());
        if (schema == null) throw IrException.at(op, "ppc does not support op '" + op.qualifiedName() + "'");
        int opset = module == null ? (op.domain().equals("ppc") ? PPC_OPSET : MAX_ONNX_OPSET) : module.opset(op.domain());
        if (opset < 0 && op.domain().equals("ppc")) opset = PPC_OPSET;
        if (opset < 0) throw IrException.at(op, "the module imports no opset for domain '" + op.domain() + "'");
        int version = schema.versionFor(opset);
        if (version < 0) {
            throw IrException.at(op, "op '" + op.qualifiedName() + "' does not exist in opset " + opset
                    + " (it was introduced in opset " + schema.sinceVersions()[0] + ")");
        }
        int n = op.numOperands();
        if (n < schema.minInputs() || n > schema.maxInputs()) {
            throw IrException.at(op, "has " + n + " operands; " + op.qualifiedName() + " takes " + arity(schema.minInputs(), schema.maxInputs()));
        }
        int r = op.results().size();
        if (r < schema.minOutputs() || r > schema.maxOutputs()) {
            throw IrException.at(op, "has " + r + " results; " + op.qualifiedName() + " gives " + arity(schema.minOutputs(), schema.maxOutputs()));
        }
        for (Map.Entry<String, Attribute> e : op.attributes().entrySet()) {
            AttrSpec spec = schema.attributes().get(e.getKey());
            if (spec == null) throw IrException.at(op, "unknown attribute '" + e.getKey() + "' for " + op.qualifiedName());
            if (spec.kind() != e.getValue().kind()) {
                throw IrException.at(op, "attribute '" + e.getKey() + "' must be " + spec.kind().name().toLowerCase() + ", got " + e.getValue().kind().name().toLowerCase());
            }
        }
        for (AttrSpec spec : schema.attributes().values()) {
            if (spec.required() && !op.hasAttribute(spec.name())) throw IrException.at(op, "missing required attribute '" + spec.name() + "'");
        }
        if (PpcSchemas.declaresOwnResultType(op.domain(), op.name())) {
            List<TensorType> declared = new ArrayList<>();
            for (Value v : op.results()) declared.add(v.type());
            return declared;
        }
        List<TensorType> inputs = new ArrayList<>(n);
        List<TensorData> constants = new ArrayList<>(n);
        for (Value v : op.operands()) {
            inputs.add(v == null ? null : v.type());
            constants.add(v == null ? null : constantValue(v, module));
        }
        InferenceContext ctx = new InferenceContext(op.qualifiedName(), inputs, constants, op.attributes(), version, r);
        List<TensorType> result;
        try {
            result = schema.inference().infer(ctx);
        } catch (IrException e) {
            throw IrException.at(op, e.getMessage());
        } catch (RuntimeException e) {
            throw IrException.at(op, "type inference failed: " + e);
        }
        if (result.size() < r) {
            throw IrException.at(op, "declares " + r + " results but its operands and attributes give " + result.size());
        }
        for (int i = 0; i < r; i++) {
            TensorType t = result.get(i);
            if (t != null && t.isStatic() && !t.hasLongSize()) {
                throw IrException.at(op, "result %" + op.result(i).name() + " would be " + t + " with " + t.exactNumel() + " elements ("
                        + t.exactByteSize() + " bytes), more than any tensor can hold; give smaller input shapes");
            }
        }
        return Collections.unmodifiableList(result.subList(0, r));
    }

    /** The data of a value produced by {@code ppc.constant}, or {@code null}. */
    public static TensorData constantValue(Value v, Module module) {
        Op def = v.definingOp();
        if (def == null || module == null || !def.is("ppc", "constant")) return null;
        Module.Constant c = module.constant(def.stringAttr("name", ""));
        return c == null ? null : c.data();
    }

    private static String arity(int min, int max) {
        if (min == max) return Integer.toString(min);
        if (max == OpSchema.VARIADIC) return "at least " + min;
        return min + " to " + max;
    }
}
