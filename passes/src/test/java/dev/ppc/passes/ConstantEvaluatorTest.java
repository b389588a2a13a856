package dev.ppc.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ppc.ir.Attribute;
import dev.ppc.ir.DType;
import dev.ppc.ir.IrException;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each op of {@link ConstantEvaluator} against hand-computed values, including the cases where it must decline. */
class ConstantEvaluatorTest {
    private static final ConstantEvaluator OPSET_17 = new ConstantEvaluator(17);
    private static final long[] SCALAR = {};

    // ---- tensor builders ----

    static TensorData i64(long[] shape, long... v) { return TensorData.ofLongs(shape, v); }

    static TensorData i64(long... v) { return TensorData.ofLongs(new long[] {v.length}, v); }

    static TensorData i32(long[] shape, long... v) { return TensorData.ofIntegers(DType.I32, shape, v); }

    static TensorData f32(long[] shape, float... v) { return TensorData.ofFloats(shape, v); }

    static TensorData f32(float... v) { return TensorData.ofFloats(new long[] {v.length}, v); }

    static TensorData bool(long[] shape, long... v) { return TensorData.ofIntegers(DType.BOOL, shape, v); }

    static long[] shape(long... s) { return s; }

    static Map<String, Attribute> attrs(Object... kv) {
        Map<String, Attribute> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            m.put((String) kv[i], v instanceof Long l ? new Attribute.IntAttr(l) : v instanceof Integer n ? new Attribute.IntAttr(n)
                    : v instanceof long[] a ? new Attribute.IntsAttr(a) : (Attribute) v);
        }
        return m;
    }

    static TensorData eval(ConstantEvaluator ev, String op, Map<String, Attribute> attrs, TensorData... operands) {
        List<TensorData> r = ev.evaluate(op, Arrays.asList(operands), attrs);
        assertNotNull(r, op + " declined");
        assertEquals(1, r.size());
        return r.get(0);
    }

    static TensorData eval(String op, Map<String, Attribute> attrs, TensorData... operands) { return eval(OPSET_17, op, attrs, operands); }

    static TensorData eval(String op, TensorData... operands) { return eval(op, Map.of(), operands); }

    static void declines(String op, Map<String, Attribute> attrs, TensorData... operands) {
        assertNull(OPSET_17.evaluate(op, Arrays.asList(operands), attrs), op + " should decline");
    }

    static void assertLongs(TensorData t, DType dtype, long[] shape, long... values) {
        assertEquals(TensorType.of(dtype, shape), t.type());
        assertArrayEquals(values, t.toLongs());
    }

    static void assertFloats(TensorData t, long[] shape, float... values) {
        assertEquals(TensorType.of(DType.F32, shape), t.type());
        int[] actual = new int[values.length], expected = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            actual[i] = Float.floatToRawIntBits((float) t.doubleAt(i));
            expected[i] = Float.floatToRawIntBits(values[i]);
        }
        assertArrayEquals(expected, actual, () -> "got " + Arrays.toString(t.toDoubles()));
    }

    static long[] arange(int n) {
        long[] r = new long[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    // ---- Slice ----

    @Test
    void sliceWithNegativeStepsWalksBackwards() {
        TensorData x = i64(arange(10));
        assertLongs(eval("Slice", x, i64(-1), i64(Long.MIN_VALUE), i64(0), i64(-1)), DType.I64, shape(10), 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        assertLongs(eval("Slice", x, i64(8), i64(1), i64(0), i64(-3)), DType.I64, shape(3), 8, 5, 2);
        // ONNX clamps a negative-step start to [0, dim-1]: -10 + 5 = -5 becomes 0, so one element.
        assertLongs(eval("Slice", i64(arange(5)), i64(-10), i64(Long.MIN_VALUE), i64(0), i64(-1)), DType.I64, shape(1), 0);
        // Forward to INT64_MAX, the exporters' "to the end".
        assertLongs(eval("Slice", i64(arange(5)), i64(1), i64(Long.MAX_VALUE)), DType.I64, shape(4), 1, 2, 3, 4);
    }

    @Test
    void sliceOnTwoAxesWithNegativeSteps() {
        TensorData x = i64(shape(3, 4), arange(12));
        // Rows 2, 1, 0 (end -10 + 3 clamps to -1); columns 3, 1 (end 0 is exclusive).
        TensorData r = eval("Slice", x, i64(-1, 3), i64(-10, 0), i64(0, 1), i64(-1, -2));
        assertLongs(r, DType.I64, shape(3, 2), 11, 9, 7, 5, 3, 1);
        // Negative axes, no steps: the last column.
        assertLongs(eval("Slice", x, i64(-1), i64(Long.MAX_VALUE), i64(-1)), DType.I64, shape(3, 1), 3, 7, 11);
    }

    @Test
    void sliceBeforeOpset10TakesAttributes() {
        TensorData r = eval(new ConstantEvaluator(9), "Slice", attrs("starts", new long[] {1}, "ends", new long[] {3}, "axes", new long[] {1}),
                i64(shape(2, 4), arange(8)));
        assertLongs(r, DType.I64, shape(2, 2), 1, 2, 5, 6);
    }

    @Test
    void sliceRejectsZeroStep() {
        IrException e = assertThrows(IrException.class, () -> eval("Slice", i64(arange(4)), i64(0), i64(4), i64(0), i64(0)));
        assertEquals("Slice step must not be 0", e.getMessage());
    }

    // ---- Gather ----

    @Test
    void gatherCountsNegativeIndicesFromTheEnd() {
        assertLongs(eval("Gather", i64(10, 20, 30), i64(-1, 0, -3)), DType.I64, shape(3), 30, 10, 10);
        // A scalar index removes the axis, as Shape -> Gather does in exported models.
        assertLongs(eval("Gather", attrs("axis", 0), i64(2, 8, 64), i64(SCALAR, 1)), DType.I64, SCALAR, 8);
        // axis 1 of a 2x3 matrix with a [1,1] index tensor: the index's shape replaces the axis.
        assertLongs(eval("Gather", attrs("axis", 1), i64(shape(2, 3), 1, 2, 3, 4, 5, 6), i64(shape(1, 1), -1)), DType.I64, shape(2, 1, 1), 3, 6);
        assertLongs(eval("Gather", i64(10, 20, 30), i32(shape(2), -2, 2)), DType.I64, shape(2), 20, 30);
    }

    @Test
    void gatherOutOfRangeIsAnError() {
        IrException e = assertThrows(IrException.class, () -> eval("Gather", i64(10, 20, 30), i64(-4)));
        assertEquals("Gather index -4 is out of range for axis 0 of size 3", e.getMessage());
    }

    // ---- integer division and arithmetic ----

    @Test
    void integerDivTruncatesTowardZero() {
        assertLongs(eval("Div", i64(-7, 7, -8, 1, -1), i64(2, -2, 3, 5, 2)), DType.I64, shape(5), -3, -3, -2, 0, 0);
        assertLongs(eval("Div", i32(shape(2), -7, 9), i32(SCALAR, 2)), DType.I32, shape(2), -3, 4);
    }

    @Test
    void integerDivisionByAConstantZeroIsAnError() {
        IrException e = assertThrows(IrException.class, () -> eval("Div", i64(1, 2), i64(3, 0)));
        assertEquals("integer division by zero: the divisor has an element 0", e.getMessage());
        assertThrows(IrException.class, () -> eval("Div", i32(shape(2), 4, 5), i32(SCALAR, 0)));
    }

    @Test
    void integerDivisionThatIsUndefinedInCIsNotFolded() {
        declines("Div", Map.of(), i64(Long.MIN_VALUE), i64(-1));
        declines("Div", Map.of(), i32(shape(1), Integer.MIN_VALUE), i32(shape(1), -1));
    }

    @Test
    void integerArithmeticWrapsInTheElementType() {
        assertLongs(eval("Mul", i32(shape(1), 65536), i32(shape(1), 65536)), DType.I32, shape(1), 0);
        assertLongs(eval("Add", i64(Long.MAX_VALUE), i64(1)), DType.I64, shape(1), Long.MIN_VALUE);
        assertLongs(eval("Neg", i64(Long.MIN_VALUE, 5)), DType.I64, shape(2), Long.MIN_VALUE, -5);
        assertLongs(eval("Abs", i64(-3, 4)), DType.I64, shape(2), 3, 4);
        assertLongs(eval("Sub", TensorData.ofIntegers(DType.U8, shape(1), new long[] {1}), TensorData.ofIntegers(DType.U8, shape(1), new long[] {2})),
                DType.U8, shape(1), 255);
    }

    @Test
    void floatArithmeticBroadcastsAndStaysInFloat() {
        TensorData r = eval("Add", f32(shape(2, 1), 1f, 2f), f32(10f, 20f, 30f));
        assertFloats(r, shape(2, 3), 11f, 21f, 31f, 12f, 22f, 32f);
        assertFloats(eval("Div", f32(1f, -1f), f32(3f, 0f)), shape(2), 1f / 3f, Float.NEGATIVE_INFINITY);
        assertFloats(eval("Mul", f32(0.1f), f32(3f)), shape(1), 0.1f * 3f);
        assertFloats(eval("Sub", f32(16777216f), f32(-1f)), shape(1), 16777216f);
    }

    @Test
    void nanResultsAreNotFolded() {
        declines("Div", Map.of(), f32(0f), f32(0f));
        declines("Add", Map.of(), f32(Float.NaN), f32(1f));
        declines("Sqrt", Map.of(), f32(-1f));
    }

    @Test
    void unaryFloatOps() {
        assertFloats(eval("Sqrt", f32(4f, 2f, -0f)), shape(3), 2f, Float.intBitsToFloat(0x3fb504f3), -0f);
        assertFloats(eval("Neg", f32(1.5f, 0f)), shape(2), -1.5f, -0f);
        assertFloats(eval("Abs", f32(-1.5f, -0f)), shape(2), 1.5f, 0f);
    }

    @Test
    void powFoldsOnlyExactCases() {
        assertFloats(eval("Pow", f32(3f, -1.5f), f32(SCALAR, 2f)), shape(2), 9f, 2.25f);
        assertFloats(eval("Pow", f32(2f), i64(10)), shape(1), 1024f);
        assertFloats(eval("Pow", f32(0.1f), f32(1f)), shape(1), 0.1f);
        assertLongs(eval("Pow", i64(3, -2), i64(4, 3)), DType.I64, shape(2), 81, -8);
        declines("Pow", Map.of(), f32(2f), f32(0.5f));
        declines("Pow", Map.of(), f32(1.1f), f32(3f));
        declines("Pow", Map.of(), i64(2), i64(-1));
        declines("Pow", Map.of(), i64(2), i64(62));
    }

    @Test
    void maxAndMinAreVariadicAndBroadcast() {
        assertLongs(eval("Max", i64(1, 5, 3), i64(SCALAR, 2), i64(0, 0, 4)), DType.I64, shape(3), 2, 5, 4);
        assertFloats(eval("Min", f32(1f, -5f), f32(SCALAR, 0f)), shape(2), 0f, -5f);
        declines("Max", Map.of(), f32(Float.NaN), f32(1f));
        declines("Max", Map.of(), f32(0f), f32(-0f));
    }

    // ---- Cast ----

    @Test
    void castFloatToIntegerTruncatesTowardZero() {
        assertLongs(eval("Cast", attrs("to", 7), f32(2.7f, -2.7f, -0.5f, 1e10f)), DType.I64, shape(4), 2, -2, 0, 10000000000L);
        assertLongs(eval("Cast", attrs("to", 6), f32(-3.99f)), DType.I32, shape(1), -3);
    }

    @Test
    void castsWithUndefinedResultsAreNotFolded() {
        declines("Cast", attrs("to", 7), f32(Float.NaN));
        declines("Cast", attrs("to", 7), f32(1e20f));
        declines("Cast", attrs("to", 6), f32(3e9f));
        declines("Cast", attrs("to", 16), f32(1f));
        declines("Cast", attrs("to", 10), i64(1));
    }

    @Test
    void otherCasts() {
        assertLongs(eval("Cast", attrs("to", 9), f32(0f, -0f, 0.5f, Float.NaN)), DType.BOOL, shape(4), 0, 0, 1, 1);
        assertFloats(eval("Cast", attrs("to", 1), i64(16777217, -3)), shape(2), 16777216f, -3f);
        assertLongs(eval("Cast", attrs("to", 6), i64((1L << 32) + 5)), DType.I32, shape(1), 5);
        assertLongs(eval("Cast", attrs("to", 7), bool(shape(2), 1, 0)), DType.I64, shape(2), 1, 0);
        TensorData half = eval("Cast", attrs("to", 10), f32(1f / 3f));
        assertEquals(DType.F16, half.dtype());
        assertEquals(0x3555, half.bytes().getShort(0) & 0xffff);
        TensorData same = i64(1, 2);
        assertEquals(same, eval("Cast", attrs("to", 7), same));
    }

    // ---- Range ----

    @Test
    void integerRange() {
        assertLongs(eval("Range", i64(SCALAR, 0), i64(SCALAR, 5), i64(SCALAR, 2)), DType.I64, shape(3), 0, 2, 4);
        assertLongs(eval("Range", i64(SCALAR, 10), i64(SCALAR, 4), i64(SCALAR, -2)), DType.I64, shape(3), 10, 8, 6);
        assertLongs(eval("Range", i64(SCALAR, 3), i64(SCALAR, 1), i64(SCALAR, 1)), DType.I64, shape(0));
        assertLongs(eval("Range", i32(SCALAR, 3), i32(SCALAR, 9), i32(SCALAR, 3)), DType.I32, shape(2), 3, 6);
    }

    @Test
    void floatRangeAccumulatesInFloatLikeOnnxRuntime() {
        // Expected bits from numpy: s = float32(0); repeat { out.append(s); s = float32(s + float32(0.1)) }.
        // Element 7 is 0x3f333334, where start + 7 * delta would give 0x3f333333.
        int[] bits = {0x0, 0x3dcccccd, 0x3e4ccccd, 0x3e99999a, 0x3ecccccd, 0x3f000000, 0x3f19999a, 0x3f333334, 0x3f4cccce, 0x3f666668};
        float[] expected = new float[bits.length];
        for (int i = 0; i < bits.length; i++) expected[i] = Float.intBitsToFloat(bits[i]);
        assertFloats(eval("Range", f32(SCALAR, 0f), f32(SCALAR, 1f), f32(SCALAR, 0.1f)), shape(10), expected);
    }

    // ---- shapes ----

    @Test
    void shapeAndSizeNeedOnlyTheType() {
        TensorData x = TensorData.elided(TensorType.of(DType.F32, 2, 8, 64));
        assertLongs(eval("Shape", x), DType.I64, shape(3), 2, 8, 64);
        assertLongs(eval("Shape", attrs("start", 1, "end", -1), x), DType.I64, shape(1), 8);
        assertLongs(eval("Shape", attrs("start", -1), x), DType.I64, shape(1), 64);
        assertLongs(eval("Size", x), DType.I64, SCALAR, 1024);
        declines("Relu", Map.of(), x);
        declines("Add", Map.of(), x, x);
    }

    @Test
    void reshapeCopiesZerosAndInfersMinusOne() {
        TensorData x = i64(shape(2, 3, 4), arange(24));
        TensorData r = eval("Reshape", x, i64(0, -1));
        assertEquals(TensorType.of(DType.I64, 2, 12), r.type());
        assertArrayEquals(arange(24), r.toLongs());
        assertEquals(TensorType.of(DType.I64, 0, 6), eval("Reshape", attrs("allowzero", 1), i64(shape(0, 4), new long[0]), i64(0, 6)).type());
        assertThrows(IrException.class, () -> eval("Reshape", x, i64(5, -1)));
    }

    @Test
    void unsqueezeAndSqueezeByOpset() {
        TensorData s = i64(SCALAR, 7);
        assertLongs(eval("Unsqueeze", s, i64(0)), DType.I64, shape(1), 7);
        assertLongs(eval(new ConstantEvaluator(11), "Unsqueeze", attrs("axes", new long[] {0, -1}), s), DType.I64, shape(1, 1), 7);
        TensorData x = i64(shape(1, 3, 1), 1, 2, 3);
        assertLongs(eval("Squeeze", x), DType.I64, shape(3), 1, 2, 3);
        assertLongs(eval("Squeeze", x, i64(-1)), DType.I64, shape(1, 3), 1, 2, 3);
        assertThrows(IrException.class, () -> eval("Squeeze", x, i64(1)));
    }

    @Test
    void concatJoinsAlongAnAxis() {
        assertLongs(eval("Concat", attrs("axis", 0), i64(2), i64(8), i64(4, 16)), DType.I64, shape(4), 2, 8, 4, 16);
        TensorData a = i64(shape(2, 1), 1, 2), b = i64(shape(2, 2), 3, 4, 5, 6);
        assertLongs(eval("Concat", attrs("axis", -1), a, b), DType.I64, shape(2, 3), 1, 3, 4, 2, 5, 6);
        TensorData s = TensorData.ofStrings(TensorType.of(DType.STRING, 1), List.of("a"));
        assertEquals(List.of("a", "a"), eval("Concat", attrs("axis", 0), s, s).strings());
    }

    @Test
    void transposeExpandTile() {
        TensorData m = i64(shape(2, 3), arange(6));
        assertLongs(eval("Transpose", m), DType.I64, shape(3, 2), 0, 3, 1, 4, 2, 5);
        assertLongs(eval("Transpose", attrs("perm", new long[] {1, 0}), m), DType.I64, shape(3, 2), 0, 3, 1, 4, 2, 5);
        TensorData e = eval("Expand", i64(shape(3, 1), 1, 2, 3), i64(2, 1, 2));
        assertLongs(e, DType.I64, shape(2, 3, 2), 1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3);
        assertLongs(eval("Tile", i64(shape(1, 2), 1, 2), i64(2, 2)), DType.I64, shape(2, 4), 1, 2, 1, 2, 1, 2, 1, 2);
    }

    // ---- comparisons, logic, selection ----

    @Test
    void comparisonsAndLogic() {
        assertLongs(eval("Equal", i64(1, 2, 3), i64(SCALAR, 2)), DType.BOOL, shape(3), 0, 1, 0);
        assertLongs(eval("Less", f32(1f, Float.NaN), f32(2f, 2f)), DType.BOOL, shape(2), 1, 0);
        assertLongs(eval("Greater", i64(1, 3), i64(2, 2)), DType.BOOL, shape(2), 0, 1);
        assertLongs(eval("Equal", f32(0f, Float.NaN), f32(-0f, Float.NaN)), DType.BOOL, shape(2), 1, 0);
        TensorData t = bool(shape(2), 1, 0), u = bool(shape(2), 1, 1);
        assertLongs(eval("Not", t), DType.BOOL, shape(2), 0, 1);
        assertLongs(eval("And", t, u), DType.BOOL, shape(2), 1, 0);
        assertLongs(eval("Or", t, bool(shape(2), 0, 0)), DType.BOOL, shape(2), 1, 0);
        assertLongs(eval("Xor", t, u), DType.BOOL, shape(2), 0, 1);
    }

    @Test
    void whereSelectsWithBroadcasting() {
        TensorData cond = bool(shape(2, 2), 1, 0, 0, 1);
        TensorData r = eval("Where", cond, f32(SCALAR, -1f), f32(shape(2, 2), 1f, 2f, 3f, 4f));
        assertFloats(r, shape(2, 2), -1f, 2f, 3f, -1f);
    }

    @Test
    void constantOfShape() {
        TensorData z = eval("ConstantOfShape", i64(2, 3));
        assertFloats(z, shape(2, 3), 0f, 0f, 0f, 0f, 0f, 0f);
        TensorData sevens = eval("ConstantOfShape", Map.of("value", new Attribute.TensorAttr(i64(7))), i64(2));
        assertLongs(sevens, DType.I64, shape(2), 7, 7);
    }

    // ---- reductions ----

    @Test
    void integerReductions() {
        TensorData x = i64(shape(2, 3), 1, 2, 3, 4, 5, 6);
        assertLongs(eval("ReduceSum", attrs("keepdims", 0), x, i64(1)), DType.I64, shape(2), 6, 15);
        assertLongs(eval("ReduceSum", x), DType.I64, shape(1, 1), 21);
        assertLongs(eval(new ConstantEvaluator(11), "ReduceSum", attrs("axes", new long[] {0}), x), DType.I64, shape(1, 3), 5, 7, 9);
        assertLongs(eval(new ConstantEvaluator(13), "ReduceProd", attrs("axes", new long[] {-1}, "keepdims", 0), x), DType.I64, shape(2), 6, 120);
        assertLongs(eval(new ConstantEvaluator(18), "ReduceMax", Map.of(), x, i64(0)), DType.I64, shape(1, 3), 4, 5, 6);
        assertFloats(eval("ReduceMin", attrs("axes", new long[] {1}, "keepdims", 0), f32(shape(2, 2), 3f, -1f, 2f, 5f)), shape(2), -1f, 2f);
        declines("ReduceSum", Map.of(), f32(1f, 2f));
    }

    // ---- limits ----

    @Test
    void resultsOverTheLimitAreNotFolded() {
        assertNull(OPSET_17.evaluate("ConstantOfShape", List.of(i64(300, 300)), Map.of()));
        ConstantEvaluator small = new ConstantEvaluator(17, 4);
        assertNotNull(small.evaluate("ConstantOfShape", List.of(i64(4)), Map.of()));
        assertNull(small.evaluate("ConstantOfShape", List.of(i64(5)), Map.of()));
        assertNull(small.evaluate("Range", List.of(i64(SCALAR, 0), i64(SCALAR, 5), i64(SCALAR, 1)), Map.of()));
    }

    @Test
    void unknownOpsAreNotFolded() {
        assertNull(OPSET_17.evaluate("MatMul", List.of(f32(shape(1, 1), 1f), f32(shape(1, 1), 1f)), Map.of()));
        assertNull(OPSET_17.evaluate("RandomNormal", List.of(), Map.of()));
    }
}
