package dev.ppc.ir.schema;

import dev.ppc.ir.Attribute;
import dev.ppc.ir.DType;
import dev.ppc.ir.Dim;
import dev.ppc.ir.IrException;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What type inference sees of one op: operand types ({@code null} for absent optional operands),
 * the values of operands that are constants, attributes, the bound opset version and the number
 * of results the node declares.
 */
public final class InferenceContext {
    private final String opName;
    private final List<TensorType> inputs;
    private final List<TensorData> constants;
    private final Map<String, Attribute> attributes;
    private final int opsetVersion;
    private final int numOutputs;

    public InferenceContext(String opName, List<TensorType> inputs, List<TensorData> constants,
                            Map<String, Attribute> attributes, int opsetVersion, int numOutputs) {
        this.opName = opName;
        this.inputs = inputs;
        this.constants = constants;
        this.attributes = attributes;
        this.opsetVersion = opsetVersion;
        this.numOutputs = numOutputs;
    }

    public int opset() { return opsetVersion; }

    public int numInputs() { return inputs.size(); }

    public int numOutputs() { return numOutputs; }

    public boolean hasInput(int i) { return i < inputs.size() && inputs.get(i) != null; }

    public TensorType input(int i) {
        if (!hasInput(i)) throw fail("operand " + i + " is required");
        return inputs.get(i);
    }

    /** The value of operand {@code i} if it is a constant with data, else {@code null}. */
    public TensorData constant(int i) {
        if (i >= constants.size()) return null;
        TensorData d = constants.get(i);
        return d != null && d.hasData() ? d : null;
    }

    /** Operand {@code i}'s values as longs when it is a constant, else {@code null}. */
    public long[] constantLongs(int i) {
        TensorData d = constant(i);
        return d == null ? null : d.toLongs();
    }

    public Attribute attribute(String name) { return attributes.get(name); }

    public boolean hasAttr(String name) { return attributes.containsKey(name); }

    public long intAttr(String name, long fallback) {
        return attributes.get(name) instanceof Attribute.IntAttr a ? a.value() : fallback;
    }

    public float floatAttr(String name, float fallback) {
        return attributes.get(name) instanceof Attribute.FloatAttr a ? a.value() : fallback;
    }

    public String stringAttr(String name, String fallback) {
        return attributes.get(name) instanceof Attribute.StringAttr a ? a.value() : fallback;
    }

    public long[] intsAttr(String name) {
        return attributes.get(name) instanceof Attribute.IntsAttr a ? a.values().clone() : null;
    }

    public TensorData tensorAttr(String name) {
        return attributes.get(name) instanceof Attribute.TensorAttr a ? a.value() : null;
    }

    /** An exception describing a failed inference; the caller adds the op's location. */
    public IrException fail(String message) { return new IrException(message); }

    /** Normalizes a possibly negative axis against {@code rank}, failing when out of range. */
    public int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw fail("axis " + axis + " is out of range for rank " + rank);
        return (int) a;
    }

    public static List<TensorType> one(TensorType t) { return List.of(t); }

    public static TensorType unknownShape(DType dtype, int rank) {
        List<Dim> d = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) d.add(Dim.unknown());
        return TensorType.of(dtype, d);
    }

    public String opName() { return opName; }
}
