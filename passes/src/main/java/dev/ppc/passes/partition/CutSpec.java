package dev.ppc.passes.partition;

import dev.ppc.ir.ModulePath;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A parsed {@code --cuts} argument: a comma-separated list of places where the pipeline is cut,
 * in pipeline order. Each item is one of
 * <ul>
 *   <li>a number {@code k}: after the k-th top-level block (1-based, so {@code 3} puts blocks
 *       0..2 in the stage before the cut);</li>
 *   <li>a module path as PyTorch names it, such as {@code layers.2} or {@code encoder.layers.2}
 *       (or in the node names' slash form, {@code encoder/layers.2}): after that block; a nested
 *       module such as {@code layers.2.attn} cuts after everything that module computes;</li>
 *   <li>{@code @name}: at the value {@code name} (an ONNX tensor name): it and everything it is
 *       computed from go before the cut.</li>
 * </ul>
 * Parsing checks only the syntax; {@link StageAssignment} resolves the items against a model.
 */
public final class CutSpec {
    /** One item of the list, with the text the user wrote for it (quoted back in diagnostics). */
    public sealed interface Cut {
        String text();
    }

    /** After the {@code number}-th top-level block (1-based). */
    public record AfterBlock(int number, String text) implements Cut {}

    /** After the module scope {@code scope}, a dotted module path ({@link ModulePath#ofUserText}). */
    public record AfterScope(String scope, String text) implements Cut {}

    /** At the value named {@code value}. */
    public record AtValue(String value, String text) implements Cut {}

    private static final Pattern NUMBER = Pattern.compile("[+-]?[0-9]+");

    private final String text;
    private final List<Cut> cuts;

    private CutSpec(String text, List<Cut> cuts) {
        this.text = text;
        this.cuts = List.copyOf(cuts);
    }

    /** The argument as given, for diagnostics ({@code --cuts <text>: ...}). */
    public String text() { return text; }

    /** The cuts in the order given; a spec with n cuts makes n + 1 stages. */
    public List<Cut> cuts() { return cuts; }

    public int stageCount() { return cuts.size() + 1; }

    /** Parses a {@code --cuts} argument; a syntax error is a {@link CutSpecException}. */
    public static CutSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new CutSpecException("--cuts: the cut list is empty; give block numbers (3), scope names (layers.2) or values (@name), separated by commas");
        }
        String trimmed = spec.trim();
        String[] items = trimmed.split(",", -1);
        List<Cut> cuts = new ArrayList<>(items.length);
        for (int i = 0; i < items.length; i++) {
            String item = items[i].trim();
            if (item.isEmpty()) {
                throw new CutSpecException("--cuts " + trimmed + ": item " + (i + 1) + " is empty");
            }
            cuts.add(parseItem(trimmed, item));
        }
        return new CutSpec(trimmed, cuts);
    }

    private static Cut parseItem(String spec, String item) {
        if (item.startsWith("@")) {
            String name = item.substring(1);
            if (name.isEmpty()) throw new CutSpecException("--cuts " + spec + ": '@' must be followed by a value name, e.g. @/layers.1/Add_output_0");
            return new AtValue(name, item);
        }
        if (NUMBER.matcher(item).matches()) {
            long n;
            try {
                n = Long.parseLong(item);
            } catch (NumberFormatException e) {
                n = Long.MAX_VALUE;
            }
            if (n < 1) {
                throw new CutSpecException("--cuts " + spec + ": cut '" + item + "': block numbers start at 1 (cut 1 is after the first block)");
            }
            if (n > Integer.MAX_VALUE) throw new CutSpecException("--cuts " + spec + ": cut '" + item + "' is not a block number this model can have");
            return new AfterBlock((int) n, item);
        }
        return new AfterScope(ModulePath.ofUserText(item), item);
    }

    /**
     * {@code --stages N}: choosing the cuts automatically (balanced by a cost model) is reserved
     * by the CLI contract but not built, so this always refuses with a message that says so.
     */
    public static CutSpec automatic(int stages) {
        throw new CutSpecException("--stages " + stages + ": automatic partitioning is not implemented yet; use --cuts");
    }

    @Override
    public String toString() { return text; }
}
