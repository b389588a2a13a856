package dev.ppc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.compiler.onnx.OnnxExporter;
import dev.ppc.ir.Module;
import dev.ppc.passes.partition.CutSpec;
import dev.ppc.passes.partition.PartitionPass;
import dev.ppc.passes.partition.PartitionPlan;
import dev.ppc.passes.partition.StageModules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitioned == unpartitioned: each fixture is cut, every stage is exported as a standalone
 * ONNX model, and the stages are run one after another by {@code src/test/python/run_stages.py}
 * (numpy, through {@code fixtures/refeval.py}), each fed the model inputs and the values earlier
 * stages sent; the model outputs the stages return must match the fixture's outputs.npz (from
 * PyTorch) within 1e-4. This checks the cut, the channels and the exporter at once, with an
 * evaluator that shares no code with ppc.
 */
class StageDifferentialTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SCRIPT = Path.of("src/test/python/run_stages.py");

    @TempDir
    Path tmp;

    private void runStages(String fixture, List<Path> stages) throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(PYTHON), "install Debian's python3-onnx and python3-numpy (apt-get install python3-onnx)");
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), Fixtures.dir(fixture).toString()));
        for (Path s : stages) cmd.add(s.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        System.out.print(fixture + " " + stages.size() + " stages:\n" + out);
        assertEquals(0, rc, fixture + ": the stages do not reproduce the model's outputs:\n" + out);
    }

    private void partitionAndRun(String fixture, String cuts) throws IOException, InterruptedException {
        PartitionPass.Result r = PartitionPass.run(Fixtures.importModel(fixture), CutSpec.parse(cuts));
        List<Path> files = new ArrayList<>();
        for (PartitionPlan.Stage s : r.plan().stages()) {
            Module stage = StageModules.extract(r.module(), s.function(), fixture + ".stage" + s.index());
            Path f = tmp.resolve(fixture + "-" + cuts.replaceAll("[^A-Za-z0-9.]", "_") + "-stage" + s.index() + ".onnx");
            Files.write(f, OnnxExporter.export(stage, stage.main()).toByteArray());
            files.add(f);
        }
        runStages(fixture, files);
    }

    @Test
    void mlpCutOnceAndIntoFiveStages() throws Exception {
        partitionAndRun("mlp", "3");
        partitionAndRun("mlp", "1,2,3,4");
    }

    @Test
    void gpt2PerLayerAndInsideAttention() throws Exception {
        partitionAndRun("gpt2", "h.0,h.1,h.2");
        partitionAndRun("gpt2", "@/h.1/attn/Softmax_output_0");
    }

    @Test
    void llamaMixedCuts() throws Exception {
        partitionAndRun("llama", "1,@/layers.2/Add_output_0");
    }

    @Test
    void bertWithItsMaskAndTwoOutputs() throws Exception {
        partitionAndRun("bert", "layer.0");
    }

    @Test
    void theBundlesOnnxStagesComputeTheMlp() throws Exception {
        Path out = tmp.resolve("mlp.ppc");
        Compiler.compile(Fixtures.staticMlp(), CompileOptions.withCuts("2,4").emitOnnxStages(true), out);
        runStages("mlp", List.of(out.resolve("core-0/stage.onnx"), out.resolve("core-1/stage.onnx"), out.resolve("core-2/stage.onnx")));
    }
}
