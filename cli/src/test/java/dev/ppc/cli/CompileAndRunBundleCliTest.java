package dev.ppc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.io.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompileAndRunBundleCliTest {
    static final Path FIXTURES = InspectAndRunCliTest.FIXTURES;

    @TempDir
    Path dir;

    private String mlp() { return FIXTURES.resolve("mlp/model.onnx").toString(); }

    private String gpt2() { return FIXTURES.resolve("gpt2/model.onnx").toString(); }

    @Test
    void seedExampleFiveLinearsCutAtTheThird() {
        Path out = dir.resolve("mlp.ppc");
        CliRunner.run("compile", mlp(), "--cuts", "3", "--input", "x=4x32", "-o", out.toString()).assertOk();
        String table = CliRunner.run("inspect", out.toString()).assertOk().out();
        assertTrue(table.contains("stage 0 holds linears.0, linears.1, linears.2"), table);
        assertTrue(table.contains("stage 1 holds linears.3, linears.4"), table);
        assertTrue(table.contains("channel 0: stage 0 -> stage 1"), table);
    }

    @Test
    void compiledBundleRunsPipelinedAndMatchesTheModelBitForBit() throws IOException {
        Path bundle = dir.resolve("gpt2.ppc");
        CliRunner.run("compile", gpt2(), "--cuts", "1,2", "--input", "input_ids=2x8", "-o", bundle.toString()).assertOk();
        Path pipelined = dir.resolve("p.npz"), whole = dir.resolve("w.npz"), trace = dir.resolve("trace.json");
        CliRunner r = CliRunner.run("run", bundle.toString(), "--inputs", FIXTURES.resolve("gpt2/inputs.npz").toString(),
                "--output", pipelined.toString(), "--trace", trace.toString()).assertOk();
        assertTrue(r.out().contains("samples/s") && r.out().contains("measured bubble"), r.out());
        CliRunner.run("run", gpt2(), "--inputs", FIXTURES.resolve("gpt2/inputs.npz").toString(), "--output", whole.toString()).assertOk();
        Map<String, Tensor> a = Npz.read(pipelined), b = Npz.read(whole);
        assertTrue(Tensor.bitwiseEqual(a.get("logits"), b.get("logits")), "3-stage bundle (m=1) must equal the unpartitioned model bit for bit");
        JsonNode t = new ObjectMapper().readTree(trace.toFile());
        assertTrue(t.get("traceEvents").size() > 0);
    }

    @Test
    void onnxStagesAreWrittenOnRequest() {
        Path out = dir.resolve("mlp2.ppc");
        CliRunner.run("compile", mlp(), "--cuts", "2", "--input", "x=4x32", "--emit", "onnx-stages", "-o", out.toString()).assertOk();
        assertTrue(Files.isRegularFile(out.resolve("core-0/stage.onnx")) && Files.isRegularFile(out.resolve("core-1/stage.onnx")));
        // A stage is a standalone ONNX model that ppc itself can import again.
        CliRunner.run("inspect", out.resolve("core-1/stage.onnx").toString()).assertOk();
    }

    @Test
    void cutErrorsAreOneLineWithExitStatus2() {
        String o = dir.resolve("x.ppc").toString();
        CliRunner.run("compile", gpt2(), "--cuts", "h.7", "--input", "input_ids=2x8", "-o", o).assertUserError("no module scope is named 'h.7' (nearest:");
        CliRunner.run("compile", gpt2(), "--cuts", "@nope", "--input", "input_ids=2x8", "-o", o).assertUserError("no value is named 'nope'");
        CliRunner.run("compile", gpt2(), "--cuts", "2,1", "--input", "input_ids=2x8", "-o", o).assertUserError("list the cuts in pipeline order");
        CliRunner.run("compile", gpt2(), "--cuts", "1,1", "--input", "input_ids=2x8", "-o", o).assertUserError("repeats cut");
        CliRunner.run("compile", mlp(), "--cuts", "5", "--input", "x=4x32", "-o", o).assertUserError("empty");
        CliRunner.run("compile", mlp(), "--cuts", "1,2,3,4,5,6", "--input", "x=4x32", "-o", o).assertUserError("blocks");
        CliRunner.run("compile", gpt2(), "--stages", "2", "--input", "input_ids=2x8", "-o", o).assertUserError("automatic partitioning is not implemented yet; use --cuts");
        CliRunner.run("compile", gpt2(), "--cuts", "1", "--stages", "2", "-o", o).assertUserError("mutually exclusive");
        CliRunner.run("compile", gpt2(), "--cuts", "1", "-o", o).assertUserError("give its full-batch shape with --input input_ids=");
        CliRunner.run("compile", gpt2(), "--cuts", "1", "--input", "input_ids=3x8", "--microbatches", "2", "-o", o)
                .assertUserError("does not divide into 2 microbatches; use one of 1, 3");
        CliRunner.run("compile", gpt2(), "--cuts", "1", "--input", "input_ids=2x8", "--schedule", "1f1b", "-o", o).assertUserError("training schedule");
        CliRunner.run("compile", gpt2(), "--cuts", "1", "--input", "input_ids=2x8", "--schedule", "bogus", "-o", o).assertUserError("--schedule bogus");
    }

    @Test
    void tamperedBundlesAreRefused() throws IOException {
        Path bundle = dir.resolve("t.ppc");
        CliRunner.run("compile", mlp(), "--cuts", "3", "--input", "x=4x32", "-o", bundle.toString()).assertOk();
        String inputs = FIXTURES.resolve("mlp/inputs.npz").toString();
        byte[] program = Files.readAllBytes(bundle.resolve("core-1/program.ppir"));
        program[program.length / 2] ^= 1;
        Files.write(bundle.resolve("core-1/program.ppir"), program);
        CliRunner.run("run", bundle.toString(), "--inputs", inputs).assertUserError("core-1/program.ppir");
        CliRunner.run("inspect", bundle.toString()).assertUserError("core-1/program.ppir");

        Path b2 = dir.resolve("t2.ppc");
        CliRunner.run("compile", mlp(), "--cuts", "3", "--input", "x=4x32", "-o", b2.toString()).assertOk();
        byte[] w = Files.readAllBytes(b2.resolve("core-0/weights.safetensors"));
        Files.write(b2.resolve("core-0/weights.safetensors"), java.util.Arrays.copyOf(w, w.length - 10));
        CliRunner.run("run", b2.toString(), "--inputs", inputs).assertUserError("core-0/weights.safetensors");
    }

    @Test
    void runBundleWithWrongBatchSaysWhichSizesWork() throws IOException {
        Path bundle = dir.resolve("b.ppc");
        CliRunner.run("compile", mlp(), "--cuts", "3", "--input", "x=4x32", "--microbatches", "2", "-o", bundle.toString()).assertOk();
        Path in = dir.resolve("in.npz");
        Npz.write(in, Map.of("x", Tensor.ofFloats(new long[] {6, 32}, new float[6 * 32])), false);
        CliRunner.run("run", bundle.toString(), "--inputs", in.toString()).assertUserError("the batch size that works is 4");
        // The stages run one microbatch of 2 rows; at run time another count takes another batch.
        Path eight = dir.resolve("eight.npz");
        Npz.write(eight, Map.of("x", Tensor.ofFloats(new long[] {8, 32}, new float[8 * 32])), false);
        CliRunner r = CliRunner.run("run", bundle.toString(), "--inputs", eight.toString(), "--microbatches", "4").assertOk();
        assertTrue(r.out().contains("4 microbatch(es)"), r.out());
    }

    @Test
    void bundlesCanBeZipArchives() throws IOException {
        Path zip = dir.resolve("mlp.ppc.zip"), plain = dir.resolve("mlp.ppc");
        CliRunner.run("compile", mlp(), "--cuts", "3", "--input", "x=4x32", "-o", zip.toString()).assertOk();
        CliRunner.run("compile", mlp(), "--cuts", "3", "--input", "x=4x32", "-o", plain.toString()).assertOk();
        assertTrue(Files.isRegularFile(zip));
        Path a = dir.resolve("a.npz"), b = dir.resolve("b.npz");
        String inputs = FIXTURES.resolve("mlp/inputs.npz").toString();
        CliRunner.run("run", zip.toString(), "--inputs", inputs, "--output", a.toString()).assertOk();
        CliRunner.run("run", plain.toString(), "--inputs", inputs, "--output", b.toString()).assertOk();
        assertTrue(Tensor.bitwiseEqual(Npz.read(a).get("y"), Npz.read(b).get("y")));
        assertTrue(CliRunner.run("inspect", zip.toString()).assertOk().out().contains("stage 0 holds linears.0, linears.1, linears.2"));
        Path junk = dir.resolve("junk.zip");
        Files.writeString(junk, "not a zip");
        CliRunner.run("run", junk.toString(), "--inputs", inputs).assertUserError("not a bundle directory or zip archive");
    }

    @Test
    void fourStagesOnTwoCoresGiveTheSameBits() throws IOException {
        Path bundle = dir.resolve("four.ppc");
        CliRunner.run("compile", mlp(), "--cuts", "1,2,3", "--input", "x=4x32", "--microbatches", "2", "-o", bundle.toString()).assertOk();
        String inputs = FIXTURES.resolve("mlp/inputs.npz").toString();
        Path a = dir.resolve("a.npz"), b = dir.resolve("b.npz");
        CliRunner r = CliRunner.run("run", bundle.toString(), "--inputs", inputs, "--output", a.toString()).assertOk();
        assertTrue(r.out().contains("4 stage(s) on 4 core(s)"), r.out());
        r = CliRunner.run("run", bundle.toString(), "--inputs", inputs, "--cores", "2", "--output", b.toString()).assertOk();
        assertTrue(r.out().contains("4 stage(s) on 2 core(s)"), r.out());
        assertTrue(Tensor.bitwiseEqual(Npz.read(a).get("y"), Npz.read(b).get("y")));
        CliRunner.run("run", bundle.toString(), "--inputs", inputs, "--cores", "3").assertUserError("use one of 1, 2, 4");
    }
}
