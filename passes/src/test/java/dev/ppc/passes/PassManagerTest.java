package dev.ppc.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.text.IrParser;
import dev.ppc.ir.text.IrPrinter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline syntax, the registry, and the manager's verification, printing and dumping. */
class PassManagerTest {
    static final String MODEL = """
            module @m opsets {"" = 17} {
              constant @axes : i64[1] = dense 0x0000000000000000
              func @main(%x: f32[batch,8]) {
                %s = Shape(%x) : i64[2] loc("/Shape")
                %0 = Identity(%x) : f32[batch,8]
                %axes = ppc.constant() {name = "axes"} : i64[1]
                %1 = Unsqueeze(%0, %axes) : f32[1,batch,8]
                return y = %1, s = %s
              }
            }
            """;

    // ---- pipeline syntax ----

    @Test
    void parsesNamesAndOptions() {
        List<PassRegistry.Entry> entries = PassRegistry.parse(" specialize-shapes{input_ids=2x8 attention_mask=2x8} , fold-constants{max-elements=16},dce ");
        assertEquals(3, entries.size());
        assertEquals("specialize-shapes", entries.get(0).name());
        assertEquals(Map.of("input_ids", "2x8", "attention_mask", "2x8"), entries.get(0).options());
        assertEquals(List.of("input_ids", "attention_mask"), new ArrayList<>(entries.get(0).options().keySet()));
        assertEquals(Map.of("max-elements", "16"), entries.get(1).options());
        assertEquals(Map.of(), entries.get(2).options());
        assertEquals(List.of(), PassRegistry.parse("  "));
        // Commas separate options too, and names may hold any character but '=' at the end.
        assertEquals(Map.of("onnx::input.1", "3", "b", ""), PassRegistry.parse("specialize-shapes{onnx::input.1=3,b=}").get(0).options());
    }

    @Test
    void pipelineSyntaxErrorsNameTheColumn() {
        assertEquals("pipeline 'dce,,cse', column 5: expected a pass name",
                assertThrows(IllegalArgumentException.class, () -> PassRegistry.parse("dce,,cse")).getMessage());
        assertEquals("pipeline 'dce cse', column 5: expected ',' after 'dce'",
                assertThrows(IllegalArgumentException.class, () -> PassRegistry.parse("dce cse")).getMessage());
        assertEquals("pipeline 'specialize-shapes{x=2', column 18: unclosed '{' in the options of 'specialize-shapes'",
                assertThrows(IllegalArgumentException.class, () -> PassRegistry.parse("specialize-shapes{x=2")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PassRegistry.parse("specialize-shapes{x}")).getMessage()
                .endsWith("option 'x' of 'specialize-shapes' is not KEY=VALUE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PassRegistry.parse("specialize-shapes{x=1 x=2}")).getMessage()
                .endsWith("option 'x' of 'specialize-shapes' is given twice"));
    }

    @Test
    void registryCreatesPassesAndRejectsUnknownOnes() {
        PassRegistry r = PassRegistry.standard();
        assertEquals(List.of("specialize-shapes", "fold-constants", "dce", "cse", "fuse-elementwise"), new ArrayList<>(r.names()));
        List<Pass> passes = r.createPipeline(PassRegistry.CLEANUP_PIPELINE);
        assertInstanceOf(SpecializeShapes.class, passes.get(0));
        assertInstanceOf(FoldConstants.class, passes.get(1));
        assertInstanceOf(DeadCodeElimination.class, passes.get(2));
        assertInstanceOf(CommonSubexpressionElimination.class, passes.get(3));
        assertEquals(16, ((FoldConstants) r.create("fold-constants", Map.of("max-elements", "16"))).maxElements());
        assertArrayEquals(new long[] {4, 12}, ((SpecializeShapes) r.createPipeline("specialize-shapes{ids=4x12}").get(0)).inputShapes().get("ids"));
        assertEquals("unknown pass 'DCE'; known passes: cse, dce, fold-constants, fuse-elementwise, specialize-shapes",
                assertThrows(IllegalArgumentException.class, () -> r.createPipeline("DCE")).getMessage());
        assertEquals("pass 'dce' takes no options, got [x]",
                assertThrows(IllegalArgumentException.class, () -> r.createPipeline("dce{x=1}")).getMessage());
        assertEquals("fold-constants has no option 'max'; it takes max-elements",
                assertThrows(IllegalArgumentException.class, () -> r.createPipeline("fold-constants{max=1}")).getMessage());
        assertEquals(FuseElementwise.DEFAULT_MAX_STEPS, ((FuseElementwise) r.create("fuse-elementwise", Map.of())).maxSteps());
        assertEquals(5, ((FuseElementwise) r.createPipeline("fuse-elementwise{max-steps=5}").get(0)).maxSteps());
        assertEquals("fuse-elementwise{max-steps=1}: must be at least 2",
                assertThrows(IllegalArgumentException.class, () -> r.createPipeline("fuse-elementwise{max-steps=1}")).getMessage());
        assertEquals("fuse-elementwise{max-steps=many}: not a number",
                assertThrows(IllegalArgumentException.class, () -> r.createPipeline("fuse-elementwise{max-steps=many}")).getMessage());
        assertEquals(5, r.summaries().size());
        assertThrows(IllegalArgumentException.class, () -> r.register("dce", o -> new DeadCodeElimination()));
    }

    // ---- running ----

    @Test
    void cleanupLeavesNoShapeIdentityOrSymbol() {
        Module m = IrParser.parse(MODEL);
        assertTrue(PassManager.cleanup(Map.of("x", new long[] {2, 8})).checkChangeReports(true).run(m));
        String ir = IrPrinter.print(m);
        assertFalse(ir.contains("Shape("), ir);
        assertFalse(ir.contains("Identity("), ir);
        assertTrue(ir.contains("%1 = Unsqueeze(%x, %axes) : f32[1,2,8]"), ir);
        assertFalse(ir.contains("batch"), ir);
        assertEquals("specialize-shapes,fold-constants,dce,cse", PassManager.cleanup(Map.of()).pipelineNames());
    }

    @Test
    void printsIrAfterTheNamedPassesOnly() {
        Module m = IrParser.parse(MODEL);
        List<String> printed = new ArrayList<>();
        PassManager.parse("specialize-shapes{x=2x8},fold-constants,dce").printIrAfter(Set.of("fold-constants"), printed::add).run(m);
        assertEquals(1, printed.size());
        assertTrue(printed.get(0).startsWith("// ----- IR after fold-constants -----\nmodule @m"), printed.get(0));
        // fold-constants folds Shape but leaves dead ops to dce.
        assertTrue(printed.get(0).contains("%s = ppc.constant()"), printed.get(0));
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () -> PassManager.parse("dce").printIrAfter(Set.of("fold-constant"), s -> {}));
        assertEquals("--print-ir-after: unknown pass 'fold-constant'; known passes: cse, dce, fold-constants, fuse-elementwise, specialize-shapes (or all)", typo.getMessage());
        List<String> all = new ArrayList<>();
        PassManager.parse("fold-constants,dce").printIrAfter(Set.of(PassManager.ALL_PASSES), all::add).run(IrParser.parse(MODEL));
        assertEquals(2, all.size());
        assertTrue(all.get(1).startsWith("// ----- IR after dce -----\n"), all.get(1));
    }

    @Test
    void dumpsTheIrBeforeAndAfterEveryPass(@TempDir Path dir) throws IOException {
        Module m = IrParser.parse(MODEL);
        Path dump = dir.resolve("dump");
        PassManager.parse("fold-constants,dce").dumpTo(dump).run(m);
        List<String> files;
        try (Stream<Path> s = Files.list(dump)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("00-input.ppir", "01-fold-constants.ppir", "02-dce.ppir"), files);
        assertEquals(IrPrinter.print(IrParser.parse(MODEL)), Files.readString(dump.resolve("00-input.ppir")));
        assertEquals(IrPrinter.print(m), Files.readString(dump.resolve("02-dce.ppir")));
    }

    /** A pass that breaks SSA: it moves the last op to the front. */
    static final class BreakingPass implements Pass {
        public String name() { return "break-ssa"; }

        public String summary() { return "moves the last op first"; }

        public boolean run(Module module) {
            Function f = module.main();
            List<Op> order = new ArrayList<>(f.ops());
            order.add(0, order.remove(order.size() - 1));
            f.reorder(order);
            return true;
        }
    }

    /** A pass that changes the IR but says it did not. */
    static final class LyingPass implements Pass {
        public String name() { return "lie"; }

        public String summary() { return "renames an op's location and reports no change"; }

        public boolean run(Module module) {
            module.main().ops().get(0).setLocation("elsewhere");
            return false;
        }
    }

    @Test
    void verifierRunsAfterEveryPassAndNamesTheCulprit() {
        PassRegistry r = PassRegistry.standard().register("break-ssa", PassRegistry.withoutOptions("break-ssa", BreakingPass::new));
        IrException e = assertThrows(IrException.class, () -> new PassManager(r).addPipeline("dce,break-ssa,cse").run(IrParser.parse(MODEL)));
        assertTrue(e.getMessage().startsWith("the IR after pass 'break-ssa' does not verify (a bug in the pass): "), e.getMessage());
        // With verification off the broken IR goes through unnoticed.
        new PassManager(r).addPipeline("break-ssa").verify(false).run(IrParser.parse(MODEL));
    }

    @Test
    void invalidInputIsReportedBeforeAnyPassRuns() {
        Module m = IrParser.parse(MODEL.replace(": f32[1,batch,8]", ": f32[2,batch,8]"));
        IrException e = assertThrows(IrException.class, () -> PassManager.parse("dce").run(m));
        assertTrue(e.getMessage().startsWith("the input IR does not verify: Unsqueeze op: result %1 is declared"), e.getMessage());
    }

    @Test
    void changeReportsAreChecked() {
        PassManager pm = new PassManager().add(new LyingPass());
        assertFalse(pm.run(IrParser.parse(MODEL)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pm.checkChangeReports(true).run(IrParser.parse(MODEL)));
        assertEquals("pass 'lie' reported no change but changed the IR", e.getMessage());
    }

    @Test
    void userErrorsFromPassesPassThroughUnchanged() {
        IrException e = assertThrows(IrException.class, () -> PassManager.parse("specialize-shapes{y=2x8}").run(IrParser.parse(MODEL)));
        assertEquals("specialize-shapes: the model has no input 'y'; its inputs are x", e.getMessage());
    }
}
