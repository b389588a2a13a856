package dev.ppc.compiler.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ppc.compiler.UnsupportedOps;
import dev.ppc.compiler.onnx.proto.OnnxProtos.AttributeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.FunctionProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.GraphProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ModelProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.NodeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.OperatorSetIdProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TypeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ValueInfoProto;
import dev.ppc.ir.Attribute;
import dev.ppc.ir.DType;
import dev.ppc.ir.Dim;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Names;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.schema.OpSchema;
import dev.ppc.ir.schema.OpSchemas;
import dev.ppc.ir.text.IrPrinter;
import dev.ppc.ir.verify.Verifier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Imports an ONNX model file into a verified ppc {@link Module} with one function, {@code @main}.
 * Initializers and {@code Constant} nodes become module constants; model-local functions are
 * inlined; every node is bound to the schema version its opset import selects (a model below
 * opset 8 is first upgraded to opset 8 by {@link LegacyOpsetUpgrader}) and its result
 * types are inferred and reconciled with the model's declared {@code value_info}. Anything ppc
 * cannot represent (control flow, sparse tensors, unknown ops or opsets) is an {@link IrException}
 * with a one-line message naming the file and node.
 */
public final class OnnxImporter {
    private static final int MAX_INLINE_DEPTH = 16;
    private static final Set<String> CONTROL_FLOW = Set.of("If", "Loop", "Scan");

    private final Path file;
    private final String source;
    private final Module module;
    private final Map<String, FunctionProto> localFunctions = new HashMap<>();
    private final Map<String, TensorType> declaredTypes = new HashMap<>();
    private TensorDecoder decoder;
    private LegacyOpsetUpgrader legacy;
    private int anonymousNodes;

    private OnnxImporter(Path file, String moduleName) {
        this.file = file;
        this.source = file.toString();
        this.module = new Module(moduleName);
    }

    /** Reads, imports and verifies the model at {@code file}. */
    public static Module importModel(Path file) {
        String stem = file.getFileName() == null ? "model" : file.getFileName().toString().replaceFirst("\\.onnx$", "");
        // model.onnx says nothing; its folder usually names the model (fixtures/gpt2/model.onnx).
        Path parent = file.toAbsolutePath().getParent();
        if (stem.equals("model") && parent != null && parent.getFileName() != null) stem = parent.getFileName().toString();
        OnnxImporter importer = new OnnxImporter(file, stem);
        try {
            ModelProto proto = importer.readProto();
            try (ExternalDataFiles external = new ExternalDataFiles(file)) {
                importer.decoder = new TensorDecoder(importer.source, external);
                Module m = importer.importProto(proto);
                Verifier.verify(m);
                return m;
            }
        } catch (IrException e) {
            throw importer.diagnostic(e);
        }
    }

    /**
     * The diagnostic as the user sees it: prefixed with the model's path, and with the names in
     * it made printable. The model's names (node, value, tensor, external-data locations) are
     * arbitrary strings and may hold NULs or newlines; they are escaped here, once, where every
     * diagnostic of the import passes, so none can slip through raw.
     */
    private IrException diagnostic(IrException e) {
        String message = e.getMessage().startsWith(source) ? e.getMessage() : source + ": " + e.getMessage();
        String printable = Names.printable(message);
        return printable.equals(e.getMessage()) ? e : new IrException(printable, e);
    }

    /**
     * The external-data files the model at {@code file} names, resolved against its folder, so
     * that a command can keep from writing over them. The locations are not checked here;
     * {@link #importModel} refuses bad ones. A file that is not an ONNX model is the same
     * {@link IrException} {@code importModel} gives.
     */
    public static List<Path> externalDataFiles(Path file) {
        ModelProto proto = new OnnxImporter(file, "model").readProto();
        Path base = file.toAbsolutePath().getParent();
        List<TensorProto> tensors = new ArrayList<>(proto.getGraph().getInitializerList());
        for (NodeProto n : proto.getGraph().getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasT()) tensors.add(a.getT());
                tensors.addAll(a.getTensorsList());
            }
        }
        Set<Path> files = new LinkedHashSet<>();
        for (TensorProto t : tensors) {
            if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) continue;
            for (StringStringEntryProto e : t.getExternalDataList()) {
                if (!e.getKey().equals("location") || e.getValue().isEmpty()) continue;
                try {
                    files.add(base.resolve(e.getValue()).normalize());
                } catch (InvalidPathException bad) {
                    // Not a path, so no file a command could write over; importing the model refuses it.
                }
            }
        }
        return List.copyOf(files);
    }

    private ModelProto readProto() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) throw new IrException(source + ": the file is empty; it is not an ONNX model");
            if (size > Integer.MAX_VALUE) {
                throw new IrException(source + ": the file is " + size + " bytes; ONNX models over 2 GiB must keep their weights in external data files");
            }
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            CodedInputStream in = CodedInputStream.newInstance(buf);
            in.enableAliasing(true); // raw_data then points into the mapped file instead of being copied
            in.setSizeLimit(Integer.MAX_VALUE);
            ModelProto m = ModelProto.parseFrom(in);
            if (!m.hasGraph()) throw new IrException(source + ": no graph in the file; it is not an ONNX model (or it is truncated)");
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new IrException(source + ": not a valid ONNX model: the protobuf is truncated or corrupt (" + oneLine(e.getMessage()) + ")");
        } catch (NoSuchFileException e) {
            throw new IrException(source + ": no such file");
        } catch (IOException e) {
            throw new IrException(source + ": cannot read the model: " + oneLine(e.getMessage()));
        } catch (RuntimeException e) {
            if (e instanceof IrException) throw e;
            // Protobuf throws unchecked exceptions for some malformed inputs (e.g. bad UTF-8 in strings).
            throw new IrException(source + ": not a valid ONNX model: " + oneLine(String.valueOf(e.getMessage())));
        }
    }

    private Module importProto(ModelProto proto) {
        importOpsets(proto.getOpsetImportList(), proto.getIrVersion());
        legacy = LegacyOpsetUpgrader.forModel(module, proto, source);
        for (FunctionProto f : proto.getFunctionsList()) localFunctions.put(functionKey(f.getDomain(), f.getName()), f);
        GraphProto g = proto.getGraph();
        if (g.getSparseInitializerCount() > 0) throw new IrException(source + ": sparse initializers are not supported");
        checkGraphNames(g);
        for (ValueInfoProto vi : g.getValueInfoList()) {
            TensorType t = tensorType(vi, "value_info");
            if (t != null) declaredTypes.put(vi.getName(), t);
        }
        for (ValueInfoProto vi : g.getOutputList()) {
            TensorType t = tensorType(vi, "output");
            if (t != null) declaredTypes.put(vi.getName(), t);
        }
        Function main = new Function("main");
        Map<String, Value> env = new HashMap<>();
        Map<String, TensorProto> initializers = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) initializers.put(t.getName(), t);
        for (ValueInfoProto vi : g.getInputList()) {
            if (initializers.containsKey(vi.getName())) continue; // an initializer listed as input: a constant with a default
            TensorType t = tensorType(vi, "input");
            if (t == null) throw new IrException(source + ": graph input '" + vi.getName() + "' has no tensor type");
            env.put(vi.getName(), main.addParam(vi.getName(), t));
        }
        for (TensorProto t : initializers.values()) {
            TensorData data = decoder.decode(t, t.getName());
            env.put(t.getName(), constantOp(main, t.getName(), data, data.dtype().isFloatingPoint(), null));
        }
        refuseUnsupportedOps(g.getNodeList(), "", new HashSet<>());
        importNodes(main, g.getNodeList(), env, "", Map.of(), 0);
        for (ValueInfoProto vi : g.getOutputList()) {
            Value v = env.get(vi.getName());
            if (v == null) throw new IrException(source + ": graph output '" + vi.getName() + "' is not produced by any node, input or initializer");
            main.addOutput(vi.getName(), v);
        }
        module.addFunction(main);
        return module;
    }

    /**
     * Graph-level well-formedness that ONNX's checker demands and that the import would otherwise
     * resolve silently (the last initializer of a name winning, an output list that computes
     * nothing): at least one output, and unique, non-empty names for initializers, inputs and
     * outputs. Node-level SSA (a value defined twice, a use before any definition) is checked as
     * the nodes are imported.
     */
    private void checkGraphNames(GraphProto g) {
        if (g.getOutputCount() == 0) {
            throw new IrException(source + ": the graph declares no outputs; a model must name at least one graph output");
        }
        Set<String> initializers = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            if (t.getName().isEmpty()) throw new IrException(source + ": an initializer has no name");
            if (!initializers.add(t.getName())) {
                throw new IrException(source + ": initializer '" + t.getName() + "' is defined twice; initializer names must be unique");
            }
        }
        Set<String> inputs = new HashSet<>();
        for (int i = 0; i < g.getInputCount(); i++) {
            String name = g.getInput(i).getName();
            if (name.isEmpty()) throw new IrException(source + ": graph input #" + i + " has no name");
            if (!inputs.add(name)) throw new IrException(source + ": graph input '" + name + "' is listed twice");
        }
        Set<String> outputs = new HashSet<>();
        for (int i = 0; i < g.getOutputCount(); i++) {
            String name = g.getOutput(i).getName();
            if (name.isEmpty()) throw new IrException(source + ": graph output #" + i + " has no name");
            if (!outputs.add(name)) throw new IrException(source + ": graph output '" + name + "' is listed twice");
        }
    }

    private void importOpsets(List<OperatorSetIdProto> opsets, long irVersion) {
        if (opsets.isEmpty()) {
            if (irVersion >= 3) throw new IrException(source + ": the model imports no opset; ONNX models must declare opset_import");
            module.setOpset("", 1);
            return;
        }
        for (OperatorSetIdProto o : opsets) {
            String domain = canonicalDomain(o.getDomain());
            int v = (int) o.getVersion();
            if (domain.isEmpty() && (v < 1 || v > OpSchemas.MAX_ONNX_OPSET)) {
                throw new IrException(source + ": the model imports ONNX opset " + o.getVersion() + "; ppc supports opsets 1 to "
                        + OpSchemas.MAX_ONNX_OPSET + " (re-export the model with opset_version <= " + OpSchemas.MAX_ONNX_OPSET + ")");
            }
            if (OpSchemas.isKnownDomain(domain)) module.setOpset(domain, v);
        }
        if (module.opset("") < 0) module.setOpset("", OpSchemas.MAX_ONNX_OPSET);
    }

    private static String canonicalDomain(String d) { return d.equals("ai.onnx") ? "" : d; }

    private static String functionKey(String domain, String name) { return canonicalDomain(domain) + "::" + name; }

    private void importNodes(Function f, List<NodeProto> nodes, Map<String, Value> env, String prefix,
                             Map<String, AttributeProto> callerAttrs, int depth) {
        // A node of an opset below 8 arrives as the opset-8 nodes that compute the same (LegacyOpsetUpgrader).
        for (NodeProto original : nodes) for (NodeProto node : legacy.upgrade(original, describe(original, prefix), env)) {
            String domain = canonicalDomain(node.getDomain());
            String where = describe(node, prefix);
            FunctionProto local = localFunctions.get(functionKey(domain, node.getOpType()));
            if (local != null) {
                inline(f, node, local, env, prefix, callerAttrs, depth, where);
                continue;
            }
            if (domain.isEmpty() && node.getOpType().equals("Constant")) {
                importConstantNode(f, node, env, prefix, callerAttrs, where);
                continue;
            }
            if (!OpSchemas.isKnownDomain(domain)) {
                throw new IrException(source + ": " + where + ": op '" + node.getOpType() + "' is from domain '" + domain
                        + "', which ppc does not support (only the default ONNX domain)");
            }
            OpSchema schema = OpSchemas.lookup(domain, node.getOpType());
            if (schema == null) {
                throw new IrException(source + ": " + where + ": ppc does not support op '" + node.getOpType() + "'");
            }
            List<Value> operands = new ArrayList<>();
            for (String in : node.getInputList()) operands.add(in.isEmpty() ? null : lookup(env, in, where));
            while (!operands.isEmpty() && operands.get(operands.size() - 1) == null) operands.remove(operands.size() - 1);
            Map<String, Attribute> attrs = new LinkedHashMap<>();
            for (AttributeProto a : node.getAttributeList()) {
                AttributeProto resolved = resolveRef(a, callerAttrs);
                if (resolved != null) attrs.put(a.getName(), attribute(resolved, where));
            }
            List<String> names = new ArrayList<>();
            List<TensorType> placeholders = new ArrayList<>();
            for (int i = 0; i < node.getOutputCount(); i++) {
                String out = node.getOutput(i);
                names.add(out.isEmpty() ? null : prefix + out);
                placeholders.add(TensorType.unranked(DType.F32));
            }
            Op op = f.append(domain, node.getOpType(), operands, placeholders, names, attrs, location(node, prefix));
            List<TensorType> inferred;
            try {
                inferred = OpSchemas.checkAndInfer(op, module);
            } catch (IrException e) {
                throw new IrException(source + ": " + e.getMessage());
            }
            for (int i = 0; i < op.results().size(); i++) {
                String out = node.getOutput(i);
                TensorType declared = prefix.isEmpty() ? declaredTypes.get(out) : null;
                op.result(i).setType(declared == null ? inferred.get(i) : refine(inferred.get(i), declared, op, out));
                if (!out.isEmpty()) define(env, out, op.result(i), where);
            }
        }
    }

    /**
     * Refuses a model that uses ops ppc has no schema for, naming every such op type with its node
     * count and first node, before any node is imported: a user converting a model learns all
     * that is missing at once, not one op per attempt. Model-local functions are looked into once
     * each; the nodes they call count once per function, not per call.
     */
    private void refuseUnsupportedOps(List<NodeProto> nodes, String prefix, Set<String> functionsSeen) {
        UnsupportedOps unsupported = new UnsupportedOps();
        boolean otherDomain = collectUnsupportedOps(nodes, prefix, functionsSeen, unsupported);
        if (unsupported.isEmpty()) return;
        throw new IrException(source + ": " + unsupported.describe("not supported")
                + (otherDomain ? "; ppc imports ops of the default ONNX domain only" : ""));
    }

    /** Adds the nodes of {@code nodes} (and of the local functions they call) that have no schema; true if one is from another domain. */
    private boolean collectUnsupportedOps(List<NodeProto> nodes, String prefix, Set<String> functionsSeen, UnsupportedOps unsupported) {
        boolean otherDomain = false;
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            String domain = canonicalDomain(node.getDomain());
            String key = functionKey(domain, node.getOpType());
            FunctionProto local = localFunctions.get(key);
            if (local != null) {
                if (functionsSeen.add(key)) otherDomain |= collectUnsupportedOps(local.getNodeList(), local.getName() + "/", functionsSeen, unsupported);
                continue;
            }
            boolean known = OpSchemas.isKnownDomain(domain);
            if (known && OpSchemas.lookup(domain, node.getOpType()) != null) continue;
            otherDomain |= !known;
            String where = location(node, prefix);
            boolean controlFlow = domain.isEmpty() && CONTROL_FLOW.contains(node.getOpType());
            unsupported.add(known ? node.getOpType() : domain + ":" + node.getOpType(), where != null ? where : prefix + "#" + i,
                    controlFlow ? "control flow; ppc imports straight-line graphs" : null);
        }
        return otherDomain;
    }

    private void inline(Function f, NodeProto call, FunctionProto fn, Map<String, Value> env, String prefix,
                        Map<String, AttributeProto> callerAttrs, int depth, String where) {
        if (depth >= MAX_INLINE_DEPTH) throw new IrException(source + ": " + where + ": model-local functions nest deeper than " + MAX_INLINE_DEPTH + " (recursive?)");
        Map<String, Value> inner = new HashMap<>();
        for (int i = 0; i < fn.getInputCount(); i++) {
            String actual = i < call.getInputCount() ? call.getInput(i) : "";
            if (!actual.isEmpty()) inner.put(fn.getInput(i), lookup(env, actual, where));
        }
        Map<String, AttributeProto> attrs = new HashMap<>();
        for (AttributeProto a : fn.getAttributeProtoList()) attrs.put(a.getName(), a);
        for (AttributeProto a : call.getAttributeList()) {
            AttributeProto r = resolveRef(a, callerAttrs);
            if (r != null) attrs.put(a.getName(), r);
        }
        String callName = call.getName().isEmpty() ? fn.getName() + "_" + anonymousNodes++ : call.getName();
        importNodes(f, fn.getNodeList(), inner, prefix + callName + "/", attrs, depth + 1);
        for (int i = 0; i < call.getOutputCount() && i < fn.getOutputCount(); i++) {
            if (call.getOutput(i).isEmpty()) continue;
            Value v = inner.get(fn.getOutput(i));
            if (v == null) throw new IrException(source + ": " + where + ": function '" + fn.getName() + "' does not produce its output '" + fn.getOutput(i) + "'");
            define(env, call.getOutput(i), v, where);
        }
    }

    private void importConstantNode(Function f, NodeProto node, Map<String, Value> env, String prefix,
                                    Map<String, AttributeProto> callerAttrs, String where) {
        if (node.getOutputCount() != 1) throw new IrException(source + ": " + where + ": Constant must have one output");
        TensorData data = null;
        for (AttributeProto raw : node.getAttributeList()) {
            AttributeProto a = resolveRef(raw, callerAttrs);
            if (a == null) continue;
            data = switch (a.getName()) {
                case "value" -> decoder.decode(a.getT(), node.getOutput(0));
                case "value_float" -> TensorData.ofFloats(new long[0], a.getF());
                case "value_int" -> TensorData.ofLongs(new long[0], a.getI());
                case "value_floats" -> {
                    float[] v = new float[a.getFloatsCount()];
                    for (int i = 0; i < v.length; i++) v[i] = a.getFloats(i);
                    yield TensorData.ofFloats(new long[] {v.length}, v);
                }
                case "value_ints" -> {
                    long[] v = new long[a.getIntsCount()];
                    for (int i = 0; i < v.length; i++) v[i] = a.getInts(i);
                    yield TensorData.ofLongs(new long[] {v.length}, v);
                }
                case "value_string" -> TensorData.ofStrings(TensorType.of(DType.STRING), List.of(a.getS().toString(StandardCharsets.UTF_8)));
                case "value_strings" -> {
                    List<String> v = new ArrayList<>();
                    a.getStringsList().forEach(s -> v.add(s.toString(StandardCharsets.UTF_8)));
                    yield TensorData.ofStrings(TensorType.of(DType.STRING, v.size()), v);
                }
                case "sparse_value" -> throw new IrException(source + ": " + where + ": sparse constants are not supported");
                default -> throw new IrException(source + ": " + where + ": unknown Constant attribute '" + a.getName() + "'");
            };
        }
        if (data == null) throw new IrException(source + ": " + where + ": Constant has no value");
        String out = node.getOutput(0);
        define(env, out, constantOp(f, prefix + out, data, false, location(node, prefix)), where);
    }

    private Value constantOp(Function f, String name, TensorData data, boolean parameter, String location) {
        String constName = module.uniqueConstantName(name);
        module.putConstant(new Module.Constant(constName, data, parameter));
        Op op = f.append("ppc", "constant", List.of(), List.of(data.type()), List.of(name),
                Map.of("name", new Attribute.StringAttr(constName)), location);
        return op.result();
    }

    private AttributeProto resolveRef(AttributeProto a, Map<String, AttributeProto> callerAttrs) {
        if (!a.hasRefAttrName() || a.getRefAttrName().isEmpty()) return a;
        AttributeProto actual = callerAttrs.get(a.getRefAttrName());
        return actual == null ? null : actual.toBuilder().setName(a.getName()).build();
    }

    private Attribute attribute(AttributeProto a, String where) {
        AttributeProto.AttributeType type = a.hasType() ? a.getType() : guessType(a);
        switch (type) {
            case INT: return new Attribute.IntAttr(a.getI());
            case FLOAT: return new Attribute.FloatAttr(a.getF());
            case STRING: return new Attribute.StringAttr(a.getS().toString(StandardCharsets.UTF_8));
            case INTS: {
                long[] v = new long[a.getIntsCount()];
                for (int i = 0; i < v.length; i++) v[i] = a.getInts(i);
                return new Attribute.IntsAttr(v);
            }
            case FLOATS: {
                float[] v = new float[a.getFloatsCount()];
                for (int i = 0; i < v.length; i++) v[i] = a.getFloats(i);
                return new Attribute.FloatsAttr(v);
            }
            case STRINGS: {
                List<String> v = new ArrayList<>();
                a.getStringsList().forEach(s -> v.add(s.toString(StandardCharsets.UTF_8)));
                return new Attribute.StringsAttr(v);
            }
            case TENSOR: return new Attribute.TensorAttr(decoder.decode(a.getT(), a.getName()));
            case GRAPH:
            case GRAPHS:
                throw new IrException(source + ": " + where + ": attribute '" + a.getName()
                        + "' is a subgraph; control flow (If/Loop/Scan) is not supported, ppc imports straight-line graphs");
            default:
                throw new IrException(source + ": " + where + ": attribute '" + a.getName() + "' has kind " + type + ", which ppc does not support");
        }
    }

    /** Very old models omit AttributeProto.type; infer it from the populated field as ONNX did. */
    private static AttributeProto.AttributeType guessType(AttributeProto a) {
        if (a.hasF()) return AttributeProto.AttributeType.FLOAT;
        if (a.hasI()) return AttributeProto.AttributeType.INT;
        if (a.hasS()) return AttributeProto.AttributeType.STRING;
        if (a.hasT()) return AttributeProto.AttributeType.TENSOR;
        if (a.hasG()) return AttributeProto.AttributeType.GRAPH;
        if (a.getFloatsCount() > 0) return AttributeProto.AttributeType.FLOATS;
        if (a.getIntsCount() > 0) return AttributeProto.AttributeType.INTS;
        if (a.getStringsCount() > 0) return AttributeProto.AttributeType.STRINGS;
        return AttributeProto.AttributeType.UNDEFINED;
    }

    private TensorType tensorType(ValueInfoProto vi, String what) {
        if (!vi.hasType()) return null;
        TypeProto t = vi.getType();
        if (!t.hasTensorType()) {
            throw new IrException(source + ": " + what + " '" + vi.getName() + "' is not a tensor (its type is " + t.getValueCase().name().toLowerCase().replace("_type", "").replace('_', ' ')
                    + "); ppc handles tensors only");
        }
        TypeProto.Tensor tt = t.getTensorType();
        DType dtype = DType.fromOnnxCode(tt.getElemType());
        if (dtype == null || tt.getElemType() == 0) {
            throw new IrException(source + ": " + what + " '" + vi.getName() + "' has unknown element type " + tt.getElemType());
        }
        if (!tt.hasShape()) return TensorType.unranked(dtype);
        List<Dim> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
            if (d.hasDimValue() && d.getDimValue() < 0 && what.equals("value_info")) {
                // value_info is only a hint, and some exporters write -1 for "dynamic": read it as unknown.
                dims.add(Dim.unknown());
                continue;
            }
            if (d.hasDimValue() && d.getDimValue() < 0) {
                // ONNX says dim_value >= 0 and a dynamic dim is a dim_param or unset; an input's or output's shape is a contract.
                throw new IrException(source + ": " + what + " '" + vi.getName() + "' has dim " + dims.size() + " = " + d.getDimValue()
                        + "; ONNX dims are >= 0 or symbolic (dim_param); re-export the model with a named or unset dim");
            }
            if (d.hasDimValue()) dims.add(Dim.of(d.getDimValue()));
            else if (d.hasDimParam() && !d.getDimParam().isEmpty()) dims.add(Dim.symbol(d.getDimParam()));
            else dims.add(Dim.unknown());
        }
        return TensorType.of(dtype, dims);
    }

    /** Combines inferred and declared types, keeping the more precise dim; a contradiction is an error. */
    private TensorType refine(TensorType inferred, TensorType declared, Op op, String name) {
        if (inferred.dtype() != declared.dtype()) {
            throw new IrException(source + ": " + op.describe() + ": the model declares '" + name + "' as " + IrPrinter.type(declared)
                    + " but the op produces " + IrPrinter.type(inferred));
        }
        if (!declared.isRanked()) return inferred;
        if (!inferred.isRanked()) return declared;
        if (inferred.rank() != declared.rank()) {
            throw new IrException(source + ": " + op.describe() + ": the model declares '" + name + "' as " + IrPrinter.type(declared)
                    + " but the op produces " + IrPrinter.type(inferred));
        }
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < inferred.rank(); i++) {
            Dim a = inferred.dim(i), b = declared.dim(i);
            if (a.isStatic() && b.isStatic() && a.size() != b.size()) {
                throw new IrException(source + ": " + op.describe() + ": the model declares '" + name + "' as " + IrPrinter.type(declared)
                        + " but the op produces " + IrPrinter.type(inferred));
            }
            dims.add(a.isStatic() ? a : b.isStatic() ? b : a.isSymbol() ? a : b);
        }
        return TensorType.of(inferred.dtype(), dims);
    }

    private Value lookup(Map<String, Value> env, String name, String where) {
        Value v = env.get(name);
        if (v == null) {
            throw new IrException(source + ": " + where + ": input '" + name + "' is not produced by an earlier node, a graph input or an initializer");
        }
        return v;
    }

    private void define(Map<String, Value> env, String name, Value v, String where) {
        if (env.put(name, v) != null) throw new IrException(source + ": " + where + ": value '" + name + "' is defined twice (ONNX graphs are SSA)");
    }

    private String describe(NodeProto node, String prefix) {
        String n = node.getName().isEmpty() ? (node.getOutputCount() > 0 ? "producing '" + node.getOutput(0) + "'" : "#" + anonymousNodes) : "'" + prefix + node.getName() + "'";
        return "node " + n + " (" + node.getOpType() + ")";
    }

    private static String location(NodeProto node, String prefix) {
        if (!node.getName().isEmpty()) return prefix + node.getName();
        return node.getOutputCount() > 0 && !node.getOutput(0).isEmpty() ? prefix + node.getOutput(0) : null;
    }

    private static String oneLine(String s) { return s == null ? "" : s.replace('\n', ' ').trim(); }
}
