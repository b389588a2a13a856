package dev.ppc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.io.Npz;
import dev.ppc.bundle.BundleReader;
import dev.ppc.compiler.CompileOptions;
import dev.ppc.compiler.ModelLoader;
import dev.ppc.ir.DType;
import dev.ppc.ir.Module;
import dev.ppc.ir.TensorType;
import dev.ppc.passes.batch.BatchAxisChoice;
import dev.ppc.passes.batch.BatchAxisException;
import dev.ppc.runtime.InputMismatchException;
import dev.ppc.runtime.LoadOptions;
import dev.ppc.runtime.Pipeline;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Microbatching splits the batch axis the compiler proved, not axis 0. The fixtures are PyTorch's
 * sequence-first {@code nn.TransformerEncoder} (src [seq 6, batch 4, d 16]; {@code fixtures/seqfirst.py})
 * exported with dynamic axes {0: seq, 1: batch} and with a fixed batch, and GPT-2 with its batch
 * fixed at 2. Each pipelined run must match the model run whole as one stage (within 1e-5: other
 * batch sizes may take other BLAS kernels) and PyTorch (within 1e-4).
 */
class BatchAxisTest {
    private static final Path SEQFIRST = Fixtures.ROOT.resolve("seqfirst");
    private static final Path SEQFIRST_FIXED = Fixtures.ROOT.resolve("seqfirst-fixed");

    @TempDir
    Path dir;

    private static Map<String, Tensor> npz(Path fixture, String file) { return Npz.read(fixture.resolve(file)); }

    private static Module cleaned(Path fixture) {
        return new ModelLoader().inputShapes(Fixtures.shapes(npz(fixture, "inputs.npz"))).load(fixture.resolve("model.onnx"));
    }

    /** Compiles {@code full} into two stages (cut after layers.0) of m microbatches and runs it on the fixture's inputs. */
    private Tensor pipelined(Module full, Map<String, Integer> axes, int m, Map<String, Tensor> inputs, String output) {
        Path bundle = dir.resolve("b" + m + "-" + System.nanoTime() + ".ppc");
        dev.ppc.compiler.Compiler.compile(full, CompileOptions.withCuts("layers.0").microbatches(m).batchAxes(axes), bundle);
        try (Pipeline p = Pipeline.load(bundle, LoadOptions.defaults())) {
            assertEquals(2, p.spec().stages().size());
            Tensor out = p.run(inputs).get(output);
            assertEquals(inputs.values().iterator().next().dim(axes.values().iterator().next()), p.lastRunStats().batchSize(),
                    "samples are counted along the batch axis");
            return out;
        }
    }

    private static void assertClose(Tensor expected, Tensor actual, double tolerance, String what) {
        assertTrue(expected.hasShape(actual.shape()), what + ": shape " + actual + " vs " + expected);
        double d = Fixtures.maxAbsDiff(expected, actual);
        assertTrue(d <= tolerance, what + ": max |diff| " + d + " > " + tolerance);
    }

    @Test
    void aSequenceFirstEncoderIsSplitAlongItsBatchAxis() {
        Map<String, Integer> axes = BatchAxisChoice.choose(ModelLoader.read(SEQFIRST.resolve("model.onnx")).main(), Map.of());
        assertEquals(Map.of("src", 1), axes, "the dim named 'batch' is axis 1");
        Map<String, Tensor> inputs = npz(SEQFIRST, "inputs.npz");
        Tensor torch = npz(SEQFIRST, "outputs.npz").get("out");
        Module full = cleaned(SEQFIRST);
        Tensor whole = Fixtures.runOneStage(full, inputs, 1).get("out");
        assertClose(torch, whole, 1e-4, "one stage vs torch");
        for (int m : new int[] {2, 4}) {
            Tensor out = pipelined(full, axes, m, inputs, "out");
            assertClose(whole, out, 1e-5, "m=" + m + " vs one stage");
            assertClose(torch, out, 1e-4, "m=" + m + " vs torch");
        }
    }

    @Test
    void alongTheSequenceTheAttentionIsNamedAndTheBatchAxisSuggested() {
        Module full = cleaned(SEQFIRST);
        BatchAxisException e = assertThrows(BatchAxisException.class, () -> dev.ppc.compiler.Compiler.compile(full,
                CompileOptions.withCuts("layers.0").microbatches(2).batchAxes(Map.of("src", 0)), dir.resolve("refused.ppc")));
        assertEquals("cannot microbatch along input src axis 0: MatMul node '/layers.0/self_attn/MatMul_1' pairs every sample with every "
                + "other sample (attention over the batch axis); choose the batch axis with --batch-axis src=1", e.getMessage());
        assertFalse(dir.resolve("refused.ppc").toFile().exists(), "nothing is written");
    }

    @Test
    void aFixedBatchExportIsRebatched() {
        Module full = cleaned(SEQFIRST_FIXED);
        assertEquals(TensorType.of(DType.F32, 6, 4, 16), full.main().params().get(0).type());
        // Without names, the default is axis 0, which the proof refuses and corrects.
        BatchAxisException e = assertThrows(BatchAxisException.class, () -> dev.ppc.compiler.Compiler.compile(full,
                CompileOptions.withCuts("layers.0").microbatches(2), dir.resolve("axis0.ppc")));
        assertTrue(e.getMessage().endsWith("; choose the batch axis with --batch-axis src=1"), e.getMessage());
        Map<String, Tensor> inputs = npz(SEQFIRST_FIXED, "inputs.npz");
        Tensor whole = Fixtures.runOneStage(full, inputs, 1).get("out");
        for (int m : new int[] {2, 4}) {
            Tensor out = pipelined(full, Map.of("src", 1), m, inputs, "out");
            assertClose(whole, out, 1e-5, "fixed, m=" + m + " vs one stage");
            assertClose(npz(SEQFIRST_FIXED, "outputs.npz").get("out"), out, 1e-4, "fixed, m=" + m + " vs torch");
        }
    }

    @Test
    void gpt2WithAFixedBatchOfTwoRunsInTwoMicrobatches() {
        // GPT-2 as torch.onnx.export writes it without dynamic axes: input_ids is [2, 8], and clean-up
        // folds the head split's shape into constants that hold the batch 2.
        Module fixed = ModelLoader.read(Fixtures.model("gpt2"));
        fixed.main().params().get(0).setType(TensorType.of(DType.I64, 2, 8));
        new ModelLoader().cleanup(fixed);
        Map<String, Tensor> inputs = Fixtures.inputs("gpt2");
        Tensor whole = Fixtures.runOneStage(fixed, inputs, 1).get("logits");
        Path bundle = dir.resolve("gpt2-fixed.ppc");
        dev.ppc.compiler.Compiler.compile(fixed, CompileOptions.withCuts("1,2").microbatches(2), bundle);
        assertEquals(TensorType.of(DType.I64, 1, 8), BundleReader.read(bundle).stages().get(0).main().params().get(0).type());
        Tensor out;
        try (Pipeline p = Pipeline.load(bundle, LoadOptions.defaults())) {
            out = p.run(inputs).get("logits");
        }
        assertClose(whole, out, 1e-5, "gpt2 fixed batch, m=2 vs one stage");
        // And bit for bit what the dynamic export, specialized for a microbatch of 1, computes.
        Module micro = new ModelLoader().inputShapes(Map.of("input_ids", new long[] {1, 8})).load(Fixtures.model("gpt2"));
        assertTrue(Tensor.bitwiseEqual(PipelineEquivalenceTest.runByMicrobatch(micro, inputs, 2).get("logits"), out));
    }

    @Test
    void aBundleWhoseAxesAreUnprovenRunsAsOneMicrobatchOnly() {
        Module full = cleaned(SEQFIRST);
        Path bundle = dir.resolve("unproven.ppc");
        dev.ppc.compiler.Compiler.compile(full, CompileOptions.withCuts("layers.0").batchAxes(Map.of("src", 0)), bundle);
        assertFalse(BundleReader.read(bundle).manifest().batch().proven());
        Map<String, Tensor> inputs = npz(SEQFIRST, "inputs.npz");
        try (Pipeline p = Pipeline.load(bundle, LoadOptions.defaults())) {
            assertClose(Fixtures.runOneStage(full, inputs, 1).get("out"), p.run(inputs).get("out"), 1e-5, "unproven, m=1");
        }
        InputMismatchException e = assertThrows(InputMismatchException.class,
                () -> Pipeline.load(bundle, LoadOptions.defaults().withMicrobatches(2)).close());
        assertTrue(e.getMessage().contains("was compiled for 1 microbatch without a proof that its batch axes keep samples apart"), e.getMessage());
    }
}
