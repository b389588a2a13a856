package dev.ppc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Backend;
import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.Port;
import dev.ppc.backend.StageOptions;
import dev.ppc.backend.Tensor;
import dev.ppc.compiler.CompileOptions;
import dev.ppc.compiler.CompileResult;
import dev.ppc.compiler.ModelLoader;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.passes.partition.BlockStructure;
import dev.ppc.runtime.LoadOptions;
import dev.ppc.runtime.MicrobatchSplitter;
import dev.ppc.runtime.Pipeline;
import dev.ppc.runtime.PipelineSpec;
import dev.ppc.runtime.StageSpec;
import dev.ppc.schedule.ScheduleKind;
import dev.ppc.schedule.Schedules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitioned == unpartitioned, bit for bit. For every fixture, every single cut at block
 * granularity and several multi-cut sets (1 to 4+ stages), and m in {1, 2, 4, 8} microbatches,
 * the bundle run by the pipelined runtime must give exactly the bytes that the unpartitioned model
 * gives when it runs the same microbatches (the same kernels on the same shapes). The
 * unpartitioned reference runs one microbatch at a time because OpenBLAS may pick a different
 * kernel for a different row count, which changes last bits between batch sizes.
 */
class PipelineEquivalenceTest {
    static final int BATCH = 8;
    static final int[] MICROBATCHES = {1, 2, 4, 8};

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> pipelinedEqualsUnpartitioned() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String fixture : Fixtures.NAMES) {
            Module imported = ModelLoader.read(Fixtures.model(fixture));
            Map<String, Tensor> inputs = BatchInputs.make(imported, fixture, BATCH, 42);
            for (String cuts : cutSets(fixture)) {
                tests.add(DynamicTest.dynamicTest(fixture + " --cuts " + cuts, () -> {
                    for (int m : MICROBATCHES) check(fixture, cuts, m, inputs);
                }));
            }
        }
        return tests.stream();
    }

    /** One stage (no cut) through the pipelined runtime: microbatching alone must not change a bit. */
    @TestFactory
    Stream<DynamicTest> singleStagePipelineEqualsTheModel() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String fixture : Fixtures.NAMES) {
            tests.add(DynamicTest.dynamicTest(fixture + " as one stage", () -> {
                Module imported = ModelLoader.read(Fixtures.model(fixture));
                Map<String, Tensor> inputs = BatchInputs.make(imported, fixture, BATCH, 7);
                for (int m : MICROBATCHES) {
                    Module cleaned = cleanedForMicrobatch(fixture, inputs, m);
                    PipelineSpec.Builder b = PipelineSpec.builder(
                            Schedules.generate(ScheduleKind.FORWARD, 1, m, 1));
                    for (Value p : cleaned.main().params()) b.input(p.name(), fullBatch(p.type(), m));
                    for (Function.Output o : cleaned.main().outputs()) b.output(o.name(), fullBatch(o.value().type(), m));
                    var exe = Backend.find("cpu").compile(cleaned, cleaned.main(), new StageOptions(1, false));
                    b.stage(StageSpec.fromPorts(0, 0, exe));
                    Map<String, Tensor> piped;
                    try (Pipeline p = Pipeline.create(b.build())) {
                        piped = p.run(inputs);
                    }
                    Map<String, Tensor> reference = runByMicrobatch(cleaned, inputs, m);
                    for (String out : reference.keySet()) {
                        assertTrue(Tensor.bitwiseEqual(reference.get(out), piped.get(out)), fixture + " one stage, m=" + m + ": " + out + " differs");
                    }
                }
            }));
        }
        return tests.stream();
    }

    /** The fixture specialized to one of m microbatches of {@code inputs} and cleaned up. */
    private static Module cleanedForMicrobatch(String fixture, Map<String, Tensor> inputs, int m) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        inputs.forEach((k, v) -> shapes.put(k, MicrobatchSplitter.microbatchType(TensorType.of(v.dtype(), v.shape()), m).shape()));
        return new ModelLoader().inputShapes(shapes).load(Fixtures.model(fixture));
    }

    private static TensorType fullBatch(TensorType t, int m) {
        long[] s = t.shape();
        s[0] *= m;
        return TensorType.of(t.dtype(), s);
    }

    /** Every single cut at block granularity, after the last block too when ops follow it, and multi-cut sets. */
    static List<String> cutSets(String fixture) {
        Module cleaned = Fixtures.cleaned(fixture);
        BlockStructure blocks = BlockStructure.of(cleaned.main());
        int n = blocks.blocks().size();
        int last = blocks.hasOpsAfterLastBlock() ? n : n - 1;
        List<String> sets = new ArrayList<>();
        for (int k = 1; k <= last; k++) sets.add(Integer.toString(k));
        if (last >= 2) sets.add("1," + last);
        if (last >= 3) sets.add("1,2,3");
        sets.add("@" + firstBlockValue(cleaned, blocks) + (last >= 2 ? ",2" : ""));
        return sets;
    }

    /** A value inside the first block, for a cut at a value mixed with a block cut. */
    private static String firstBlockValue(Module cleaned, BlockStructure blocks) {
        String scope = "/" + blocks.blocks().get(0).name() + "/";
        return cleaned.main().ops().stream()
                .filter(op -> op.location() != null && op.location().startsWith(scope) && !op.results().isEmpty() && !op.is("ppc", "constant"))
                .map(op -> op.result(0).name()).findFirst().orElseThrow();
    }

    private void check(String fixture, String cuts, int m, Map<String, Tensor> inputs) {
        // The compiler rewrites the full-batch model for one microbatch; the reference is the model
        // specialized for one microbatch directly, so the two must agree bit for bit.
        Module fullBatch = new ModelLoader().inputShapes(Fixtures.shapes(inputs)).load(Fixtures.model(fixture));
        Module cleaned = cleanedForMicrobatch(fixture, inputs, m);
        Path bundle = dir.resolve(fixture + "-" + cuts.replaceAll("[^A-Za-z0-9]", "_") + "-m" + m + ".ppc");
        CompileResult r = dev.ppc.compiler.Compiler.compile(fullBatch, CompileOptions.withCuts(cuts).microbatches(m), bundle);
        Map<String, Tensor> piped;
        try (Pipeline p = Pipeline.load(bundle, LoadOptions.defaults())) {
            piped = p.run(inputs);
            assertEquals(r.plan().stages().size(), p.spec().stages().size());
        }
        Map<String, Tensor> reference = runByMicrobatch(cleaned, inputs, m);
        for (String out : reference.keySet()) {
            assertTrue(Tensor.bitwiseEqual(reference.get(out), piped.get(out)),
                    fixture + " --cuts " + cuts + " m=" + m + ": output " + out + " differs from the unpartitioned model (max |d| = "
                            + Fixtures.maxAbsDiff(reference.get(out), piped.get(out)) + ")");
        }
    }

    /**
     * The unpartitioned model on each microbatch in turn: one compiled stage, run on views of the
     * inputs' rows and writing into views of the full outputs.
     */
    static Map<String, Tensor> runByMicrobatch(Module cleaned, Map<String, Tensor> inputs, int m) {
        try (ExecutableStage stage = Backend.find("cpu").compile(cleaned, cleaned.main(), new StageOptions(1, false))) {
            List<Port> ins = stage.inputs(), outs = stage.outputs();
            Tensor[][] inViews = new Tensor[ins.size()][];
            for (int j = 0; j < inViews.length; j++) inViews[j] = MicrobatchSplitter.split(inputs.get(ins.get(j).name()), m);
            Map<String, Tensor> result = new LinkedHashMap<>();
            Tensor[][] outViews = new Tensor[outs.size()][];
            for (int j = 0; j < outViews.length; j++) {
                Tensor full = Tensor.allocate(outs.get(j).type().dtype(), fullBatch(outs.get(j).type(), m).shape());
                result.put(outs.get(j).name(), full);
                outViews[j] = MicrobatchSplitter.split(full, m);
            }
            for (int i = 0; i < m; i++) {
                Tensor[] in = new Tensor[inViews.length], out = new Tensor[outViews.length];
                for (int j = 0; j < in.length; j++) in[j] = inViews[j][i];
                for (int j = 0; j < out.length; j++) out[j] = outViews[j][i];
                stage.run(in, out);
            }
            return result;
        }
    }
}
