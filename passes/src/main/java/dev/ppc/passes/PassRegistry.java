package dev.ppc.passes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Maps pass names to factories and turns pipeline text into passes.
 *
 * <p>Pipeline syntax: pass entries separated by commas, each a pass name optionally followed by
 * options in braces; options are {@code key=value} pairs separated by spaces or commas:
 * <pre>
 *   pipeline := [ entry { "," entry } ]
 *   entry    := NAME [ "{" [ option { (" " | ",") option } ] "}" ]
 *   option   := KEY "=" VALUE          (KEY is everything before the last '=')
 * </pre>
 * Whitespace around entries is ignored. Examples: {@code "fold-constants,dce"},
 * {@code "specialize-shapes{input_ids=2x8 attention_mask=2x8},fold-constants,dce,cse"}.
 *
 * <p>Options of the standard passes:
 * <ul>
 *   <li>{@code specialize-shapes{NAME=SHAPE ...}}: the entry function's parameter NAME gets the
 *       static shape SHAPE, written {@code 4x12} (an empty SHAPE is a scalar). Without options the
 *       pass only re-infers types.</li>
 *   <li>{@code fold-constants{max-elements=N}}: the largest result folded, in elements
 *       (default {@value ConstantEvaluator#DEFAULT_MAX_ELEMENTS}).</li>
 *   <li>{@code dce}, {@code cse}: no options.</li>
 *   <li>{@code fuse-elementwise{max-steps=N}}: the most ops one fused op replaces (default
 *       {@value FuseElementwise#DEFAULT_MAX_STEPS}). Not part of the clean-up pipeline: backends
 *       that evaluate {@code ppc.fused} run it on their copy of a stage.</li>
 * </ul>
 */
public final class PassRegistry {
    /** The standard clean-up pipeline that every imported model goes through. */
    public static final String CLEANUP_PIPELINE = "specialize-shapes,fold-constants,dce,cse";

    /** Creates a pass from its options (empty when the pipeline gives none). */
    @FunctionalInterface
    public interface Factory {
        /**
         * @throws IllegalArgumentException for an unknown option or a bad option value
         */
        Pass create(Map<String, String> options);
    }

    /** One parsed pipeline entry: a pass name and its options in the order written. */
    public record Entry(String name, Map<String, String> options) {
        public Entry {
            options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        }
    }

    private final Map<String, Factory> factories = new LinkedHashMap<>();

    /** An empty registry; see {@link #standard()} for one with ppc's passes. */
    public PassRegistry() {}

    /**
     * A registry with {@code specialize-shapes}, {@code fold-constants}, {@code dce}, {@code cse}
     * and {@code fuse-elementwise}.
     */
    public static PassRegistry standard() {
        PassRegistry r = new PassRegistry();
        r.register(SpecializeShapes.NAME, options -> {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            options.forEach((input, shape) -> {
                try {
                    shapes.put(input, SpecializeShapes.parseShape(shape));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(SpecializeShapes.NAME + "{" + input + "=" + shape + "}: " + e.getMessage(), e);
                }
            });
            return new SpecializeShapes(shapes);
        });
        r.register(FoldConstants.NAME, options -> {
            long max = ConstantEvaluator.DEFAULT_MAX_ELEMENTS;
            for (Map.Entry<String, String> o : options.entrySet()) {
                if (!o.getKey().equals("max-elements")) {
                    throw new IllegalArgumentException(FoldConstants.NAME + " has no option '" + o.getKey() + "'; it takes max-elements");
                }
                try {
                    max = Long.parseLong(o.getValue());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(FoldConstants.NAME + "{max-elements=" + o.getValue() + "}: not a number");
                }
            }
            return new FoldConstants(max);
        });
        r.register(DeadCodeElimination.NAME, withoutOptions(DeadCodeElimination.NAME, DeadCodeElimination::new));
        r.register(CommonSubexpressionElimination.NAME, withoutOptions(CommonSubexpressionElimination.NAME, CommonSubexpressionElimination::new));
        r.register(FuseElementwise.NAME, options -> {
            int max = FuseElementwise.DEFAULT_MAX_STEPS;
            for (Map.Entry<String, String> o : options.entrySet()) {
                if (!o.getKey().equals("max-steps")) {
                    throw new IllegalArgumentException(FuseElementwise.NAME + " has no option '" + o.getKey() + "'; it takes max-steps");
                }
                try {
                    max = Integer.parseInt(o.getValue());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(FuseElementwise.NAME + "{max-steps=" + o.getValue() + "}: not a number");
                }
            }
            return new FuseElementwise(max);
        });
        return r;
    }

    /** A factory for a pass that takes no options; giving it any is an error. */
    public static Factory withoutOptions(String name, Supplier<Pass> constructor) {
        return options -> {
            if (!options.isEmpty()) throw new IllegalArgumentException("pass '" + name + "' takes no options, got " + options.keySet());
            return constructor.get();
        };
    }

    /** Registers {@code name}; names are unique. */
    public PassRegistry register(String name, Factory factory) {
        if (!name.matches("[a-z0-9]+(-[a-z0-9]+)*")) throw new IllegalArgumentException("pass name '" + name + "' must be lower-case words joined by '-'");
        if (factories.putIfAbsent(name, factory) != null) throw new IllegalArgumentException("pass '" + name + "' is registered twice");
        return this;
    }

    /** The registered names, in registration order. */
    public Set<String> names() { return Collections.unmodifiableSet(factories.keySet()); }

    public boolean contains(String name) { return factories.containsKey(name); }

    /** Each registered pass's summary, by name (for {@code --help}). */
    public Map<String, String> summaries() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : factories.keySet()) out.put(name, create(name, Map.of()).summary());
        return out;
    }

    /**
     * Creates the pass registered as {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones) or bad options
     */
    public Pass create(String name, Map<String, String> options) {
        Factory f = factories.get(name);
        if (f == null) throw new IllegalArgumentException("unknown pass '" + name + "'; known passes: " + String.join(", ", new TreeSet<>(factories.keySet())));
        Pass p = f.create(options);
        // The registered name is the pass's identity in pipelines, dumps and --print-ir-after.
        if (!p.name().equals(name)) throw new IllegalStateException("pass registered as '" + name + "' calls itself '" + p.name() + "'");
        return p;
    }

    /** Parses and instantiates a pipeline. */
    public List<Pass> createPipeline(String pipeline) {
        List<Pass> passes = new ArrayList<>();
        for (Entry e : parse(pipeline)) passes.add(create(e.name(), e.options()));
        return passes;
    }

    /**
     * Parses pipeline text (syntax in the class comment) without instantiating anything.
     *
     * @throws IllegalArgumentException naming the column of a syntax error
     */
    public static List<Entry> parse(String pipeline) {
        List<Entry> entries = new ArrayList<>();
        int i = skipSpaces(pipeline, 0);
        if (i == pipeline.length()) return entries;
        while (true) {
            int start = i;
            while (i < pipeline.length() && isNameChar(pipeline.charAt(i))) i++;
            if (i == start) throw syntax(pipeline, i, "expected a pass name");
            String name = pipeline.substring(start, i);
            i = skipSpaces(pipeline, i);
            Map<String, String> options = new LinkedHashMap<>();
            if (i < pipeline.length() && pipeline.charAt(i) == '{') {
                int close = pipeline.indexOf('}', i);
                if (close < 0) throw syntax(pipeline, i, "unclosed '{' in the options of '" + name + "'");
                for (String option : pipeline.substring(i + 1, close).trim().split("[\\s,]+")) {
                    if (option.isEmpty()) continue;
                    int eq = option.lastIndexOf('=');
                    if (eq <= 0) throw syntax(pipeline, i + 1, "option '" + option + "' of '" + name + "' is not KEY=VALUE");
                    if (options.put(option.substring(0, eq), option.substring(eq + 1)) != null) {
                        throw syntax(pipeline, i + 1, "option '" + option.substring(0, eq) + "' of '" + name + "' is given twice");
                    }
                }
                i = skipSpaces(pipeline, close + 1);
            }
            entries.add(new Entry(name, options));
            if (i == pipeline.length()) return entries;
            if (pipeline.charAt(i) != ',') throw syntax(pipeline, i, "expected ',' after '" + name + "'");
            i = skipSpaces(pipeline, i + 1);
        }
    }

    /** Wider than registered names allow, so that a misspelt name gets "unknown pass" with the list of known ones. */
    private static boolean isNameChar(char c) { return Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.'; }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    private static IllegalArgumentException syntax(String pipeline, int column, String message) {
        return new IllegalArgumentException("pipeline '" + pipeline + "', column " + (column + 1) + ": " + message);
    }
}
