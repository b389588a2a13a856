package dev.ppc.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.ir.Module;
import dev.ppc.ir.text.IrParser;
import dev.ppc.ir.text.IrPrinter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every pass's {@code run} result: {@code true} on IR it applies to, {@code false} (with the IR
 * untouched) on IR it does not apply to. Also the {@code --input} shape syntax.
 */
class PassChangeReportTest {
    /** Static, folded, live, without duplicates: no clean-up pass has anything to do. */
    static final String CLEAN = """
            module @m opsets {"" = 17} {
              constant @w : f32[8,4] param = external
              constant @shape : i64[2] = dense 0x0100000000000000ffffffffffffffff
              func @main(%x: f32[2,8]) {
                %w = ppc.constant() {name = "w"} : f32[8,4]
                %0 = MatMul(%x, %w) : f32[2,4] loc("/MatMul")
                %shape = ppc.constant() {name = "shape"} : i64[2]
                %1 = Reshape(%0, %shape) : f32[1,8]
                return y = %1
              }
            }
            """;

    static boolean runOn(Pass pass, String text, boolean expectChange) {
        Module m = IrParser.parse(text);
        String before = IrPrinter.print(m);
        boolean changed = pass.run(m);
        if (!expectChange) assertEquals(before, IrPrinter.print(m), pass.name() + " changed the IR");
        else assertFalse(before.equals(IrPrinter.print(m)), pass.name() + " reported a change but the IR is the same");
        return changed;
    }

    @Test
    void specializeShapes() {
        String symbolic = CLEAN.replace("%x: f32[2,8]", "%x: f32[batch,8]").replace(": f32[2,4] loc", ": f32[batch,4] loc");
        assertTrue(runOn(new SpecializeShapes(Map.of("x", new long[] {2, 8})), symbolic, true));
        assertFalse(runOn(new SpecializeShapes(Map.of("x", new long[] {2, 8})), CLEAN, false));
        assertFalse(runOn(new SpecializeShapes(), CLEAN, false));
        assertFalse(runOn(new SpecializeShapes(), symbolic, false));
    }

    @Test
    void foldConstants() {
        String withShape = CLEAN.replace("%shape = ppc.constant() {name = \"shape\"} : i64[2]", "%shape = Shape(%0) : i64[2]")
                .replace(": f32[1,8]", ": f32[2,4]");
        assertTrue(runOn(new FoldConstants(), withShape, true));
        assertFalse(runOn(new FoldConstants(), CLEAN, false));
        // Folding is limited by size: with a limit of one element the two-element Shape stays.
        assertFalse(runOn(new FoldConstants(1), withShape, false));
    }

    @Test
    void deadCodeElimination() {
        String withDeadOp = CLEAN.replace("return y = %1", "%2 = Relu(%1) : f32[1,8]\n    return y = %1");
        assertTrue(runOn(new DeadCodeElimination(), withDeadOp, true));
        String withDeadConstant = CLEAN.replace("func @main", "constant @unused : i64[1] = dense 0x0000000000000000\n  func @main");
        assertTrue(runOn(new DeadCodeElimination(), withDeadConstant, true));
        assertFalse(runOn(new DeadCodeElimination(), CLEAN, false));
    }

    @Test
    void commonSubexpressionElimination() {
        String withDuplicate = CLEAN.replace("return y = %1", "%2 = MatMul(%x, %w) : f32[2,4]\n    return y = %1, z = %2");
        assertTrue(runOn(new CommonSubexpressionElimination(), withDuplicate, true));
        assertFalse(runOn(new CommonSubexpressionElimination(), CLEAN, false));
    }

    @Test
    void inputShapesParse() {
        Map.Entry<String, long[]> e = SpecializeShapes.parseInput("input_ids=4x12");
        assertEquals("input_ids", e.getKey());
        assertArrayEquals(new long[] {4, 12}, e.getValue());
        assertArrayEquals(new long[0], SpecializeShapes.parseInput("scalar_input=").getValue());
        assertEquals("onnx::x=1", SpecializeShapes.parseInput("onnx::x=1=7").getKey());
        assertEquals("4x12", SpecializeShapes.formatShape(new long[] {4, 12}));
        assertEquals("scalar", SpecializeShapes.formatShape(new long[0]));
        assertEquals(List.of("a", "b"), List.copyOf(SpecializeShapes.parseInputs(List.of("a=1", "b=2x3")).keySet()));
    }

    @Test
    void badInputShapesSayWhatIsWrong() {
        assertEquals("--input ids=4xZ: 'Z' is not a dimension size",
                assertThrows(IllegalArgumentException.class, () -> SpecializeShapes.parseInput("ids=4xZ")).getMessage());
        assertEquals("--input ids=4x-1: '-1' is not a dimension size",
                assertThrows(IllegalArgumentException.class, () -> SpecializeShapes.parseInput("ids=4x-1")).getMessage());
        assertEquals("--input ids=4x: '' is not a dimension size",
                assertThrows(IllegalArgumentException.class, () -> SpecializeShapes.parseInput("ids=4x")).getMessage());
        assertEquals("--input ids: expected NAME=SHAPE, e.g. input_ids=4x12",
                assertThrows(IllegalArgumentException.class, () -> SpecializeShapes.parseInput("ids")).getMessage());
        assertEquals("--input a=3: input 'a' is given twice",
                assertThrows(IllegalArgumentException.class, () -> SpecializeShapes.parseInputs(List.of("a=2", "a=3"))).getMessage());
    }
}
