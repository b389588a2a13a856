package dev.ppc.ir.text;

import dev.ppc.ir.Attribute;
import dev.ppc.ir.DType;
import dev.ppc.ir.Dim;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes modules in the IR text form that {@link IrParser} reads (grammar {@code PpcIr.g4}).
 * Constant tensors larger than {@code maxInlineBytes} are printed as {@code external}: their
 * data lives in weight files, not in the text.
 */
public final class IrPrinter {
    private static final Pattern BARE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Pattern BARE_VALUE = Pattern.compile("[A-Za-z0-9_.$/-]+");
    private static final Set<String> KEYWORDS = Set.of("module", "opsets", "constant", "func", "return", "loc", "tensor",
            "dense", "param", "external", "none", "inf", "nan");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Default limit above which constant data is elided from the text. */
    public static final long DEFAULT_MAX_INLINE_BYTES = 256;

    private final long maxInlineBytes;

    public IrPrinter(long maxInlineBytes) { this.maxInlineBytes = maxInlineBytes; }

    public IrPrinter() { this(DEFAULT_MAX_INLINE_BYTES); }

    /** Prints a module with the default inline limit. */
    public static String print(Module m) { return new IrPrinter().printModule(m); }

    public String printModule(Module m) {
        StringBuilder sb = new StringBuilder();
        sb.append("module @").append(name(m.name())).append(" opsets {");
        boolean first = true;
        for (Map.Entry<String, Integer> e : m.opsetImports().entrySet()) {
            if (!first) sb.append(", ");
            first = false;
            sb.append(name(e.getKey())).append(" = ").append(e.getValue());
        }
        sb.append("} {\n");
        for (Module.Constant c : m.constants().values()) {
            sb.append("  constant @").append(name(c.name())).append(" : ").append(type(c.data().type()));
            if (c.parameter()) sb.append(" param");
            sb.append(" = ");
            TensorData d = c.data();
            if (!d.hasData() || (d.dtype() != DType.STRING && TensorData.expectedBytes(d.type()) > maxInlineBytes)) sb.append("external");
            else tensorData(sb, d);
            sb.append('\n');
        }
        for (Function f : m.functions().values()) printFunction(sb, f);
        return sb.append("}\n").toString();
    }

    public String printFunction(Function f) {
        StringBuilder sb = new StringBuilder();
        printFunction(sb, f);
        return sb.toString();
    }

    private void printFunction(StringBuilder sb, Function f) {
        sb.append("  func @").append(name(f.name())).append('(');
        List<Value> params = f.params();
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(value(params.get(i))).append(": ").append(type(params.get(i).type()));
        }
        sb.append(") {\n");
        for (Op op : f.ops()) sb.append("    ").append(printOp(op)).append('\n');
        sb.append("    return");
        List<Function.Output> outs = f.outputs();
        for (int i = 0; i < outs.size(); i++) {
            sb.append(i == 0 ? " " : ", ").append(name(outs.get(i).name())).append(" = ").append(value(outs.get(i).value()));
        }
        sb.append("\n  }\n");
    }

    /** One op on one line, without indentation. */
    public String printOp(Op op) {
        StringBuilder sb = new StringBuilder();
        List<Value> results = op.results();
        for (int i = 0; i < results.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(value(results.get(i)));
        }
        if (!results.isEmpty()) sb.append(" = ");
        sb.append(op.qualifiedName()).append('(');
        for (int i = 0; i < op.numOperands(); i++) {
            if (i > 0) sb.append(", ");
            Value v = op.operand(i);
            sb.append(v == null ? "none" : value(v));
        }
        sb.append(')');
        if (!op.attributes().isEmpty()) {
            sb.append(" {");
            boolean first = true;
            for (Map.Entry<String, Attribute> e : op.attributes().entrySet()) {
                if (!first) sb.append(", ");
                first = false;
                sb.append(name(e.getKey())).append(" = ");
                attribute(sb, e.getValue());
            }
            sb.append('}');
        }
        if (!results.isEmpty()) {
            sb.append(" : ");
            for (int i = 0; i < results.size(); i++) sb.append(i > 0 ? ", " : "").append(type(results.get(i).type()));
        }
        if (op.location() != null) sb.append(" loc(").append(quote(op.location())).append(')');
        return sb.toString();
    }

    private void attribute(StringBuilder sb, Attribute a) {
        if (a instanceof Attribute.IntAttr i) {
            sb.append(i.value());
        } else if (a instanceof Attribute.FloatAttr f) {
            sb.append(floatText(f.value()));
        } else if (a instanceof Attribute.StringAttr s) {
            sb.append(quote(s.value()));
        } else if (a instanceof Attribute.IntsAttr l) {
            if (l.values().length == 0) { sb.append("ints[]"); return; }
            sb.append('[');
            for (int i = 0; i < l.values().length; i++) sb.append(i > 0 ? ", " : "").append(l.values()[i]);
            sb.append(']');
        } else if (a instanceof Attribute.FloatsAttr l) {
            if (l.values().length == 0) { sb.append("floats[]"); return; }
            sb.append('[');
            for (int i = 0; i < l.values().length; i++) sb.append(i > 0 ? ", " : "").append(floatText(l.values()[i]));
            sb.append(']');
        } else if (a instanceof Attribute.StringsAttr l) {
            if (l.values().isEmpty()) { sb.append("strings[]"); return; }
            sb.append('[');
            for (int i = 0; i < l.values().size(); i++) sb.append(i > 0 ? ", " : "").append(quote(l.values().get(i)));
            sb.append(']');
        } else if (a instanceof Attribute.TensorAttr t) {
            sb.append("tensor<").append(type(t.value().type())).append(' ');
            tensorData(sb, t.value());
            sb.append('>');
        }
    }

    private static void tensorData(StringBuilder sb, TensorData d) {
        if (d.dtype() == DType.STRING) {
            sb.append("dense [");
            List<String> s = d.strings();
            for (int i = 0; i < s.size(); i++) sb.append(i > 0 ? ", " : "").append(quote(s.get(i)));
            sb.append(']');
            return;
        }
        if (!d.hasData()) throw new IllegalStateException("tensor attribute " + d.type() + " has no data to print");
        ByteBuffer b = d.bytes();
        sb.append("dense 0x");
        for (int i = 0; i < b.limit(); i++) {
            int v = b.get(i) & 0xff;
            sb.append(HEX[v >>> 4]).append(HEX[v & 15]);
        }
    }

    /** Float text that parses back to the same bits: shortest round-tripping decimal, or inf/nan. */
    static String floatText(float f) {
        if (Float.isNaN(f)) return "nan";
        if (Float.isInfinite(f)) return f > 0 ? "inf" : "-inf";
        return Float.toString(f);
    }

    public static String type(TensorType t) {
        StringBuilder sb = new StringBuilder(t.dtype().textName()).append('[');
        if (!t.isRanked()) return sb.append("*]").toString();
        List<Dim> dims = t.dims();
        for (int i = 0; i < dims.size(); i++) {
            if (i > 0) sb.append(',');
            Dim d = dims.get(i);
            if (d.isStatic()) sb.append(d.size());
            else if (d.isSymbol()) sb.append(name(d.symbolName()));
            else sb.append('?');
        }
        return sb.append(']').toString();
    }

    static String value(Value v) {
        String n = v.name();
        return BARE_VALUE.matcher(n).matches() ? "%" + n : "%" + quote(n);
    }

    static String name(String n) {
        return BARE_NAME.matcher(n).matches() && !KEYWORDS.contains(n) ? n : quote(n);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
