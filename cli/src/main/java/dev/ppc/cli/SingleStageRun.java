package dev.ppc.cli;

import dev.ppc.backend.Backend;
import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.Port;
import dev.ppc.backend.StageOptions;
import dev.ppc.backend.Tensor;
import dev.ppc.compiler.ModelLoader;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Value;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code ppc run MODEL}: the whole model as one stage. Input shapes come from the arrays, so the
 * model is specialized to them before it is cleaned up and compiled.
 */
final class SingleStageRun {
    private SingleStageRun() {}

    static Map<String, Tensor> run(Path modelFile, Map<String, Tensor> inputs, int threads, PrintWriter out) {
        Module m = ModelLoader.read(modelFile);
        Function f = m.main();
        Map<String, long[]> shapes = InputCheck.shapesFor(f, inputs);
        new ModelLoader().inputShapes(shapes).cleanup(m);
        try (ExecutableStage stage = Backend.find("cpu").compile(m, m.main(), new StageOptions(threads, false))) {
            List<Port> ports = stage.inputs();
            Tensor[] in = new Tensor[ports.size()];
            for (int i = 0; i < in.length; i++) in[i] = inputs.get(ports.get(i).name());
            Tensor[] outs = stage.allocateOutputs();
            long t0 = System.nanoTime();
            stage.run(in, outs);
            long t1 = System.nanoTime();
            out.printf("ran %s as one stage on %d thread(s) in %.2f ms%n", modelFile, threads, (t1 - t0) / 1e6);
            Map<String, Tensor> result = new LinkedHashMap<>();
            List<Port> outPorts = stage.outputs();
            for (int i = 0; i < outs.length; i++) result.put(outPorts.get(i).name(), outs[i]);
            return result;
        }
    }
}
