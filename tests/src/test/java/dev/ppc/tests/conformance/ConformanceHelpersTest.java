package dev.ppc.tests.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.ir.DType;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.Value;
import dev.ppc.ir.text.IrParser;
import dev.ppc.ir.verify.Verifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of the conformance harness, each on a small hand-made case. */
class ConformanceHelpersTest {
    @TempDir
    Path dir;

    private static TensorData floats(float... v) { return TensorData.ofFloats(new long[] {v.length}, v); }

    @Test
    void floatsCompareWithinAtolPlusRtolAndNanEqualsNan() {
        double rtol = 1e-3, atol = 1e-5;
        assertTrue(TensorComparison.compare(floats(1000f, Float.NaN, 0f), floats(1000.9f, Float.NaN, 9e-6f), rtol, atol).ok());
        TensorComparison.Result r = TensorComparison.compare(floats(1000f), floats(1001.1f), rtol, atol);
        assertFalse(r.ok());
        assertTrue(r.mismatch().startsWith("element 0 is 1001.0999755859375, expected 1000.0"), r.mismatch());
        assertFalse(TensorComparison.compare(floats(Float.NaN), floats(1f), rtol, atol).ok());
        assertFalse(TensorComparison.compare(floats(Float.POSITIVE_INFINITY), floats(Float.NEGATIVE_INFINITY), rtol, atol).ok());
        assertTrue(TensorComparison.compare(floats(Float.POSITIVE_INFINITY), floats(Float.POSITIVE_INFINITY), rtol, atol).ok());
    }

    @Test
    void integersCompareExactlyAndDtypeAndShapeMustMatch() {
        TensorData a = TensorData.ofLongs(new long[] {2}, 1, Long.MAX_VALUE);
        assertTrue(TensorComparison.compare(a, TensorData.ofLongs(new long[] {2}, 1, Long.MAX_VALUE), 1, 1).ok());
        assertFalse(TensorComparison.compare(a, TensorData.ofLongs(new long[] {2}, 1, Long.MAX_VALUE - 1), 1, 1).ok());
        assertEquals("shape [1, 2], expected [2]", TensorComparison.compare(a, TensorData.ofLongs(new long[] {1, 2}, 1, 2), 1, 1).mismatch());
        assertEquals("dtype i32, expected i64",
                TensorComparison.compare(a, TensorData.ofIntegers(DType.I32, new long[] {2}, new long[] {1, 2}), 1, 1).mismatch());
    }

    @Test
    void limitationsNeedAReasonAndAUniqueSetQualifiedName() throws IOException {
        Limitations l = Limitations.parse(new BufferedReader(new StringReader("# comment\n\nnode/test_a   f64 MatMul: f32 only\n")));
        assertEquals("f64 MatMul: f32 only", l.reason("node/test_a"));
        assertNull(l.reason("node/test_b"));
        assertThrows(IllegalStateException.class, () -> Limitations.parse(new BufferedReader(new StringReader("node/test_a\n"))));
        assertThrows(IllegalStateException.class, () -> Limitations.parse(new BufferedReader(new StringReader("test_a reason\n"))));
        assertThrows(IllegalStateException.class, () -> Limitations.parse(new BufferedReader(new StringReader("node/a x\nnode/a y\n"))));
    }

    @Test
    void onlyInputsThatConfigureAnOpAreFrozen() {
        Module m = IrParser.parse("""
                module @m opsets {"" = 13} {
                  func @main(%x: f32[2,3], %shape: i64[2], %y: f32[3,2]) {
                    %r = Reshape(%x, %shape) : f32[?,?] loc("r")
                    %s = Add(%r, %y) : f32[?,?] loc("s")
                    return s = %s
                  }
                }
                """);
        Set<Value> config = ConfigOperands.configuringParams(m.main());
        assertEquals(List.of("shape"), config.stream().map(Value::name).toList());
        ConfigOperands.freeze(m, config.iterator().next(), TensorData.ofLongs(new long[] {2}, 3, 2));
        Verifier.verify(m);
        assertEquals(List.of("x", "y"), m.main().params().stream().map(Value::name).toList());
        Op first = m.main().ops().get(0);
        assertTrue(first.is("ppc", "constant"));
        assertEquals(first.result(), m.main().ops().get(1).operand(1));
        assertEquals(List.of(3L, 2L), java.util.Arrays.stream(m.constant(first.stringAttr("name", "")).data().toLongs()).boxed().toList());
    }

    @Test
    void testsAreLabelledWithTheOpTheirNameStartsWith() {
        OnnxTestCase reduce = new OnnxTestCase("node", "test_reduce_sum_keepdims_example", dir);
        assertEquals("ReduceSum", ConformanceReport.primaryOp(reduce, List.of("ReduceSum")));
        OnnxTestCase expanded = new OnnxTestCase("node", "test_softmax_axis_0_expanded", dir);
        assertEquals("Softmax (expanded)", ConformanceReport.primaryOp(expanded, List.of("ReduceMax", "Sub", "Exp", "ReduceSum", "Div")));
        OnnxTestCase op = new OnnxTestCase("pytorch-operator", "test_operator_add_broadcast", dir);
        assertEquals("Add", ConformanceReport.primaryOp(op, List.of("Add")));
        OnnxTestCase glu = new OnnxTestCase("pytorch-converted", "test_GLU", dir);
        assertEquals("Mul+Sigmoid+Split", ConformanceReport.primaryOp(glu, List.of("Split", "Sigmoid", "Mul")));
    }

    @Test
    void dataFilesAreOrderedByNumber() throws IOException {
        Path set = Files.createDirectories(dir.resolve("test_data_set_0"));
        for (String f : List.of("input_10.pb", "input_2.pb", "input_0.pb", "output_0.pb", "notes.txt")) Files.writeString(set.resolve(f), "");
        assertEquals(List.of("input_0.pb", "input_2.pb", "input_10.pb"),
                OnnxTestCase.inputs(set).stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(List.of(set), new OnnxTestCase("node", "t", dir).dataSets());
    }
}
