package dev.ppc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Tensor;
import dev.ppc.compiler.CompileOptions;
import dev.ppc.compiler.ModelLoader;
import dev.ppc.ir.Module;
import dev.ppc.runtime.LoadOptions;
import dev.ppc.runtime.Pipeline;
import dev.ppc.runtime.PipelineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection through a real kernel: stage 1 (on core 1) gathers rows of a table with
 * indices that are a model input; microbatch 3 carries an index out of range, so the Gather
 * kernel throws on core 1 at microbatch 3. The run must end promptly with that location in the
 * message, the pipeline must close, and no worker thread may be left.
 */
class PipelineFaultTest {
    static final String MODEL = """
            module @faulty opsets {"" = 17} {
              constant @w0 : f32[2,2] param = dense 0x0000803f00000000000000000000803f
              constant @w1 : f32[2,2] param = dense 0x00000040000000000000000000000040
              constant @table : f32[4,2] param = dense 0x0000803f0000004000004040000080400000a0400000c0400000e04000000041
              func @main(%x: f32[batch,2], %idx: i64[batch]) {
                %w0 = ppc.constant() {name = "w0"} : f32[2,2]
                %h0 = MatMul(%x, %w0) : f32[batch,2] loc("/layers.0/MatMul")
                %r0 = Relu(%h0) : f32[batch,2] loc("/layers.0/Relu")
                %w1 = ppc.constant() {name = "w1"} : f32[2,2]
                %h1 = MatMul(%r0, %w1) : f32[batch,2] loc("/layers.1/MatMul")
                %table = ppc.constant() {name = "table"} : f32[4,2]
                %g = Gather(%table, %idx) {axis = 0} : f32[batch,2] loc("/layers.1/Gather")
                %y = Add(%h1, %g) : f32[batch,2] loc("/layers.1/Add")
                return y = %y
              }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void kernelErrorOnCore1AtMicrobatch3StopsThePipelinePromptly() throws IOException {
        Path ir = dir.resolve("faulty.ppir");
        Files.writeString(ir, MODEL);
        int m = 4;
        Module cleaned = new ModelLoader().inputShapes(Map.of("x", new long[] {8, 2}, "idx", new long[] {8})).load(ir);
        Path bundle = dir.resolve("faulty.ppc");
        dev.ppc.compiler.Compiler.compile(cleaned, CompileOptions.withCuts("layers.0").microbatches(m), bundle);

        Tensor x = Tensor.ofFloats(new long[] {8, 2}, new float[16]);
        Tensor goodIdx = Tensor.ofLongs(new long[] {8}, 0, 1, 2, 3, 0, 1, 2, 3);
        Tensor badIdx = Tensor.ofLongs(new long[] {8}, 0, 1, 2, 3, 0, 1, 99, 3); // row 6 = microbatch 3
        try (Pipeline p = Pipeline.load(bundle, LoadOptions.defaults().withWatchdogTimeout(Duration.ZERO))) {
            assertEquals(2, p.spec().stages().size());
            Map<String, Tensor> ok = p.run(Map.of("x", x, "idx", goodIdx));
            assertEquals(1f, ok.get("y").getFloat(0));
            long t0 = System.nanoTime();
            PipelineException e = assertThrows(PipelineException.class, () -> p.run(Map.of("x", x, "idx", badIdx)));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 1.0, "the failing run took " + seconds + " s");
            assertEquals(1, e.core(), e.getMessage());
            assertEquals(1, e.stage(), e.getMessage());
            assertEquals(3, e.microbatch(), e.getMessage());
            assertTrue(e.getMessage().contains("core 1") && e.getMessage().contains("microbatch 3"), e.getMessage());
            assertTrue(e.getMessage().contains("Gather node '/layers.1/Gather'") && e.getMessage().contains("index 99"), e.getMessage());
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith(Pipeline.THREAD_PREFIX) && t.isAlive()),
                "worker threads are left after close");
    }
}
