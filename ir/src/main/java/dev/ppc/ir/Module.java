package dev.ppc.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A compilation unit: opset imports, a table of named constant tensors (weights and folded
 * constants, referenced from functions by {@code ppc.constant} ops), and functions.
 */
public final class Module {
    /** A named constant tensor; {@code parameter} marks trainable weights (the model's float initializers). */
    public record Constant(String name, TensorData data, boolean parameter) {}

    private final String name;
    private final Map<String, Integer> opsetImports = new LinkedHashMap<>();
    private final Map<String, Constant> constants = new LinkedHashMap<>();
    private final Map<String, Function> functions = new LinkedHashMap<>();

    public Module(String name) { this.name = name; }

    public String name() { return name; }

    /** Opset version by domain ({@code ""} is ONNX's default domain). */
    public Map<String, Integer> opsetImports() { return Collections.unmodifiableMap(opsetImports); }

    public void setOpset(String domain, int version) { opsetImports.put(domain, version); }

    /** The version imported for {@code domain}, or -1. */
    public int opset(String domain) { return opsetImports.getOrDefault(domain, -1); }

    public Map<String, Constant> constants() { return Collections.unmodifiableMap(constants); }

    public Constant constant(String constantName) { return constants.get(constantName); }

    public void putConstant(Constant c) { constants.put(c.name(), c); }

    public void removeConstant(String constantName) { constants.remove(constantName); }

    /** A constant name not yet in use, derived from {@code hint}. */
    public String uniqueConstantName(String hint) {
        String candidate = hint;
        for (int i = 1; constants.containsKey(candidate); i++) candidate = hint + "_" + i;
        return candidate;
    }

    public Map<String, Function> functions() { return Collections.unmodifiableMap(functions); }

    public Function function(String functionName) { return functions.get(functionName); }

    public void addFunction(Function f) {
        if (functions.containsKey(f.name())) throw new IllegalArgumentException("duplicate function @" + f.name());
        f.parent = this;
        functions.put(f.name(), f);
    }

    public void removeFunction(String functionName) {
        Function f = functions.remove(functionName);
        if (f != null) f.parent = null;
    }

    /** The entry function: {@code @main} if present, else the first. */
    public Function main() {
        Function f = functions.get("main");
        if (f == null && !functions.isEmpty()) f = functions.values().iterator().next();
        if (f == null) throw new IllegalStateException("module @" + name + " has no functions");
        return f;
    }
}
