package dev.ppc.tests.conformance;

import dev.ppc.compiler.onnx.proto.OnnxProtos.FunctionProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ModelProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.NodeProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The op types a model uses, read from its protobuf without importing it, so that a model the
 * importer refuses is still attributed to its ops (a refused model of a supported op is a
 * failure to explain, not a test to skip). Calls of model-local functions are replaced by the
 * functions' bodies, as the importer inlines them; {@code Constant} nodes are left out because
 * they become module constants, not kernels. Ops of other domains are named {@code domain.Op}.
 */
public final class ModelOps {
    private ModelOps() {}

    /** Distinct op types in first-use order. */
    public static List<String> of(Path model) {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(Files.readAllBytes(model));
        } catch (IOException e) {
            throw new UncheckedIOException(model + ": cannot read", e);
        }
        Map<String, FunctionProto> functions = new HashMap<>();
        for (FunctionProto f : proto.getFunctionsList()) functions.put(key(f.getDomain(), f.getName()), f);
        Set<String> ops = new LinkedHashSet<>();
        collect(proto.getGraph().getNodeList(), functions, ops, 0);
        return List.copyOf(ops);
    }

    private static void collect(List<NodeProto> nodes, Map<String, FunctionProto> functions, Set<String> ops, int depth) {
        for (NodeProto n : nodes) {
            FunctionProto f = functions.get(key(n.getDomain(), n.getOpType()));
            if (f != null && depth < 16) {
                collect(f.getNodeList(), functions, ops, depth + 1);
                continue;
            }
            String domain = canonical(n.getDomain());
            if (domain.isEmpty() && n.getOpType().equals("Constant")) continue;
            ops.add(domain.isEmpty() ? n.getOpType() : domain + "." + n.getOpType());
        }
    }

    private static String canonical(String domain) { return domain.equals("ai.onnx") ? "" : domain; }

    private static String key(String domain, String name) { return canonical(domain) + "::" + name; }
}
