package dev.ppc.ir.schema;

import dev.ppc.ir.Attribute;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The schema of one op at one version range: operand and result arity, attribute kinds and type
 * inference. Versions are ONNX {@code since_version}s: a model importing opset V binds each node
 * to the newest schema version not above V.
 */
public final class OpSchema {
    public static final int VARIADIC = Integer.MAX_VALUE;

    private final String domain;
    private final String name;
    private final int[] sinceVersions;
    private final int minInputs, maxInputs, minOutputs, maxOutputs;
    private final Map<String, AttrSpec> attributes;
    private final TypeInference inference;

    OpSchema(String domain, String name, int[] sinceVersions, int minInputs, int maxInputs, int minOutputs,
             int maxOutputs, Map<String, AttrSpec> attributes, TypeInference inference) {
        this.domain = domain;
        this.name = name;
        this.sinceVersions = sinceVersions;
        this.minInputs = minInputs;
        this.maxInputs = maxInputs;
        this.minOutputs = minOutputs;
        this.maxOutputs = maxOutputs;
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        this.inference = inference;
    }

    public String domain() { return domain; }

    public String name() { return name; }

    public int[] sinceVersions() { return sinceVersions.clone(); }

    /** The version that opset {@code opset} selects, or -1 when the op did not exist yet. */
    public int versionFor(int opset) {
        int best = -1;
        for (int v : sinceVersions) if (v <= opset) best = Math.max(best, v);
        return best;
    }

    public int minInputs() { return minInputs; }

    public int maxInputs() { return maxInputs; }

    public int minOutputs() { return minOutputs; }

    public int maxOutputs() { return maxOutputs; }

    public Map<String, AttrSpec> attributes() { return attributes; }

    public TypeInference inference() { return inference; }

    /** Builder used by the registry's tables. */
    public static final class Builder {
        private final String domain, name;
        private int[] versions = {1};
        private int minIn = 1, maxIn = 1, minOut = 1, maxOut = 1;
        private final Map<String, AttrSpec> attrs = new LinkedHashMap<>();
        private TypeInference inference;

        Builder(String domain, String name) {
            this.domain = domain;
            this.name = name;
        }

        public Builder versions(int... v) { versions = v; return this; }

        public Builder inputs(int min, int max) { minIn = min; maxIn = max; return this; }

        public Builder inputs(int n) { return inputs(n, n); }

        public Builder outputs(int min, int max) { minOut = min; maxOut = max; return this; }

        public Builder attr(String attrName, Attribute.Kind kind) { attrs.put(attrName, new AttrSpec(attrName, kind, false)); return this; }

        public Builder requiredAttr(String attrName, Attribute.Kind kind) { attrs.put(attrName, new AttrSpec(attrName, kind, true)); return this; }

        public Builder infer(TypeInference ti) { inference = ti; return this; }

        OpSchema build() {
            if (inference == null) throw new IllegalStateException("schema " + name + " has no type inference");
            return new OpSchema(domain, name, versions, minIn, maxIn, minOut, maxOut, attrs, inference);
        }
    }
}
