package dev.ppc.passes.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ppc.ir.Module;
import dev.ppc.ir.testing.PpirTestFile;
import dev.ppc.ir.text.IrParser;
import dev.ppc.ir.text.IrPrinter;
import dev.ppc.ir.verify.Verifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs passes/src/test/resources/ppir/batch. RUN syntax:
 * {@code // RUN: batch-axis{NAME=AXIS ... microbatches=M}}: the batch-axis analysis of the case's
 * module with those input axes, then {@link Rebatch} for M microbatches. The file's first RUN line
 * applies to every case; a case may carry its own. The output matched by the CHECK lines is the
 * analysis ({@link BatchAxisAnalysis.Result#toText}) followed by the rebatched module's text; an
 * EXPECT-ERROR case expects the analysis to refuse.
 */
class BatchAxisPpirTest {
    private static final Pattern RUN = Pattern.compile("//\\s*RUN:\\s*batch-axis\\{(.*)}\\s*$");

    @TestFactory
    Stream<DynamicTest> batchFiles() throws IOException {
        return PpirTestFile.tests(Path.of("src/test/resources/ppir/batch"), BatchAxisPpirTest::run);
    }

    static String run(String fileRun, String text) {
        String run = "// RUN: " + fileRun;
        for (String line : text.split("\n")) if (line.trim().startsWith("// RUN:")) run = line.trim();
        Matcher m = RUN.matcher(run);
        if (!m.matches()) throw new IllegalArgumentException("unknown RUN line: " + run + " (expected batch-axis{NAME=AXIS ... microbatches=M})");
        Map<String, Integer> axes = new LinkedHashMap<>();
        int microbatches = 1;
        for (String option : m.group(1).trim().split("[\\s,]+")) {
            int eq = option.lastIndexOf('=');
            int value = Integer.parseInt(option.substring(eq + 1));
            if (option.startsWith("microbatches=")) microbatches = value;
            else axes.put(option.substring(0, eq), value);
        }
        Module module = IrParser.parse(text, "case");
        Verifier.verify(module);
        BatchAxisAnalysis.Result proof = BatchAxisAnalysis.analyze(module, axes);
        String analysis = proof.toText(module.main());
        Rebatch.apply(module, proof, microbatches);
        String printed = IrPrinter.print(module);
        assertEquals(printed, IrPrinter.print(IrParser.parse(printed)), "the rebatched module must round-trip through its text form");
        return analysis + printed;
    }
}
