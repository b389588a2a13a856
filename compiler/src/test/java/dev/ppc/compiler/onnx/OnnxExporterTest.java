package dev.ppc.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.compiler.Fixtures;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.Value;
import dev.ppc.ir.text.IrParser;
import dev.ppc.passes.partition.CutSpec;
import dev.ppc.passes.partition.PartitionPass;
import dev.ppc.passes.partition.StageModules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export, then import again with {@link OnnxImporter}: the same ops, in order, with the same attributes and locations. */
class OnnxExporterTest {
    @TempDir
    Path tmp;

    /** Each non-ppc op as {@code Name{attrs} loc}, so attribute values take part in the comparison. */
    private static List<String> ops(Function f) {
        List<String> out = new ArrayList<>();
        for (Op op : f.ops()) if (!op.domain().equals("ppc")) out.add(op.qualifiedName() + op.attributes() + " " + op.location());
        return out;
    }

    private Module roundTrip(Module m, Function f, String file) throws IOException {
        Path p = tmp.resolve(file);
        Files.write(p, OnnxExporter.export(m, f).toByteArray());
        return OnnxImporter.importModel(p);
    }

    @Test
    void aStageRoundTrips() throws IOException {
        PartitionPass.Result r = PartitionPass.run(Fixtures.staticMlp(), CutSpec.parse("3"));
        for (int k = 0; k < 2; k++) {
            Module stage = StageModules.extract(r.module(), "stage" + k, "mlp.stage" + k);
            Module back = roundTrip(stage, stage.main(), "stage" + k + ".onnx");
            assertEquals(ops(stage.main()), ops(back.main()));
            for (Module.Constant c : stage.constants().values()) assertTrue(c.data().sameContents(back.constant(c.name()).data()), c.name());
        }
        // The received value is stage 1's graph input, under its name in the whole model; the sent one is stage 0's output.
        Module s1 = roundTrip(StageModules.extract(r.module(), "stage1", "s1"), r.module().function("stage1"), "s1.onnx");
        assertEquals(List.of("/linears.2/Gemm_output_0"), s1.main().params().stream().map(Value::name).toList());
        assertEquals(List.of("y"), s1.main().outputs().stream().map(Function.Output::name).toList());
        Module s0 = roundTrip(StageModules.extract(r.module(), "stage0", "s0"), r.module().function("stage0"), "s0.onnx");
        assertEquals(List.of("/linears.2/Gemm_output_0"), s0.main().outputs().stream().map(Function.Output::name).toList());
        assertEquals("f32[4,32]", s0.main().outputs().get(0).value().type().toString());
    }

    @Test
    void wholeModelsRoundTrip() throws IOException {
        for (String name : List.of("gpt2", "llama", "bert")) {
            Module m = Fixtures.importModel(name);
            Module back = roundTrip(m, m.main(), name + ".onnx");
            assertEquals(ops(m.main()), ops(back.main()), name);
            assertEquals(m.main().outputs().stream().map(o -> o.name() + ":" + o.value().type()).toList(),
                    back.main().outputs().stream().map(o -> o.name() + ":" + o.value().type()).toList(), name);
        }
    }

    @Test
    void anOutputNamedDifferentlyFromItsValueGoesThroughIdentity() throws IOException {
        Module m = IrParser.parse("""
                module @m opsets {"" = 17} {
                  func @main(%x: f32[2]) {
                    %a = Relu(%x) : f32[2]
                    return out = %a, again = %a
                  }
                }
                """);
        Module back = roundTrip(m, m.main(), "renamed.onnx");
        assertEquals(List.of("Relu", "Identity", "Identity"), back.main().ops().stream().map(Op::name).toList());
        assertEquals(List.of("out", "again"), back.main().outputs().stream().map(Function.Output::name).toList());
    }

    @Test
    void constantsWithoutDataCannotBeExported() {
        Module m = IrParser.parse("""
                module @m opsets {"" = 17} {
                  constant @w : f32[2] = external
                  func @main(%x: f32[2]) {
                    %w = ppc.constant() {name = "w"} : f32[2]
                    %a = Add(%x, %w) : f32[2]
                    return y = %a
                  }
                }
                """);
        IrException e = assertThrows(IrException.class, () -> OnnxExporter.export(m, m.main()));
        assertEquals("ppc.constant op: constant @w has no data to export; load the weights first", e.getMessage());
    }
}
