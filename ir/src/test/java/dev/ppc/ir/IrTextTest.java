package dev.ppc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.ir.testing.PpirTestFile;
import dev.ppc.ir.text.IrParser;
import dev.ppc.ir.text.IrPrinter;
import dev.ppc.ir.verify.Verifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class IrTextTest {
    /** Runs ir/src/test/resources/ppir: each case is parsed, verified, printed, and must round-trip. */
    @TestFactory
    Stream<DynamicTest> ppirFiles() throws IOException {
        return PpirTestFile.tests(Path.of("src/test/resources/ppir"), (run, text) -> {
            if (!run.equals("verify")) throw new IllegalArgumentException("unknown RUN: " + run);
            Module m = IrParser.parse(text, "case");
            Verifier.verify(m);
            String printed = IrPrinter.print(m);
            assertEquals(printed, IrPrinter.print(IrParser.parse(printed)), "print(parse(print(m))) must equal print(m)");
            return printed;
        });
    }

    static final String CANONICAL = """
            module @m opsets {"" = 17, ppc = 1} {
              constant @w : f32[2,2] param = dense 0x0000803f000000400000404000008040
              constant @big : f32[128,4] param = external
              constant @s : str[2] = dense ["a\\"b", "\\n"]
              func @main(%x: f32[batch,2], %"onnx::weird name": i64[*], %y: f32[]) {
                %w = ppc.constant() {name = "w"} : f32[2,2]
                %0 = MatMul(%x, %w) : f32[batch,2] loc("/layers.0/MatMul")
                %1 = Add(%0, %y) : f32[batch,2]
                %a, %b = Split(%1) {axis = 1, num_outputs = 2} : f32[batch,1], f32[batch,1]
                %2 = Clip(%a, none, %y) : f32[batch,1]
                %3 = LeakyRelu(%2) {alpha = 1.0E-5} : f32[batch,1]
                %4 = Transpose(%3) {perm = [1, 0]} : f32[1,batch]
                %5 = ConstantOfShape(%"onnx::weird name") {value = tensor<f32[1] dense 0x0000c07f>} : f32[*]
                %6 = Pad(%x, %"onnx::weird name") {mode = "constant", pads = ints[]} : f32[?,?]
                return out = %4, "odd output" = %b, z = %5
              }
            }
            """;

    @Test
    void printParseIsIdentityOnCanonicalText() {
        Module m = IrParser.parse(CANONICAL);
        assertEquals(CANONICAL, IrPrinter.print(m));
    }

    @Test
    void floatsKeepTheirBits() {
        float[] values = {Float.MIN_VALUE, Float.MAX_VALUE, -0.0f, 1e-45f, 0.1f, 3.4028235e38f, Float.NaN, Float.NEGATIVE_INFINITY};
        for (float v : values) {
            String text = "module @m opsets {\"\" = 17} {\n  func @f(%x: f32[2]) {\n    %0 = LeakyRelu(%x) {alpha = "
                    + (Float.isNaN(v) ? "nan" : Float.isInfinite(v) ? "-inf" : Float.toString(v)) + "} : f32[2]\n    return y = %0\n  }\n}\n";
            Module m = IrParser.parse(text);
            float back = m.main().ops().get(0).floatAttr("alpha", 0);
            assertEquals(Float.floatToIntBits(v), Float.floatToIntBits(back));
            assertEquals(text, IrPrinter.print(m));
        }
    }

    @Test
    void syntaxErrorsNameLineAndColumn() {
        IrException e = assertThrows(IrException.class, () -> IrParser.parse("module @m opsets {} {\n  func @f( {\n}\n}\n", "bad.ppir"));
        assertTrue(e.getMessage().startsWith("bad.ppir:2:"), e.getMessage());
    }

    @Test
    void undefinedValueIsReported() {
        IrException e = assertThrows(IrException.class, () -> IrParser.parse(
                "module @m opsets {\"\" = 17} {\n  func @f(%x: f32[2]) {\n    %0 = Relu(%nope) : f32[2]\n    return y = %0\n  }\n}\n"));
        assertTrue(e.getMessage().contains("%nope is used before it is defined"), e.getMessage());
    }

    @Test
    void opsetVersionOutOfRangeIsReported() {
        IrException e = assertThrows(IrException.class, () -> IrParser.parse("module @m opsets {\"\" = 4294967313} {\n}\n", "big.ppir"));
        assertTrue(e.getMessage().startsWith("big.ppir:1:24: opset version 4294967313 is out of range"), e.getMessage());
    }

    @Test
    void unicodeEscapeNeedsFourHexDigits() {
        IrException e = assertThrows(IrException.class, () -> IrParser.parse("module @\"a\\u12\" opsets {} {\n}\n", "esc.ppir"));
        assertTrue(e.getMessage().startsWith("esc.ppir:1:"), e.getMessage());
        assertEquals("a\u1234", IrParser.parse("module @\"a\\u1234\" opsets {} {\n}\n").name());
    }
}
