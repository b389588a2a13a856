package dev.ppc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.compiler.onnx.OnnxImporter;
import dev.ppc.ir.IrException;
import dev.ppc.tests.conformance.OnnxTestCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The legacy-opset models whose old meaning ppc cannot keep (generated with the runnable ones by
 * {@code src/test/resources/legacy-opsets/generate.py}) are refused at import with one line that
 * names the file, the node, the op version and the model's opset, says how to fix the model,
 * and contains the fragment stored beside the model in {@code error.txt}. Before the upgrader,
 * most of them imported and ran with NumPy broadcasting: a silently different result.
 */
class LegacyOpsetRefusalTest {
    static final String REFUSED_SET = "legacy-opsets-refused";

    @Test
    void everyLegacyModelWithoutAProvableMeaningIsRefusedInOneLine() throws IOException {
        List<OnnxTestCase> cases = OnnxTestCase.discover(OnnxConformanceTest.OWN_DATA, List.of(REFUSED_SET));
        assertEquals(7, cases.size(), "the models generate.py writes to " + REFUSED_SET);
        List<String> problems = new ArrayList<>();
        for (OnnxTestCase t : cases) {
            String fragment = Files.readString(t.dir().resolve("error.txt")).strip();
            String msg;
            try {
                OnnxImporter.importModel(t.model());
                problems.add(t.name() + " imported; expected a refusal containing: " + fragment);
                continue;
            } catch (IrException e) {
                msg = e.getMessage();
            }
            boolean ok = !msg.contains("\n") && msg.startsWith(t.model().toString()) && msg.contains("node '/legacy/")
                    && msg.contains("(the model imports opset ") && msg.contains("re-export the model with opset >= ") && msg.contains(fragment);
            if (!ok) problems.add(t.name() + ": expected one line naming the file, node, op version and fix, with '" + fragment + "'; got: " + msg);
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
