package dev.ppc.ir.text;

import dev.ppc.ir.Attribute;
import dev.ppc.ir.DType;
import dev.ppc.ir.Dim;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Reads the IR text form (grammar {@code PpcIr.g4}) into a {@link Module}. Syntax errors and
 * uses of undefined values are reported as {@link IrException}s with line and column. The parser
 * does not verify: run the verifier on the result.
 */
public final class IrParser {
    private final String sourceName;

    private IrParser(String sourceName) { this.sourceName = sourceName; }

    public static Module parse(String text) { return parse(text, "<input>"); }

    public static Module parse(String text, String sourceName) {
        PpcIrLexer lexer = new PpcIrLexer(CharStreams.fromString(text, sourceName));
        PpcIrParser parser = new PpcIrParser(new CommonTokenStream(lexer));
        BaseErrorListener thrower = new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> r, Object sym, int line, int col, String msg, RecognitionException e) {
                throw new IrException(sourceName + ":" + line + ":" + (col + 1) + ": " + msg);
            }
        };
        lexer.removeErrorListeners();
        lexer.addErrorListener(thrower);
        parser.removeErrorListeners();
        parser.addErrorListener(thrower);
        return new IrParser(sourceName).module(parser.module_());
    }

    private IrException error(ParserRuleContext ctx, String message) {
        return error(ctx.getStart(), message);
    }

    private IrException error(Token t, String message) {
        return new IrException(sourceName + ":" + t.getLine() + ":" + (t.getCharPositionInLine() + 1) + ": " + message);
    }

    private Module module(PpcIrParser.Module_Context ctx) {
        Module m = new Module(name(ctx.symbol().name()));
        for (PpcIrParser.OpsetEntryContext e : ctx.opsets().opsetEntry()) {
            m.setOpset(name(e.name()), parseInt(e.INT(), "opset version"));
        }
        for (PpcIrParser.ConstantDeclContext c : ctx.constantDecl()) {
            String n = name(c.symbol().name());
            if (m.constant(n) != null) throw error(c, "constant @" + n + " is defined twice");
            TensorType t = type(c.type());
            if (!t.isStatic()) throw error(c.type(), "constant @" + n + " needs a static type, got " + IrPrinter.type(t));
            TensorData data = c.constantData().EXTERNAL() != null ? TensorData.elided(t) : tensorData(c.constantData().tensorData(), t);
            m.putConstant(new Module.Constant(n, data, c.PARAM() != null));
        }
        for (PpcIrParser.FunctionContext f : ctx.function()) {
            Function fn = function(f);
            if (m.function(fn.name()) != null) throw error(f, "function @" + fn.name() + " is defined twice");
            m.addFunction(fn);
        }
        return m;
    }

    private Function function(PpcIrParser.FunctionContext ctx) {
        Function f = new Function(name(ctx.symbol().name()));
        Map<String, Value> scope = new HashMap<>();
        for (PpcIrParser.ParamContext p : ctx.param()) {
            String n = valueName(p.VALUE());
            if (scope.containsKey(n)) throw error(p, "value %" + n + " is defined twice");
            Value v = f.addParam(n, type(p.type()));
            scope.put(n, v);
        }
        for (PpcIrParser.OperationContext o : ctx.operation()) operation(f, o, scope);
        for (PpcIrParser.OutputContext o : ctx.returnStmt().output()) {
            f.addOutput(name(o.name()), lookup(scope, o.VALUE()));
        }
        return f;
    }

    private void operation(Function f, PpcIrParser.OperationContext ctx, Map<String, Value> scope) {
        List<Value> operands = new ArrayList<>();
        for (PpcIrParser.OperandContext o : ctx.operand()) operands.add(o.NONE() != null ? null : lookup(scope, o.VALUE()));
        List<String> resultNames = new ArrayList<>();
        for (TerminalNode v : ctx.VALUE()) resultNames.add(valueName(v));
        List<TensorType> types = new ArrayList<>();
        for (PpcIrParser.TypeContext t : ctx.type()) types.add(type(t));
        if (types.size() != resultNames.size()) {
            throw error(ctx, "op has " + resultNames.size() + " results but " + types.size() + " result types");
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        if (ctx.attrDict() != null) {
            for (PpcIrParser.AttributeContext a : ctx.attrDict().attribute()) {
                String n = name(a.name());
                if (attrs.put(n, attribute(a.attrValue())) != null) throw error(a, "attribute '" + n + "' is given twice");
            }
        }
        String opName = ctx.opName().getText();
        int dot = opName.lastIndexOf('.');
        String domain = dot < 0 ? "" : opName.substring(0, dot);
        String shortName = dot < 0 ? opName : opName.substring(dot + 1);
        String loc = ctx.location() == null ? null : unquote(ctx.location().STRING().getText());
        for (String n : resultNames) {
            if (scope.containsKey(n)) throw error(ctx, "value %" + n + " is defined twice");
        }
        Op op = f.append(domain, shortName, operands, types, resultNames, attrs, loc);
        for (Value r : op.results()) scope.put(r.name(), r);
    }

    private Value lookup(Map<String, Value> scope, TerminalNode valueToken) {
        String n = valueName(valueToken);
        Value v = scope.get(n);
        if (v == null) throw error(valueToken.getSymbol(), "value %" + n + " is used before it is defined");
        return v;
    }

    private Attribute attribute(PpcIrParser.AttrValueContext ctx) {
        if (ctx instanceof PpcIrParser.IntAttrContext c) return new Attribute.IntAttr(parseLong(c.INT()));
        if (ctx instanceof PpcIrParser.FloatAttrContext c) return new Attribute.FloatAttr(parseFloat(c.FLOAT().getText()));
        if (ctx instanceof PpcIrParser.StringAttrContext c) return new Attribute.StringAttr(unquote(c.STRING().getText()));
        if (ctx instanceof PpcIrParser.IntsAttrContext c) {
            long[] v = new long[c.INT().size()];
            for (int i = 0; i < v.length; i++) v[i] = parseLong(c.INT(i));
            return new Attribute.IntsAttr(v);
        }
        if (ctx instanceof PpcIrParser.FloatsAttrContext c) {
            float[] v = new float[c.FLOAT().size()];
            for (int i = 0; i < v.length; i++) v[i] = parseFloat(c.FLOAT(i).getText());
            return new Attribute.FloatsAttr(v);
        }
        if (ctx instanceof PpcIrParser.StringsAttrContext c) {
            List<String> v = new ArrayList<>();
            for (TerminalNode s : c.STRING()) v.add(unquote(s.getText()));
            return new Attribute.StringsAttr(v);
        }
        if (ctx instanceof PpcIrParser.EmptyListAttrContext c) {
            return switch (c.EMPTY_LIST().getText()) {
                case "ints[]" -> new Attribute.IntsAttr(new long[0]);
                case "floats[]" -> new Attribute.FloatsAttr(new float[0]);
                default -> new Attribute.StringsAttr(List.of());
            };
        }
        PpcIrParser.TensorAttrContext c = (PpcIrParser.TensorAttrContext) ctx;
        TensorType t = type(c.type());
        if (!t.isStatic()) throw error(c.type(), "tensor attribute needs a static type");
        return new Attribute.TensorAttr(tensorData(c.tensorData(), t));
    }

    private TensorData tensorData(PpcIrParser.TensorDataContext ctx, TensorType t) {
        if (ctx instanceof PpcIrParser.StringDataContext s) {
            if (t.dtype() != DType.STRING) throw error(ctx, "string data for a tensor of type " + IrPrinter.type(t));
            List<String> v = new ArrayList<>();
            for (TerminalNode n : s.STRING()) v.add(unquote(n.getText()));
            if (v.size() != t.numel()) throw error(ctx, "tensor of type " + IrPrinter.type(t) + " needs " + t.numel() + " strings, got " + v.size());
            return TensorData.ofStrings(t, v);
        }
        String hex = ((PpcIrParser.HexDataContext) ctx).HEX().getText().substring(2);
        long expected = TensorData.expectedBytes(t);
        if (hex.length() != expected * 2) {
            throw error(ctx, "tensor of type " + IrPrinter.type(t) + " needs " + expected + " bytes of data, got " + hex.length() / 2.0);
        }
        ByteBuffer b = ByteBuffer.allocate((int) expected);
        for (int i = 0; i < expected; i++) b.put((byte) Integer.parseInt(hex, 2 * i, 2 * i + 2, 16));
        return TensorData.ofBytes(t, b.flip());
    }

    private TensorType type(PpcIrParser.TypeContext ctx) {
        DType dt = DType.fromTextName(ctx.IDENT().getText());
        if (dt == null) throw error(ctx, "unknown element type '" + ctx.IDENT().getText() + "'");
        if (ctx.dims() == null) {
            return ctx.getText().endsWith("*]") ? TensorType.unranked(dt) : TensorType.of(dt, List.of());
        }
        List<Dim> dims = new ArrayList<>();
        for (PpcIrParser.DimContext d : ctx.dims().dim()) {
            if (d.INT() != null) {
                long v = parseLong(d.INT());
                if (v < 0) throw error(d, "negative dimension " + v);
                dims.add(Dim.of(v));
            } else if (d.name() != null) {
                dims.add(Dim.symbol(name(d.name())));
            } else {
                dims.add(Dim.unknown());
            }
        }
        return TensorType.of(dt, dims);
    }

    private long parseLong(TerminalNode n) {
        try {
            return Long.parseLong(n.getText());
        } catch (NumberFormatException e) {
            throw error(n.getSymbol(), "integer " + n.getText() + " is out of range");
        }
    }

    private int parseInt(TerminalNode n, String what) {
        long v = parseLong(n);
        if (v != (int) v) throw error(n.getSymbol(), what + " " + v + " is out of range");
        return (int) v;
    }

    private static float parseFloat(String s) {
        return switch (s) {
            case "nan" -> Float.NaN;
            case "inf" -> Float.POSITIVE_INFINITY;
            case "-inf" -> Float.NEGATIVE_INFINITY;
            default -> Float.parseFloat(s);
        };
    }

    private static String name(PpcIrParser.NameContext ctx) {
        return ctx.STRING() != null ? unquote(ctx.STRING().getText()) : ctx.getText();
    }

    private static String valueName(TerminalNode n) {
        String t = n.getText().substring(1);
        return t.startsWith("\"") ? unquote(t) : t;
    }

    static String unquote(String quoted) {
        StringBuilder sb = new StringBuilder(quoted.length());
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = quoted.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(quoted.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }
}
