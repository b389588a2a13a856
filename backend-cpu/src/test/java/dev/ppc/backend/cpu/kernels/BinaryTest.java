package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinaryTest {
    /** Shape pairs that exercise every broadcasting corner, then random ones. */
    static List<long[][]> shapePairs(Random r, int randomCount) {
        List<long[][]> l = new ArrayList<>();
        long[][][] fixed = {
            {{}, {}}, {{}, {3, 4}}, {{3, 4}, {}}, {{2, 3, 4}, {2, 3, 4}}, {{2, 3, 4}, {4}},
            {{2, 3, 4}, {3, 1}}, {{2, 1, 4}, {3, 1}}, {{1}, {5}}, {{5, 1}, {1, 5}}, {{0, 3}, {3}},
            {{2, 0}, {1, 1}}, {{0}, {}}, {{4, 1, 1}, {1, 3, 2}}, {{2, 3, 64}, {2, 3, 1}},
            {{1, 1, 3, 3}, {2, 4, 3, 3}}, {{7}, {1}}, {{3, 1, 5}, {4, 1}}, {{1, 1}, {1}},
            {{2, 3, 4, 5}, {3, 1, 5}}, {{6, 1}, {6, 6}}, {{1, 6}, {6, 1}}, {{1000}, {1000}},
        };
        for (long[][] p : fixed) l.add(p);
        for (int i = 0; i < randomCount; i++) {
            long[] out = Ref.randomShape(r, r.nextInt(5), 4);
            long[] a = Ref.broadcastable(r, out);
            long[] b = Ref.broadcastable(r, out);
            // Put the full shape on one side now and then so the output keeps its full rank.
            if (r.nextBoolean()) a = out; else if (r.nextInt(3) == 0) b = out;
            l.add(new long[][] {a, b});
        }
        return l;
    }

    private static double apply(Binary.Op op, double x, double y) {
        switch (op) {
            case ADD: return x + y;
            case SUB: return x - y;
            case MUL: return x * y;
            case DIV: return x / y;
            case POW: return Math.pow(x, y);
            case MIN: return x < y ? x : y;
            case MAX: return x > y ? x : y;
            case EQUAL: return x == y ? 1 : 0;
            case LESS: return x < y ? 1 : 0;
            case LESS_OR_EQUAL: return x <= y ? 1 : 0;
            case GREATER: return x > y ? 1 : 0;
            case GREATER_OR_EQUAL: return x >= y ? 1 : 0;
            case AND: return (x != 0 && y != 0) ? 1 : 0;
            case OR: return (x != 0 || y != 0) ? 1 : 0;
            case XOR: return ((x != 0) != (y != 0)) ? 1 : 0;
            default: throw new IllegalArgumentException();
        }
    }

    /** The reference: an explicit loop over output multi-indices. */
    static double[] reference(Binary.Op op, Tensor a, Tensor b, boolean roundToFloat,
                              boolean integer32, boolean integer) {
        long[] out = Ref.broadcast(a.shape(), b.shape());
        double[] r = new double[(int) Ref.count(out)];
        for (int i = 0; i < r.length; i++) {
            int[] idx = Ref.unravel(i, out);
            double x = Ref.value(a, Ref.broadcastIndex(idx, a.shape()));
            double y = Ref.value(b, Ref.broadcastIndex(idx, b.shape()));
            double v;
            if (integer && op == Binary.Op.DIV) {
                v = (long) x / (long) y;
            } else {
                v = apply(op, x, y);
            }
            if (integer32 && !op.isComparison()) v = (int) (long) v;
            r[i] = roundToFloat && !op.isComparison() ? (float) v : v;
        }
        return r;
    }

    @Test
    void floatArithmeticMatchesReferenceExactly() {
        Random r = new Random(1);
        Binary.Op[] ops = {Binary.Op.ADD, Binary.Op.SUB, Binary.Op.MUL, Binary.Op.DIV,
            Binary.Op.MIN, Binary.Op.MAX};
        for (Binary.Op op : ops) {
            for (long[][] p : shapePairs(r, 40)) {
                Tensor a = Ref.randomFloats(r, p[0]);
                Tensor b = Ref.randomFloats(r, p[1]);
                Binary k = new Binary(op, DType.F32, p[0], p[1]);
                Tensor c = Ref.run(k, a, b);
                assertArrayEquals(Ref.broadcast(p[0], p[1]), c.shape());
                Ref.assertExact(reference(op, a, b, true, false, false), c, op + " " + Ref.str(p));
            }
        }
    }

    @Test
    void powWithinOneUlpIncludingScalarShortcuts() {
        Random r = new Random(2);
        for (long[][] p : shapePairs(r, 30)) {
            Tensor a = Ref.randomFloats(r, 0.1f, 3f, p[0]);
            Tensor b = Ref.randomFloats(r, -2f, 2f, p[1]);
            Tensor c = Ref.run(new Binary(Binary.Op.POW, DType.F32, p[0], p[1]), a, b);
            double[] e = reference(Binary.Op.POW, a, b, true, false, false);
            float[] ef = new float[e.length];
            for (int i = 0; i < e.length; i++) ef[i] = (float) e[i];
            Ref.assertUlps(ef, c, 1, "Pow " + Ref.str(p));
        }
        for (float y : new float[] {2f, 3f, 0.5f, 1f, -1f}) {
            Tensor a = Ref.randomFloats(r, -4f, 4f, 3, 50);
            a.setFloat(0, -0f);
            a.setFloat(1, Float.NEGATIVE_INFINITY);
            a.setFloat(2, Float.NaN);
            Tensor c = Ref.run(new Binary(Binary.Op.POW, DType.F32, new long[] {3, 50}, new long[0]),
                    a, Tensor.scalarFloat(y));
            float[] ef = new float[150];
            for (int i = 0; i < 150; i++) ef[i] = (float) Math.pow(a.getFloat(i), y);
            Ref.assertUlps(ef, c, 1, "Pow by " + y);
        }
    }

    @Test
    void powWithIntegerExponent() {
        Tensor a = Tensor.ofFloats(new long[] {3}, 2f, -3f, 0.5f);
        Tensor b = Tensor.ofLongs(new long[] {3}, 3, 2, -1);
        Tensor c = Ref.run(new Binary(Binary.Op.POW, DType.F32, DType.I64, new long[] {3},
                new long[] {3}), a, b);
        assertArrayEquals(new float[] {8f, 9f, 2f}, c.toFloatArray());
    }

    @Test
    void integerArithmetic() {
        Random r = new Random(3);
        Binary.Op[] ops = {Binary.Op.ADD, Binary.Op.SUB, Binary.Op.MUL, Binary.Op.DIV,
            Binary.Op.MIN, Binary.Op.MAX};
        for (DType t : new DType[] {DType.I64, DType.I32}) {
            for (Binary.Op op : ops) {
                for (long[][] p : shapePairs(r, 15)) {
                    Tensor a = Ref.randomInts(r, t, -50, 50, p[0]);
                    Tensor b = Ref.randomInts(r, t, 1, 9, p[1]);
                    if (r.nextBoolean()) {
                        for (int i = 0; i < b.numel(); i++) {
                            if (t == DType.I64) b.setLong(i, -b.getLong(i)); else b.setInt(i, -b.getInt(i));
                        }
                    }
                    Tensor c = Ref.run(new Binary(op, t, p[0], p[1]), a, b);
                    assertEquals(t, c.dtype());
                    Ref.assertExact(reference(op, a, b, false, t == DType.I32, true), c,
                            t + " " + op + " " + Ref.str(p));
                }
            }
        }
        assertEquals(-2L, Ref.run(new Binary(Binary.Op.DIV, DType.I64, new long[0], new long[0]),
                Tensor.scalarLong(-7), Tensor.scalarLong(3)).getLong(0), "truncates toward zero");
        assertThrows(ArithmeticException.class, () -> Ref.run(new Binary(Binary.Op.DIV, DType.I32,
                new long[0], new long[0]), Tensor.scalarInt(1), Tensor.scalarInt(0)));
    }

    @Test
    void comparisonsGiveBool() {
        Random r = new Random(4);
        Binary.Op[] ops = {Binary.Op.EQUAL, Binary.Op.LESS, Binary.Op.LESS_OR_EQUAL,
            Binary.Op.GREATER, Binary.Op.GREATER_OR_EQUAL};
        for (DType t : new DType[] {DType.F32, DType.I64, DType.I32}) {
            for (Binary.Op op : ops) {
                for (long[][] p : shapePairs(r, 10)) {
                    // Small integers so that equal values actually occur.
                    Tensor a = Ref.randomInts(r, t, -2, 2, p[0]);
                    Tensor b = Ref.randomInts(r, t, -2, 2, p[1]);
                    Tensor c = Ref.run(new Binary(op, t, p[0], p[1]), a, b);
                    assertEquals(DType.BOOL, c.dtype());
                    Ref.assertExact(reference(op, a, b, false, false, false), c, t + " " + op);
                }
            }
        }
        Tensor nan = Tensor.ofFloats(new long[] {2}, Float.NaN, 1f);
        Tensor c = Ref.run(new Binary(Binary.Op.EQUAL, DType.F32, new long[] {2}, new long[] {2}),
                nan, nan);
        assertArrayEquals(new boolean[] {false, true}, c.toBoolArray());
    }

    @Test
    void logicalOps() {
        Random r = new Random(5);
        for (Binary.Op op : new Binary.Op[] {Binary.Op.AND, Binary.Op.OR, Binary.Op.XOR, Binary.Op.EQUAL}) {
            for (long[][] p : shapePairs(r, 10)) {
                Tensor a = Ref.randomInts(r, DType.BOOL, 0, 1, p[0]);
                Tensor b = Ref.randomInts(r, DType.BOOL, 0, 1, p[1]);
                Tensor c = Ref.run(new Binary(op, DType.BOOL, p[0], p[1]), a, b);
                Ref.assertExact(reference(op, a, b, false, false, false), c, op + " " + Ref.str(p));
            }
        }
    }

    @Test
    void f64Arithmetic() {
        Tensor a = Tensor.ofDoubles(new long[] {2, 2}, 1, 2, 3, 4);
        Tensor b = Tensor.ofDoubles(new long[] {2}, 0.5, 0.25);
        Tensor c = Ref.run(new Binary(Binary.Op.DIV, DType.F64, new long[] {2, 2}, new long[] {2}), a, b);
        assertArrayEquals(new double[] {2, 8, 6, 16}, c.toDoubleArray());
    }

    @Test
    void badShapesAndTypesAreRejectedAtConstruction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Binary(Binary.Op.ADD, DType.F32, new long[] {2, 3}, new long[] {4}));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Binary(Binary.Op.AND, DType.F32, new long[] {2}, new long[] {2}));
        assertThrows(IllegalArgumentException.class,
                () -> new Binary(Binary.Op.ADD, DType.F32, DType.I64, new long[] {2}, new long[] {2}));
    }

    @Test
    void runChecksTheTensorsItIsGiven() {
        Binary k = new Binary(Binary.Op.ADD, DType.F32, new long[] {2}, new long[] {2});
        Tensor x = Tensor.allocate(DType.F32, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.run(new Tensor[] {x, x}, new Tensor[] {Tensor.allocate(DType.F32, 2)}));
        assertTrue(e.getMessage().contains("input 0 must have shape [2], got [3]"), e.getMessage());
        Tensor y = Tensor.allocate(DType.I64, 2);
        e = assertThrows(IllegalArgumentException.class, () -> k.run(new Tensor[] {y, y},
                new Tensor[] {Tensor.allocate(DType.F32, 2)}));
        assertTrue(e.getMessage().contains("must be f32, got i64"), e.getMessage());
    }

    @Test
    void outputMayAliasFirstInputOfSameShape() {
        Tensor a = Tensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        Tensor b = Tensor.ofFloats(new long[] {3}, 10, 20, 30);
        new Binary(Binary.Op.ADD, DType.F32, a.shape(), b.shape()).run(new Tensor[] {a, b},
                new Tensor[] {a});
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, a.toFloatArray());
    }
}
