package dev.ppc.compiler;

import dev.ppc.compiler.onnx.OnnxImporter;
import dev.ppc.ir.Dim;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.verify.Verifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The model fixtures of {@code fixtures/} for compiler tests, and a stand-in for the
 * specialize-shapes pass (which lives elsewhere): {@link #bindSymbols} replaces named dimensions
 * by numbers in every type. That is enough for graphs without shape computations, such as the
 * mlp; it does not fold anything.
 */
public final class Fixtures {
    private Fixtures() {}

    public static Path dir(String name) { return Path.of("..", "fixtures", name).normalize(); }

    public static Path model(String name) { return dir(name).resolve("model.onnx"); }

    public static Module importModel(String name) { return OnnxImporter.importModel(model(name)); }

    /** The mlp fixture with its batch dimension fixed to 4 (the shape of inputs.npz): every value static. */
    public static Module staticMlp() {
        Module m = bindSymbols(importModel("mlp"), Map.of("batch", 4L));
        Verifier.verify(m);
        return m;
    }

    public static Module bindSymbols(Module m, Map<String, Long> sizes) {
        for (Function f : m.functions().values()) {
            for (Value p : f.params()) p.setType(bind(p.type(), sizes));
            for (Op op : f.ops()) for (Value r : op.results()) r.setType(bind(r.type(), sizes));
        }
        return m;
    }

    private static TensorType bind(TensorType t, Map<String, Long> sizes) {
        if (!t.isRanked()) return t;
        List<Dim> dims = new ArrayList<>();
        for (Dim d : t.dims()) dims.add(d.isSymbol() && sizes.containsKey(d.symbolName()) ? Dim.of(sizes.get(d.symbolName())) : d);
        return TensorType.of(t.dtype(), dims);
    }
}
