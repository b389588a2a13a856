package dev.ppc.ir;

import java.util.Arrays;
import java.util.List;

/**
 * An op attribute, one of ONNX's attribute kinds that ppc represents: int, float, string, their
 * lists, and tensors. Graph-valued attributes (control flow) are rejected by the importers.
 */
public sealed interface Attribute {

    /** The attribute's kind, as named by op schemas. */
    enum Kind { INT, FLOAT, STRING, INTS, FLOATS, STRINGS, TENSOR }

    Kind kind();

    record IntAttr(long value) implements Attribute {
        public Kind kind() { return Kind.INT; }
    }

    record FloatAttr(float value) implements Attribute {
        public Kind kind() { return Kind.FLOAT; }

        @Override
        public boolean equals(Object o) {
            return o instanceof FloatAttr f && Float.floatToIntBits(f.value) == Float.floatToIntBits(value);
        }

        @Override
        public int hashCode() { return Float.floatToIntBits(value); }
    }

    record StringAttr(String value) implements Attribute {
        public Kind kind() { return Kind.STRING; }
    }

    record IntsAttr(long[] values) implements Attribute {
        public Kind kind() { return Kind.INTS; }

        @Override
        public boolean equals(Object o) { return o instanceof IntsAttr a && Arrays.equals(a.values, values); }

        @Override
        public int hashCode() { return Arrays.hashCode(values); }

        @Override
        public String toString() { return Arrays.toString(values); }
    }

    record FloatsAttr(float[] values) implements Attribute {
        public Kind kind() { return Kind.FLOATS; }

        @Override
        public boolean equals(Object o) { return o instanceof FloatsAttr a && Arrays.equals(a.values, values); }

        @Override
        public int hashCode() { return Arrays.hashCode(values); }

        @Override
        public String toString() { return Arrays.toString(values); }
    }

    record StringsAttr(List<String> values) implements Attribute {
        public StringsAttr {
            values = List.copyOf(values);
        }

        public Kind kind() { return Kind.STRINGS; }
    }

    record TensorAttr(TensorData value) implements Attribute {
        public Kind kind() { return Kind.TENSOR; }

        @Override
        public boolean equals(Object o) { return o instanceof TensorAttr t && t.value.sameContents(value); }

        @Override
        public int hashCode() { return value.contentHash(); }
    }

    static Attribute of(long v) { return new IntAttr(v); }

    static Attribute of(float v) { return new FloatAttr(v); }

    static Attribute of(String v) { return new StringAttr(v); }

    static Attribute of(long... v) { return new IntsAttr(v.clone()); }
}
