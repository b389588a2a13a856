package dev.ppc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ppc.bundle.BundleException;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.passes.partition.CutSpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry point the CLI calls: its option errors, and that it leaves the caller's module alone. */
class CompilerTest {
    @TempDir
    Path tmp;

    @Test
    void theCallersModuleIsNotPartitioned() {
        Module m = Fixtures.staticMlp();
        CompileResult r = Compiler.compile(m, CompileOptions.withCuts("linears.1"), tmp.resolve("a.ppc"));
        assertNotNull(m.function("main"));
        assertEquals(1, m.functions().size());
        assertEquals(2, r.plan().stageCount());
        assertEquals(2, r.summary().stages().size());
    }

    @Test
    void aModelTheTargetCannotRunIsRefusedWithEveryOpAndNothingIsWritten() {
        Module m = dev.ppc.ir.text.IrParser.parse("""
                module @m opsets {"" = 17} {
                  func @main(%x: f32[2,3]) {
                    %a = Floor(%x) : f32[2,3] loc("/l.0/Floor")
                    %b = Relu(%a) : f32[2,3] loc("/l.0/Relu")
                    %c = Floor(%b) : f32[2,3] loc("/l.1/Floor")
                    %d = Cos(%c) : f32[2,3] loc("/l.1/Cos")
                    return y = %d
                  }
                }
                """);
        Path out = tmp.resolve("floor.ppc");
        IrException e = assertThrows(IrException.class, () -> Compiler.compile(m, CompileOptions.withCuts("1"), out));
        assertEquals("model @m: 2 op types are not supported by the cpu backend: Floor (2 nodes, first '/l.0/Floor'), Cos (1, '/l.1/Cos');"
                + " no bundle was written", e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void aModelWithoutInputsCannotBeSplitIntoMicrobatches() {
        Module m = dev.ppc.ir.text.IrParser.parse("""
                module @m opsets {"" = 17} {
                  constant @c : f32[2] = dense 0x0000803f00000040
                  func @main() {
                    %c = ppc.constant() {name = "c"} : f32[2]
                    %a = Relu(%c) : f32[2] loc("/l.0/Relu")
                    %b = Neg(%a) : f32[2] loc("/l.1/Neg")
                    return y = %b
                  }
                }
                """);
        IrException e = assertThrows(IrException.class, () -> Compiler.compile(m, CompileOptions.withCuts("@a").microbatches(2), tmp.resolve("n.ppc")));
        assertEquals("--microbatches 2: the model has no inputs to split into microbatches; use --microbatches 1", e.getMessage());
    }

    @Test
    void stagesIsReserved() {
        CompileOptions opts = new CompileOptions(null, 4, 1, false, null);
        CutSpecException e = assertThrows(CutSpecException.class, () -> Compiler.compile(Fixtures.staticMlp(), opts, tmp.resolve("b.ppc")));
        assertEquals("--stages 4: automatic partitioning is not implemented yet; use --cuts", e.getMessage());
    }

    @Test
    void badMicrobatchCountsAndMissingCutsAreRefused() {
        IrException e = assertThrows(IrException.class,
                () -> Compiler.compile(Fixtures.staticMlp(), CompileOptions.withCuts("1").microbatches(0), tmp.resolve("c.ppc")));
        assertEquals("--microbatches 0: the microbatch count must be at least 1", e.getMessage());
        e = assertThrows(CutSpecException.class, () -> Compiler.compile(Fixtures.staticMlp(), new CompileOptions(null, null, 1, false, null), tmp.resolve("d.ppc")));
        assertEquals("say where to cut the pipeline: --cuts SPEC (e.g. --cuts 3 or --cuts layers.2,layers.5)", e.getMessage());
    }

    @Test
    void symbolicShapesAreRefusedByTheBundle() {
        Path out = tmp.resolve("e.ppc");
        BundleException e = assertThrows(BundleException.class, () -> Compiler.compile(Fixtures.importModel("mlp"), CompileOptions.withCuts("3"), out));
        assertEquals("bundle " + out + ": stage 0: %x has type f32[batch,32]; a bundle needs static shapes, so specialize the model's input shapes"
                + " first (--input NAME=SHAPE)", e.getMessage());
    }
}
