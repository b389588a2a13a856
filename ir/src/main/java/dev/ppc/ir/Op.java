package dev.ppc.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An operation: a name in a domain (ONNX's default domain is {@code ""}, ppc's own ops live in
 * {@code "ppc"}), operands (absent optional operands are {@code null}), results, attributes and
 * the source location (the ONNX or FX node name) that survives rewrites.
 */
public final class Op {
    private final String domain;
    private final String name;
    private final List<Value> operands = new ArrayList<>();
    private final List<Value> results = new ArrayList<>();
    private final Map<String, Attribute> attributes;
    private String location;
    Function parent;

    Op(String domain, String name, List<Value> operands, List<TensorType> resultTypes, List<String> resultNames,
       Map<String, Attribute> attributes, String location) {
        this.domain = domain;
        this.name = name;
        this.attributes = new LinkedHashMap<>(attributes);
        this.location = location;
        for (int i = 0; i < operands.size(); i++) {
            Value v = operands.get(i);
            this.operands.add(v);
            if (v != null) v.uses.add(new Value.Use(this, i));
        }
        for (int i = 0; i < resultTypes.size(); i++) {
            results.add(new Value(resultNames.get(i), resultTypes.get(i), this, i));
        }
    }

    public String domain() { return domain; }

    public String name() { return name; }

    /** The name as printed: {@code MatMul} in the default domain, {@code ppc.send} elsewhere. */
    public String qualifiedName() { return domain.isEmpty() ? name : domain + "." + name; }

    public boolean is(String domain, String name) { return this.domain.equals(domain) && this.name.equals(name); }

    /** True for an op of ONNX's default domain with this name. */
    public boolean isOnnx(String name) { return domain.isEmpty() && this.name.equals(name); }

    public List<Value> operands() { return Collections.unmodifiableList(operands); }

    public int numOperands() { return operands.size(); }

    /** Operand {@code i}, or {@code null} when the optional operand is absent or out of range. */
    public Value operand(int i) { return i < operands.size() ? operands.get(i) : null; }

    public void setOperand(int i, Value v) {
        Value old = operands.get(i);
        if (old == v) return;
        if (old != null) old.uses.remove(new Value.Use(this, i));
        operands.set(i, v);
        if (v != null) v.uses.add(new Value.Use(this, i));
    }

    /** Drops all operand uses; called when the op is erased. */
    void dropOperands() {
        for (int i = 0; i < operands.size(); i++) {
            Value v = operands.get(i);
            if (v != null) v.uses.remove(new Value.Use(this, i));
        }
    }

    public List<Value> results() { return Collections.unmodifiableList(results); }

    public Value result(int i) { return results.get(i); }

    public Value result() {
        if (results.size() != 1) throw new IllegalStateException(qualifiedName() + " has " + results.size() + " results");
        return results.get(0);
    }

    public Map<String, Attribute> attributes() { return Collections.unmodifiableMap(attributes); }

    public Attribute attribute(String key) { return attributes.get(key); }

    public boolean hasAttribute(String key) { return attributes.containsKey(key); }

    public void setAttribute(String key, Attribute value) { attributes.put(key, value); }

    public void removeAttribute(String key) { attributes.remove(key); }

    public long intAttr(String key, long fallback) {
        Attribute a = attributes.get(key);
        return a instanceof Attribute.IntAttr i ? i.value() : fallback;
    }

    public float floatAttr(String key, float fallback) {
        Attribute a = attributes.get(key);
        return a instanceof Attribute.FloatAttr f ? f.value() : fallback;
    }

    public String stringAttr(String key, String fallback) {
        Attribute a = attributes.get(key);
        return a instanceof Attribute.StringAttr s ? s.value() : fallback;
    }

    /** A list-of-ints attribute, or {@code null} when absent. */
    public long[] intsAttr(String key) {
        Attribute a = attributes.get(key);
        return a instanceof Attribute.IntsAttr i ? i.values().clone() : null;
    }

    public TensorData tensorAttr(String key) {
        Attribute a = attributes.get(key);
        return a instanceof Attribute.TensorAttr t ? t.value() : null;
    }

    public String location() { return location; }

    public void setLocation(String location) { this.location = location; }

    /** The function that holds this op, or {@code null} once erased. */
    public Function parent() { return parent; }

    /** A short description for diagnostics: {@code MatMul '/h.0/attn/MatMul'}. */
    public String describe() {
        return location != null ? qualifiedName() + " node '" + Names.printable(location) + "'" : qualifiedName() + " op";
    }

    @Override
    public String toString() { return describe(); }
}
