package dev.ppc.passes;

import dev.ppc.ir.Dim;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.text.IrPrinter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code specialize-shapes}: gives the entry function's parameters the static shapes the user
 * chose ({@code --input input_ids=4x12}) and propagates them through the whole program.
 *
 * <p>Three steps. (1) Each given shape is checked against the parameter's declared type (rank,
 * static dims) and binds the parameter's symbolic dims: {@code input_ids: i64[batch,seq]} with
 * {@code 4x12} binds {@code batch=4, seq=12}. A symbol bound twice must get the same size.
 * (2) Bound symbols are replaced by their sizes in every declared type of the entry function
 * (parameters given no shape and op results included), because a symbol denotes one size
 * throughout a function. (3) Every op's result types are re-inferred in program order with
 * {@link TypeRefinement#refineResults}, so static shapes flow forward; a contradiction is an
 * {@link IrException} naming the op.
 *
 * <p>With no input shapes the pass only does step (3), which is what the registry's
 * {@code specialize-shapes} entry without options means.
 */
public final class SpecializeShapes implements Pass {
    /** The pass's registry name. */
    public static final String NAME = "specialize-shapes";

    private static final Pattern SIZE = Pattern.compile("[0-9]+");

    private final Map<String, long[]> inputShapes;

    /** Specializes the entry function's parameters named in {@code inputShapes} (in map order). */
    public SpecializeShapes(Map<String, long[]> inputShapes) {
        Map<String, long[]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : inputShapes.entrySet()) copy.put(e.getKey(), e.getValue().clone());
        this.inputShapes = Collections.unmodifiableMap(copy);
    }

    /** Only re-infers types; binds no shapes. */
    public SpecializeShapes() { this(Map.of()); }

    @Override
    public String name() { return NAME; }

    @Override
    public String summary() {
        return "binds input shapes (e.g. input_ids=4x12), substitutes bound symbolic dims and re-infers every type";
    }

    /** The shapes this instance binds, by parameter name. */
    public Map<String, long[]> inputShapes() {
        Map<String, long[]> copy = new LinkedHashMap<>();
        inputShapes.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    @Override
    public boolean run(Module module) {
        Function main = module.main();
        Map<String, Long> bindings = bindSymbols(main);
        boolean changed = false;
        for (Function f : module.functions().values()) {
            // Symbols are scoped to one function: the entry function's bindings say nothing about others.
            Map<String, Long> scope = f == main ? bindings : Map.of();
            for (Value p : f.params()) {
                long[] given = f == main ? inputShapes.get(p.name()) : null;
                changed |= retype(p, given != null ? TensorType.of(p.type().dtype(), given) : TypeRefinement.bindSymbols(p.type(), scope));
                checkSize(p);
            }
            for (Op op : f.ops()) {
                for (Value r : op.results()) changed |= retype(r, TypeRefinement.bindSymbols(r.type(), scope));
            }
            for (Op op : f.ops()) changed |= TypeRefinement.refineResults(op, module);
        }
        return changed;
    }

    /** Refuses an input whose dims multiply past what a long counts: no size computed from it would be right. */
    private static void checkSize(Value input) {
        TensorType t = input.type();
        if (!t.isStatic() || t.hasLongSize()) return;
        throw new IrException(NAME + ": input '" + input.name() + "' of shape " + formatShape(t.shape()) + " would hold " + t.exactNumel()
                + " elements (" + t.exactByteSize() + " bytes), more than any tensor can hold; give a smaller shape");
    }

    private static boolean retype(Value v, TensorType t) {
        if (t.equals(v.type())) return false;
        v.setType(t);
        return true;
    }

    /** Checks every given shape against its parameter and returns the symbol bindings they imply. */
    private Map<String, Long> bindSymbols(Function main) {
        Map<String, Value> params = new LinkedHashMap<>();
        for (Value p : main.params()) params.put(p.name(), p);
        Map<String, Long> bindings = new HashMap<>();
        Map<String, String> boundBy = new HashMap<>();
        for (Map.Entry<String, long[]> e : inputShapes.entrySet()) {
            String input = e.getKey();
            long[] shape = e.getValue();
            Value p = params.get(input);
            if (p == null) {
                throw new IrException(NAME + ": the model has no input '" + input + "'; its inputs are "
                        + (params.isEmpty() ? "(none)" : String.join(", ", params.keySet())));
            }
            TensorType declared = p.type();
            if (!declared.isRanked()) continue;
            if (declared.rank() != shape.length) {
                throw new IrException(NAME + ": input '" + input + "' is " + IrPrinter.type(declared) + " (rank " + declared.rank()
                        + ") but the given shape " + formatShape(shape) + " has rank " + shape.length);
            }
            for (int i = 0; i < shape.length; i++) {
                Dim d = declared.dim(i);
                if (d.isStatic() && d.size() != shape[i]) {
                    throw new IrException(NAME + ": input '" + input + "' is " + IrPrinter.type(declared) + " but the given shape "
                            + formatShape(shape) + " says dim " + i + " is " + shape[i] + "; the model fixes it at " + d.size());
                }
                if (d.isSymbol()) {
                    Long previous = bindings.putIfAbsent(d.symbolName(), shape[i]);
                    if (previous != null && previous != shape[i]) {
                        throw new IrException(NAME + ": input '" + input + "' gives symbol '" + d.symbolName() + "' the size " + shape[i]
                                + " but input '" + boundBy.get(d.symbolName()) + "' gives it " + previous);
                    }
                    boundBy.putIfAbsent(d.symbolName(), input);
                }
            }
        }
        return bindings;
    }

    /**
     * Parses a shape written as sizes joined by {@code x}, e.g. {@code 4x12}; the empty string is
     * a scalar (rank 0).
     *
     * @throws IllegalArgumentException {@code "'Z' is not a dimension size"} for anything that is
     *     not a non-negative integer
     */
    public static long[] parseShape(String text) {
        if (text.isEmpty()) return new long[0];
        String[] parts = text.split("x", -1);
        long[] shape = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!SIZE.matcher(parts[i]).matches()) throw new IllegalArgumentException("'" + parts[i] + "' is not a dimension size");
            try {
                shape[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("dimension size " + parts[i] + " is larger than " + Long.MAX_VALUE);
            }
        }
        return shape;
    }

    /**
     * Parses one {@code --input} argument, {@code NAME=SHAPE} (e.g. {@code input_ids=4x12}). The
     * name is everything before the last {@code =}, so ONNX names with odd characters work.
     *
     * @throws IllegalArgumentException with a message that starts {@code --input <argument>:}
     */
    public static Map.Entry<String, long[]> parseInput(String assignment) {
        int eq = assignment.lastIndexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("--input " + assignment + ": expected NAME=SHAPE, e.g. input_ids=4x12");
        try {
            return Map.entry(assignment.substring(0, eq), parseShape(assignment.substring(eq + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--input " + assignment + ": " + e.getMessage(), e);
        }
    }

    /** Parses several {@code --input} arguments; naming an input twice is an error. */
    public static Map<String, long[]> parseInputs(List<String> assignments) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String a : assignments) {
            Map.Entry<String, long[]> e = parseInput(a);
            if (shapes.put(e.getKey(), e.getValue()) != null) throw new IllegalArgumentException("--input " + a + ": input '" + e.getKey() + "' is given twice");
        }
        return shapes;
    }

    /** {@code 4x12}, or {@code scalar} for rank 0. */
    public static String formatShape(long[] shape) {
        if (shape.length == 0) return "scalar";
        List<String> parts = new ArrayList<>(shape.length);
        for (long s : shape) parts.add(Long.toString(s));
        return String.join("x", parts);
    }
}
