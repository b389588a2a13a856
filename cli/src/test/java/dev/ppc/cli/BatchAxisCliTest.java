package dev.ppc.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ppc compile --batch-axis NAME=AXIS}: the default axis, the proof's refusal with its advice, and bad arguments. */
class BatchAxisCliTest {
    static final Path FIXTURES = InspectAndRunCliTest.FIXTURES;

    @TempDir
    Path dir;

    private String seqFirst() { return FIXTURES.resolve("seqfirst/model.onnx").toString(); }

    private String out() { return dir.resolve("out.ppc").toString(); }

    @Test
    void aSequenceFirstModelIsSplitAlongTheDimNamedBatch() {
        CliRunner r = CliRunner.run("compile", seqFirst(), "--cuts", "1", "--input", "src=6x4x16", "--microbatches", "2", "-o", out()).assertOk();
        assertTrue(r.out().contains("batch: input src axis 1 -> output out axis 1 (proven)"), r.out());
        assertTrue(r.out().contains("f32[6, 2, 16]"), r.out());
        CliRunner.run("run", out(), "--inputs", FIXTURES.resolve("seqfirst/inputs.npz").toString()).assertOk();
    }

    @Test
    void anAxisThatMixesSamplesIsRefusedWithTheNodeAndTheAxisThatWorks() {
        CliRunner.run("compile", seqFirst(), "--cuts", "1", "--input", "src=6x4x16", "--microbatches", "2", "--batch-axis", "src=0", "-o", out())
                .assertUserError("cannot microbatch along input src axis 0: MatMul node '/layers.0/self_attn/MatMul_1' pairs every sample with "
                        + "every other sample (attention over the batch axis); choose the batch axis with --batch-axis src=1");
        String fixed = FIXTURES.resolve("seqfirst-fixed/model.onnx").toString();
        CliRunner.run("compile", fixed, "--cuts", "1", "--microbatches", "2", "-o", out()).assertUserError("--batch-axis src=1");
        CliRunner r = CliRunner.run("compile", fixed, "--cuts", "1", "--microbatches", "4", "--batch-axis", "src=1", "-o", out()).assertOk();
        assertTrue(r.out().contains("f32[6, 1, 16]"), r.out());
    }

    @Test
    void badBatchAxisArgumentsAreOneLineErrors() {
        String[] base = {"compile", seqFirst(), "--cuts", "1", "--input", "src=6x4x16", "--microbatches", "2", "-o", out(), "--batch-axis"};
        CliRunner.run(append(base, "src")).assertUserError("--batch-axis src: expected NAME=AXIS, e.g. src=1");
        CliRunner.run(append(base, "tgt=1")).assertUserError("--batch-axis tgt=1: the model has no input 'tgt'; its inputs are src");
        CliRunner.run(append(base, "src=3")).assertUserError("--batch-axis src=3: input 'src' is f32[seq,batch,16], so its axes are 0 to 2");
        CliRunner.run(append(append(append(base, "src=1"), "--batch-axis"), "src=1")).assertUserError("--batch-axis src=1: input 'src' is given twice");
        CliRunner.run("compile", seqFirst(), "--cuts", "1", "--input", "src=6x3x16", "--microbatches", "2", "-o", out())
                .assertUserError("--microbatches 2: the batch of input 'src' (axis 1) is 3, which does not divide into 2 microbatches; use one of 1, 3");
    }

    private static String[] append(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }
}
