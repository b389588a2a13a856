package dev.ppc.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.text.IrParser;
import dev.ppc.ir.text.IrPrinter;
import dev.ppc.ir.verify.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Imports every model of the ONNX backend test data (Debian's libonnx-testdata). Each one must
 * either import, verify and round-trip through the IR text form, or be refused with a one-line
 * diagnostic that names the file and the node; nothing may crash. Prints the counts.
 */
class OnnxTestDataSweepTest {
    static final Path DATA = Path.of("/usr/share/libonnx-testdata/data");

    @Test
    void everyModelImportsOrIsRefusedWithADiagnostic() throws IOException {
        assertTrue(Files.isDirectory(DATA), "install the ONNX test data: apt-get install libonnx-testdata");
        List<Path> models;
        try (Stream<Path> s = Files.walk(DATA)) {
            models = s.filter(p -> p.getFileName().toString().equals("model.onnx")).sorted().toList();
        }
        int imported = 0, refused = 0;
        List<String> crashes = new ArrayList<>();
        Map<String, Integer> reasons = new TreeMap<>();
        Pattern unsupportedOp = Pattern.compile("op types? (?:is|are) not supported: ([^ ]+) \\(");
        for (Path model : models) {
            try {
                Module m = OnnxImporter.importModel(model);
                String text = IrPrinter.print(m);
                Module back = IrParser.parse(text, model.toString());
                Verifier.verify(back);
                assertEquals(text, IrPrinter.print(back), () -> model + ": print(parse(print(m))) differs");
                imported++;
            } catch (IrException e) {
                String msg = e.getMessage();
                if (msg.contains("\n") || !msg.startsWith(model.toString())) crashes.add(model + ": diagnostic is not one line naming the file: " + msg);
                Matcher op = unsupportedOp.matcher(msg);
                String reason = op.find() ? "unsupported op " + op.group(1)
                        : msg.substring(model.toString().length() + 2).replaceAll("'[^']*'", "'…'").replaceAll("[0-9]+", "N");
                reasons.merge(reason, 1, Integer::sum);
                refused++;
            } catch (RuntimeException | AssertionError e) {
                crashes.add(model + ": " + e);
            }
        }
        System.out.printf("ONNX test data: %d models, %d imported and round-tripped, %d refused with a diagnostic, %d crashed%n",
                models.size(), imported, refused, crashes.size());
        reasons.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(40)
                .forEach(e -> System.out.printf("  %4d  %s%n", e.getValue(), e.getKey()));
        crashes.stream().limit(30).forEach(c -> System.out.println("CRASH " + c));
        assertEquals(1072, models.size(), "expected the 1072 models of libonnx-testdata 1.12");
        assertTrue(crashes.isEmpty(), crashes.size() + " models crashed the importer; first: " + (crashes.isEmpty() ? "" : crashes.get(0)));
        assertFalse(imported < 500, "only " + imported + " models imported");
    }
}
