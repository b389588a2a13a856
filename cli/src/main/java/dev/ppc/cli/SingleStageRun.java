package dev.ppc.cli;

import dev.ppc.backend.Backend;
import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.StageOptions;
import dev.ppc.backend.Tensor;
import dev.ppc.compiler.ModelLoader;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Value;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code ppc run MODEL}: the whole model as one stage. Input shapes come from the arrays, so the
 * model is specialized to them before it is cleaned up and compiled.
 */
final class SingleStageRun {
    private SingleStageRun() {}

    static Map<String, Tensor> run(Path modelFile, InputFiles inputFiles, int threads, PrintWriter out) {
        Module m = ModelLoader.read(modelFile);
        Function f = m.main();
        Map<String, Tensor> inputs = inputFiles.forInputs(f.params().stream().map(Value::name).toList());
        Map<String, long[]> shapes = InputCheck.shapesFor(f, inputs);
        new ModelLoader().inputShapes(shapes).cleanup(m);
        try (ExecutableStage stage = Backend.find("cpu").compile(m, m.main(), new StageOptions(threads, false))) {
            long t0 = System.nanoTime();
            Map<String, Tensor> result = stage.run(inputs);
            long t1 = System.nanoTime();
            out.printf("ran %s as one stage on %d thread(s) in %.2f ms%n", modelFile, threads, (t1 - t0) / 1e6);
            return result;
        }
    }
}
