package dev.ppc.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.ir.Dim;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.text.IrParser;
import dev.ppc.ir.text.IrPrinter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The standard clean-up pipeline on the committed model fixtures (GPT-2, Llama, BERT and the MLP,
 * written as IR by {@code src/test/python/onnx_to_ppir.py} with every op result of unknown rank).
 * After {@code specialize-shapes,fold-constants,dce,cse} with every input's shape given, no
 * {@code Shape}, {@code Identity} or {@code Constant} op is left and every value is static; the
 * outputs have the shapes the models produce; and a second run changes nothing.
 */
class FixtureCleanupTest {
    /** Each fixture's outputs as (name, dims), with "b" and "s" standing for batch and sequence length. */
    static final Map<String, Map<String, List<String>>> OUTPUTS = Map.of(
            "mlp", Map.of("y", List.of("b", "32")),
            "gpt2", Map.of("logits", List.of("b", "s", "96")),
            "llama", Map.of("logits", List.of("b", "s", "96")),
            "bert", Map.of("last_hidden_state", List.of("b", "s", "64"), "pooler_output", List.of("b", "64")));

    @TestFactory
    Stream<DynamicTest> fixtures() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/fixtures"))) {
            files = s.filter(p -> p.toString().endsWith(".ppir")).sorted().toList();
        }
        assertEquals(OUTPUTS.keySet().size(), files.size(), "fixtures: " + files);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            for (long[] bs : new long[][] {{2, 8}, {3, 5}}) {
                tests.add(DynamicTest.dynamicTest(f.getFileName() + " at batch " + bs[0] + ", seq " + bs[1], () -> check(f, bs[0], bs[1])));
            }
        }
        return tests.stream();
    }

    static void check(Path file, long batch, long seq) throws IOException {
        Module m = IrParser.parse(Files.readString(file), file.toString());
        Function main = m.main();
        int opsBefore = main.ops().size();
        boolean hadShapeOps = main.ops().stream().anyMatch(op -> op.isOnnx("Shape") || op.isOnnx("Identity") || op.isOnnx("Constant"));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Value p : main.params()) shapes.put(p.name(), sizes(p.type(), batch, seq));

        assertTrue(PassManager.cleanup(shapes).checkChangeReports(true).run(m));

        for (Value p : main.params()) assertTrue(p.type().isStatic(), "parameter " + p);
        for (Op op : main.ops()) {
            assertFalse(op.isOnnx("Shape") || op.isOnnx("Identity") || op.isOnnx("Constant"), op.describe() + " survived the clean-up");
            for (Value r : op.results()) assertTrue(r.type().isStatic(), op.describe() + " has non-static result " + r);
        }
        String name = file.getFileName().toString().replace(".ppir", "");
        for (Map.Entry<String, List<String>> e : OUTPUTS.get(name).entrySet()) {
            Value out = main.outputs().stream().filter(o -> o.name().equals(e.getKey())).findFirst().orElseThrow().value();
            List<Dim> expected = new ArrayList<>();
            for (String d : e.getValue()) expected.add(Dim.of(d.equals("b") ? batch : d.equals("s") ? seq : Long.parseLong(d)));
            assertEquals(TensorType.of(out.type().dtype(), expected), out.type(), "output " + e.getKey());
        }
        if (hadShapeOps) assertTrue(main.ops().size() < opsBefore, "nothing was cleaned up");
        String cleaned = IrPrinter.print(m);
        assertFalse(PassManager.cleanup(shapes).checkChangeReports(true).run(m), "a second clean-up found more to do");
        assertEquals(cleaned, IrPrinter.print(m));
    }

    /** The input's shape with its symbols {@code batch} and {@code seq} replaced by sizes. */
    static long[] sizes(TensorType t, long batch, long seq) {
        long[] s = new long[t.rank()];
        for (int i = 0; i < s.length; i++) {
            Dim d = t.dim(i);
            if (d.isStatic()) s[i] = d.size();
            else if ("batch".equals(d.symbolName())) s[i] = batch;
            else if ("seq".equals(d.symbolName())) s[i] = seq;
            else throw new AssertionError("input dim " + d + " of " + t + " is neither batch nor seq");
        }
        return s;
    }
}
