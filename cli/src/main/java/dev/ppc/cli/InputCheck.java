package dev.ppc.cli;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.Dim;
import dev.ppc.ir.Function;
import dev.ppc.ir.Names;
import dev.ppc.ir.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Matches the arrays a user supplies against a function's inputs: every input present, nothing
 * extra, the right dtype and rank, and sizes that agree with the model's static dims.
 */
final class InputCheck {
    private InputCheck() {}

    static Map<String, long[]> shapesFor(Function f, Map<String, Tensor> inputs) {
        List<String> expected = new ArrayList<>();
        for (Value p : f.params()) expected.add(p.name());
        String takes = expected.stream().map(Names::printable).collect(Collectors.joining(", "));
        for (String name : expected) {
            if (!inputs.containsKey(name)) {
                throw new UserError("the inputs have no array '" + Names.printable(name) + "'; the model takes " + takes);
            }
        }
        for (String name : inputs.keySet()) {
            if (!expected.contains(name)) {
                throw new UserError("the inputs have an array '" + Names.printable(name) + "' that the model does not take; it takes " + takes);
            }
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Value p : f.params()) {
            String name = Names.printable(p.name());
            Tensor t = inputs.get(p.name());
            if (t.dtype() != p.type().dtype()) {
                throw new UserError("input '" + name + "' is " + t.dtype() + " but the model takes " + p.type().dtype()
                        + " (convert it, e.g. with arr.astype(np." + numpyName(p.type().dtype()) + "))");
            }
            if (p.type().isRanked()) {
                if (p.type().rank() != t.rank()) {
                    throw new UserError("input '" + name + "' has shape " + Arrays.toString(t.shape()) + " but the model takes rank " + p.type().rank() + " (" + p.type() + ")");
                }
                for (int i = 0; i < t.rank(); i++) {
                    Dim d = p.type().dim(i);
                    if (d.isStatic() && d.size() != t.shape()[i]) {
                        throw new UserError("input '" + name + "' has shape " + Arrays.toString(t.shape()) + " but the model takes " + p.type());
                    }
                }
            }
            shapes.put(p.name(), t.shape());
        }
        return shapes;
    }

    private static String numpyName(dev.ppc.ir.DType t) {
        return switch (t) {
            case F32 -> "float32";
            case F64 -> "float64";
            case I64 -> "int64";
            case I32 -> "int32";
            case BOOL -> "bool_";
            default -> t.textName();
        };
    }
}
