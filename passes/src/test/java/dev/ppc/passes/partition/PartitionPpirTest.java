package dev.ppc.passes.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ppc.ir.Module;
import dev.ppc.ir.testing.PpirTestFile;
import dev.ppc.ir.text.IrParser;
import dev.ppc.ir.text.IrPrinter;
import dev.ppc.ir.verify.Verifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs passes/src/test/resources/ppir/partition. RUN syntax: {@code // RUN: partition{cuts=SPEC}}
 * (SPEC exactly as for {@code --cuts}, commas included) or {@code // RUN: partition{stages=N}}.
 * The file's first RUN line applies to every case; a case may carry its own RUN line, which then
 * applies to that case. The output matched by the CHECK lines is the partitioned module's text
 * followed by {@link PartitionPlan#toText()}.
 */
class PartitionPpirTest {
    private static final Pattern RUN = Pattern.compile("//\\s*RUN:\\s*partition\\{(cuts|stages)=(.*)}\\s*$");

    @TestFactory
    Stream<DynamicTest> partitionFiles() throws IOException {
        return PpirTestFile.tests(Path.of("src/test/resources/ppir/partition"), PartitionPpirTest::run);
    }

    static String run(String fileRun, String text) {
        String run = "// RUN: " + fileRun;
        for (String line : text.split("\n")) if (line.trim().startsWith("// RUN:")) run = line.trim();
        Matcher m = RUN.matcher(run);
        if (!m.matches()) throw new IllegalArgumentException("unknown RUN line: " + run + " (expected partition{cuts=SPEC} or partition{stages=N})");
        CutSpec spec = m.group(1).equals("stages") ? CutSpec.automatic(Integer.parseInt(m.group(2).trim())) : CutSpec.parse(m.group(2));
        String out = partitionAndPrint(text, spec);
        // The pass is deterministic: a second run on a fresh parse prints the same bytes.
        assertEquals(out, partitionAndPrint(text, spec), "partitioning twice must give identical output");
        return out;
    }

    private static String partitionAndPrint(String text, CutSpec spec) {
        Module m = IrParser.parse(text, "case");
        Verifier.verify(m);
        PartitionPass.Result r = PartitionPass.run(m, spec);
        String printed = IrPrinter.print(r.module());
        assertEquals(printed, IrPrinter.print(IrParser.parse(printed)), "the partitioned module must round-trip through its text form");
        return printed + r.plan().toText();
    }
}
