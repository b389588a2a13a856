package dev.ppc.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.ppc.backend.Tensor;
import dev.ppc.bundle.BundleManifest;
import dev.ppc.compiler.CompileOptions;
import dev.ppc.compiler.CompileResult;
import dev.ppc.compiler.ModelLoader;
import dev.ppc.ir.Module;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --emit onnx-stages} writes each stage as a standalone ONNX model. Chained through ONNX
 * Runtime (each stage's outputs feed the next stages' inputs by name), they must reproduce the
 * original model's outputs, as ONNX Runtime computes them, within 1e-5.
 */
class OnnxStagesThroughOrtTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"mlp, 3", "mlp, '1,2,3,4'", "gpt2, '1,2'", "gpt2, 3", "llama, '1,2'", "bert, 1"})
    void chainedStagesReproduceTheModel(String fixture, String cuts) throws OrtException {
        Map<String, Tensor> in = Fixtures.inputs(fixture);
        Module cleaned = new ModelLoader().inputShapes(Fixtures.shapes(in)).load(Fixtures.model(fixture));
        Path bundle = dir.resolve(fixture + ".ppc");
        CompileResult r = dev.ppc.compiler.Compiler.compile(cleaned, CompileOptions.withCuts(cuts).emitOnnxStages(true), bundle);
        Map<String, Tensor> values = new HashMap<>(in);
        for (BundleManifest.Stage s : r.manifest().stages()) {
            Map<String, Tensor> stageIn = new LinkedHashMap<>();
            for (BundleManifest.Port p : s.inputs()) stageIn.put(p.name(), values.get(p.name()));
            Map<String, Tensor> out = OrtRunner.runOnce(bundle.resolve(s.onnx()), stageIn);
            values.putAll(out);
        }
        Map<String, Tensor> whole = OrtRunner.runOnce(Fixtures.model(fixture), in);
        for (String name : whole.keySet()) {
            double d = Fixtures.maxAbsDiff(whole.get(name), values.get(name));
            System.out.printf("%s --cuts %s: %s max |chained ORT stages - ORT| = %.3g%n", fixture, cuts, name, d);
            assertTrue(d <= 1e-5, fixture + " --cuts " + cuts + ": " + name + " differs by " + d);
        }
    }
}
