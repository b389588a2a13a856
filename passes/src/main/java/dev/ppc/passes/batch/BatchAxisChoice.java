package dev.ppc.passes.batch;

import dev.ppc.ir.Dim;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Value;
import dev.ppc.ir.text.IrPrinter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which axis of each model input holds the batch, before the model is specialized.
 *
 * <p>The rule: an axis the user names ({@code --batch-axis src=1}) wins; otherwise the first axis
 * whose symbolic dim name ({@code dim_param} in ONNX) contains {@code batch}, in any case
 * ({@code batch}, {@code batch_size}, {@code BatchSize}); otherwise axis 0. A sequence-first
 * {@code nn.TransformerEncoder} exported with dynamic axes {@code {0: 'seq', 1: 'batch'}} thus
 * gets axis 1, and a model exported with a fixed batch gets axis 0 unless told otherwise. The
 * choice is only a claim; {@link BatchAxisAnalysis} proves it before anything is microbatched.
 */
public final class BatchAxisChoice {
    private BatchAxisChoice() {}

    /**
     * The batch axis of every input of {@code main}, in parameter order.
     *
     * @param given axes the user chose, by input name (may be empty)
     * @throws IrException for a name that is not an input or an axis outside the input's rank,
     *                     with a message that starts {@code --batch-axis NAME=AXIS:}
     */
    public static Map<String, Integer> choose(Function main, Map<String, Integer> given) {
        List<String> names = main.params().stream().map(Value::name).toList();
        for (Map.Entry<String, Integer> e : given.entrySet()) {
            if (!names.contains(e.getKey())) {
                throw new IrException("--batch-axis " + e.getKey() + "=" + e.getValue() + ": the model has no input '" + e.getKey() + "'; its inputs are "
                        + (names.isEmpty() ? "(none)" : String.join(", ", names)));
            }
        }
        Map<String, Integer> axes = new LinkedHashMap<>();
        for (Value p : main.params()) {
            Integer axis = given.get(p.name());
            if (axis != null && p.type().isRanked() && (axis < 0 || axis >= p.type().rank())) {
                throw new IrException("--batch-axis " + p.name() + "=" + axis + ": input '" + p.name() + "' is " + IrPrinter.type(p.type())
                        + ", so its axes are 0 to " + (p.type().rank() - 1));
            }
            if (axis != null && axis < 0) throw new IrException("--batch-axis " + p.name() + "=" + axis + ": the axis must not be negative");
            axes.put(p.name(), axis != null ? axis : defaultAxis(p));
        }
        return axes;
    }

    /** The first axis whose symbolic name contains "batch" (any case), else 0. */
    public static int defaultAxis(Value input) {
        if (!input.type().isRanked()) return 0;
        List<Dim> dims = input.type().dims();
        for (int i = 0; i < dims.size(); i++) {
            Dim d = dims.get(i);
            if (d.isSymbol() && d.symbolName().toLowerCase(Locale.ROOT).contains("batch")) return i;
        }
        return 0;
    }
}
