package dev.ppc.tests;

import dev.ppc.backend.Backend;
import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.StageOptions;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.io.Npz;
import dev.ppc.compiler.ModelLoader;
import dev.ppc.ir.Module;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The committed model fixtures (fixtures/NAME/{model.onnx, inputs.npz, outputs.npz}) and helpers to run them. */
public final class Fixtures {
    public static final Path ROOT = Path.of("../fixtures");
    public static final List<String> NAMES = List.of("mlp", "gpt2", "llama", "bert");

    private Fixtures() {}

    public static Path model(String name) { return ROOT.resolve(name).resolve("model.onnx"); }

    public static Map<String, Tensor> inputs(String name) { return Npz.read(ROOT.resolve(name).resolve("inputs.npz")); }

    public static Map<String, Tensor> torchOutputs(String name) { return Npz.read(ROOT.resolve(name).resolve("outputs.npz")); }

    public static Map<String, long[]> shapes(Map<String, Tensor> inputs) {
        Map<String, long[]> s = new LinkedHashMap<>();
        inputs.forEach((k, v) -> s.put(k, v.shape()));
        return s;
    }

    /** The fixture imported and cleaned up for its committed inputs' shapes. */
    public static Module cleaned(String name) {
        return new ModelLoader().inputShapes(shapes(inputs(name))).load(model(name));
    }

    /** Runs a cleaned module's main function as one CPU stage. */
    public static Map<String, Tensor> runOneStage(Module m, Map<String, Tensor> inputs, int threads) {
        try (ExecutableStage stage = Backend.find("cpu").compile(m, m.main(), new StageOptions(threads, false))) {
            return stage.run(inputs);
        }
    }

    /** Largest absolute difference between two f32 tensors of the same shape. */
    public static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        if (x.length != y.length) throw new AssertionError("sizes differ: " + x.length + " vs " + y.length);
        double m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs((double) x[i] - y[i]));
        return m;
    }
}
