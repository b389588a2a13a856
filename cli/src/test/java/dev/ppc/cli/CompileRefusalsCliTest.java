package dev.ppc.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ppc compile} on models the CPU backend cannot run (refused before any bundle is written,
 * every unsupported op named at once) and cut names written as PyTorch module paths.
 */
class CompileRefusalsCliTest {
    @TempDir
    Path dir;

    /** A nested model, as torch.onnx.export names it: two layers under /encoder/layers.N/. */
    private static final String NESTED = """
            module @enc opsets {"" = 17} {
              constant @w : f32[8,8] param = external
              func @main(%x: f32[4,8]) {
                %w = ppc.constant() {name = "w"} : f32[8,8]
                %q0 = MatMul(%x, %w) : f32[4,8] loc("/encoder/layers.0/attn/MatMul")
                %k0 = MatMul(%x, %w) : f32[4,8] loc("/encoder/layers.0/attn/MatMul_1")
                %h0 = Add(%q0, %k0) : f32[4,8] loc("/encoder/layers.0/Add")
                %q1 = MatMul(%h0, %w) : f32[4,8] loc("/encoder/layers.1/attn/MatMul")
                %k1 = MatMul(%h0, %w) : f32[4,8] loc("/encoder/layers.1/attn/MatMul_1")
                %h1 = Add(%q1, %k1) : f32[4,8] loc("/encoder/layers.1/Add")
                return y = %h1
              }
            }
            """;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text.replace("param = external", "param = dense 0x" + "0000803f".repeat(64)));
        return p;
    }

    @Test
    void aModelWithOpsTheCpuBackendCannotRunIsRefusedBeforeAnyBundleIsWritten() throws IOException {
        // Sin twice and TopK once have schemas but no CPU kernel; Abs runs, but not on f64.
        Path model = write("nokernel.ppir", """
                module @nokernel opsets {"" = 17} {
                  constant @k : i64[1] = dense 0x0200000000000000
                  func @main(%x: f32[2,3], %d: f64[2,3]) {
                    %k = ppc.constant() {name = "k"} : i64[1]
                    %s = Sin(%x) : f32[2,3] loc("/layers.0/Sin")
                    %v, %i = TopK(%s, %k) {axis = 1} : f32[2,2], i64[2,2] loc("/layers.0/TopK")
                    %s2 = Sin(%v) : f32[2,2] loc("/layers.1/Sin")
                    %a = Abs(%d) : f64[2,3] loc("/layers.1/Abs")
                    return v = %s2, a = %a, i = %i
                  }
                }
                """);
        Path out = dir.resolve("nokernel.ppc");
        CliRunner.run("compile", model.toString(), "--cuts", "1", "-o", out.toString()).assertUserError(model
                + ": 3 op types are not supported by the cpu backend: Sin (2 nodes, first '/layers.0/Sin'), TopK (1, '/layers.0/TopK'),"
                + " Abs (1, '/layers.1/Abs': ABS does not support dtype f64 (supported: f32, i64, i32)); no bundle was written");
        assertFalse(Files.exists(out), "no bundle directory may be left behind");
        // ppc inspect shows the same list, and succeeds.
        String summary = CliRunner.run("inspect", model.toString()).assertOk().out();
        assertTrue(summary.contains("3 op types are not supported by the cpu backend: Sin (2 nodes, first '/layers.0/Sin')"), summary);
    }

    @Test
    void cutsNamePyTorchModulePathsOfNestedModels() throws IOException {
        Path model = write("enc.ppir", NESTED);
        for (String cut : new String[] {"encoder.layers.0", "encoder/layers.0", "/encoder/layers/0", "layers.0", "1"}) {
            Path out = dir.resolve("enc-" + Math.abs(cut.hashCode()) + ".ppc");
            String table = CliRunner.run("compile", model.toString(), "--cuts", cut, "-o", out.toString()).assertOk().out();
            assertTrue(table.contains("channel 0: stage 0 -> stage 1, %h0"), cut + ":\n" + table);
            // The summary names the nested blocks each stage holds.
            assertTrue(table.contains("stage 0 holds encoder.layers.0") && table.contains("stage 1 holds encoder.layers.1"), cut + ":\n" + table);
        }
        CliRunner.run("compile", model.toString(), "--cuts", "enc.layers.9", "-o", dir.resolve("x.ppc").toString())
                .assertUserError("--cuts enc.layers.9: no module scope is named 'enc.layers.9' (nearest: ");
        CliRunner.run("compile", model.toString(), "--cuts", "enc.layers.9", "-o", dir.resolve("x.ppc").toString())
                .assertUserError("; the model's repeated blocks are encoder.layers.0 .. encoder.layers.1 (use --cuts 1 or a name)");
    }
}
