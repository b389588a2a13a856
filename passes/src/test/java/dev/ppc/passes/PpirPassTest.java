package dev.ppc.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ppc.ir.Module;
import dev.ppc.ir.testing.PpirTestFile;
import dev.ppc.ir.text.IrParser;
import dev.ppc.ir.text.IrPrinter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs passes/src/test/resources/ppir/cleanup and .../fusion: each case is parsed, run through the pipeline on its
 * {@code // RUN:} line (verified after every pass, with each pass's "no change" claims checked),
 * printed, and matched against its CHECK lines. Every case also checks that the printed result
 * parses back to the same text and that running the pipeline a second time changes nothing and
 * says so: the passes reach their fixpoint in one run.
 */
class PpirPassTest {
    @TestFactory
    Stream<DynamicTest> ppirFiles() throws IOException {
        return PpirTestFile.tests(Path.of("src/test/resources/ppir/cleanup"), PpirPassTest::runPipeline);
    }

    @TestFactory
    Stream<DynamicTest> fusionFiles() throws IOException {
        return PpirTestFile.tests(Path.of("src/test/resources/ppir/fusion"), PpirPassTest::runPipeline);
    }

    static String runPipeline(String pipeline, String text) {
        Module m = IrParser.parse(text, "case");
        PassManager.parse(pipeline).checkChangeReports(true).run(m);
        String printed = IrPrinter.print(m);
        assertEquals(printed, IrPrinter.print(IrParser.parse(printed)), "print(parse(print(m))) must equal print(m)");
        boolean changedAgain = PassManager.parse(pipeline).checkChangeReports(true).run(m);
        assertFalse(changedAgain, "a second run of '" + pipeline + "' reported a change:\n" + IrPrinter.print(m));
        assertEquals(printed, IrPrinter.print(m), "a second run of '" + pipeline + "' changed the IR");
        return printed;
    }
}
