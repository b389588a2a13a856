package dev.ppc.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import dev.ppc.ir.schema.FusedProgram;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * The fused kernel against the unfused kernels run step by step: the outputs must be bitwise
 * equal (NaNs whatever their payload, see {@link #assertSameBits}), for programs that use every step kind, on data with NaNs, infinities, signed zeros and
 * subnormals, over sizes that are not multiples of the tile and every broadcast pattern. Every
 * class the emitter generates is checked with ASM's CheckClassAdapter.
 */
class FusedTest {
    private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-30f, -1e-30f, 1f, -1f, 0.5f, 3f, 20.5f, -25f};

    static final String GELU = "Add(%0, %1); Mul($0, 0.5); Pow($0, 3.0); Mul($2, 0.044715); Add($0, $3); Mul($4, 0.7978846); "
            + "Tanh($5); Add($6, 1.0); Mul($1, $7)";

    @Test
    void geluAfterBiasAddMatchesUnfusedBitwise() {
        check(GELU, new long[][] {{1024}, {3, 5, 1024}});
        check(GELU, new long[][] {{7}, {3, 100, 7}});
    }

    @Test
    void attentionMaskMatchesUnfusedBitwise() {
        check("Mul(%0, 0.125); Where(%1, -3.4028235E38, $0)", new long[][] {{2, 4, 33, 33}, {1, 1, 33, 33}});
        check("Div(%0, 8.0); Where(%1, $0, -Infinity); Add($1, %2)", new long[][] {{2, 3, 16, 40}, {1, 1, 16, 40}, {2, 1, 1, 40}});
    }

    @Test
    void residualAndEveryKindMatchUnfusedBitwise() {
        check("Add(%0, %1); Add(%2, $0)", new long[][] {{300}, {4, 300}, {4, 300}});
        check("Sub(%0, %1); Div($0, %2); Neg($1); Abs($2); Relu($1); Reciprocal($4); Add($3, $5); Sqrt($6); Exp($1); Erf($1); "
                + "Sigmoid($1); Add($7, $8); Add($11, $9); Add($12, $10); Pow($13, 2.0); Pow($14, 3.0); Tanh($15); Mul($16, %1)",
                new long[][] {{5, 1, 77}, {5, 6, 77}, {77}});
        check("Mul(%0, 2.0); Sqrt($0); Tanh($1); Mul($2, %1)", new long[][] {{1000}, {1}});
        // Every step a separate loop plus a chain longer than one loop body holds.
        check("Add(%0, 1.0); Mul($0, $0); Sub($1, %0); Mul($2, 0.75); Add($3, $1); Div($4, 3.0); Neg($5); Add($6, $0); "
                + "Mul($7, $7); Sub($8, 2.0); Add($9, $3); Abs($10)", new long[][] {{2, 1025}});
    }

    @Test
    void scalarOperandsLiteralsAndHelpersOnScalars() {
        // %1 is a one-element operand (read once per run); Tanh of a scalar needs it broadcast into a tile.
        check("Tanh(%1); Add(%0, $0)", new long[][] {{3, 513}, {1}});
        check("Where(%0, %1, %2); Exp($0)", new long[][] {{600}, {}, {600}});
        check("Where(%0, %1, -0.0); Mul($0, %2)", new long[][] {{2, 1, 9}, {2, 8, 1}, {1, 9}});
    }

    @Test
    void planKeepsValuesInRegistersWithinALoop() {
        Fused k = new Fused(FusedProgram.parse(GELU), new long[][] {{64}, {2, 64}});
        // Everything before Tanh is one loop in registers; only $1 (needed after Tanh) and Tanh's
        // argument go to tiles, and tiles are reused once dead.
        assertEquals("%0:tile0, %1:tile1 | tiles 4, masks 0, scalars 0, out t3 | "
                + "loop { v0 = add(t0[i], t1[i]); v1 = mul(v0, 0.5) -> t2; v2 = cube(v0); v3 = mul(v2, 0.044715); "
                + "v4 = add(v0, v3); v5 = mul(v4, 0.7978846) -> t3 }; tanh(t3 -> t1); "
                + "loop { v7 = add(t1[i], 1.0); v8 = mul(t2[i], v7) -> t3 }", k.planText());
    }

    /**
     * The bulkiest program of {@link Fused#MAX_STEPS} steps: each Where reads a fresh condition and
     * fresh data, so every step adds a mask tile, a data tile and their loads before the loops.
     */
    private static FusedProgram bulkiestProgram(int steps) {
        StringBuilder sb = new StringBuilder("Where(%0, %1, %2)");
        int operand = 3;
        for (int s = 1; s < steps; s++) {
            sb.append("; Where(%").append(operand++).append(", %").append(operand++).append(", $").append(s - 1).append(')');
        }
        return FusedProgram.parse(sb.toString());
    }

    private static long[][] shapes(FusedProgram p, long... shape) {
        long[][] shapes = new long[p.numOperands()][];
        for (int k = 0; k < shapes.length; k++) shapes[k] = shape;
        return shapes;
    }

    @Test
    void theBulkiestProgramOfTheMostStepsStaysFarBelowTheJitsMethodLimit() {
        FusedProgram p = bulkiestProgram(Fused.MAX_STEPS);
        Fused k = new Fused(p, shapes(p, 5, 300));
        verifyClass(k.classFile());
        assertTrue(k.codeLength() <= FusedClassEmitter.HUGE_METHOD_LIMIT / 2,
                "compute() of " + Fused.MAX_STEPS + " Where steps takes " + k.codeLength() + " bytes");
        check(p.text(), shapes(p, 5, 300));
    }

    @Test
    void refusesProgramsOverTheStepCapAndBodiesOverTheJitsLimit() {
        FusedProgram tooLong = bulkiestProgram(Fused.MAX_STEPS + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Fused(tooLong, shapes(tooLong, 8)));
        assertEquals("ppc.fused: the program has " + (Fused.MAX_STEPS + 1) + " steps; the CPU backend runs at most " + Fused.MAX_STEPS
                + " in one fused op (fuse-elementwise{max-steps=" + Fused.MAX_STEPS + "} splits longer chains)", e.getMessage());
        // The emitter's own check, for a plan the kernel would not have let through.
        FusedProgram huge = bulkiestProgram(200);
        FusedPlan plan = FusedPlan.of(huge, new boolean[huge.numOperands()]);
        assertTrue(assertThrows(IllegalStateException.class, () -> FusedClassEmitter.emit(plan)).getMessage()
                .contains("exceeds the JIT's limit of " + FusedClassEmitter.HUGE_METHOD_LIMIT));
    }

    @Test
    void rejectsShapesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> new Fused(FusedProgram.parse("Add(%0, %1); Neg($0)"), new long[][] {{3}, {4}}));
        assertThrows(IllegalArgumentException.class, () -> new Fused(FusedProgram.parse("Add(%0, %1); Neg($0)"), new long[][] {{3}}));
    }

    /** Runs {@code text} fused and unfused on random data of the given operand shapes. */
    private static void check(String text, long[][] shapes) {
        FusedProgram p = FusedProgram.parse(text);
        Random r = new Random(text.hashCode() * 31L + shapes.length);
        Tensor[] in = new Tensor[shapes.length];
        for (int k = 0; k < shapes.length; k++) in[k] = p.isCondition(k) ? randomBools(r, shapes[k]) : randomFloats(r, shapes[k]);
        Fused fused = new Fused(p, shapes);
        verifyClass(fused.classFile());
        Tensor got = Tensor.allocate(DType.F32, fused.outputShapes()[0]);
        fused.run(in, new Tensor[] {got});
        Tensor want = unfused(p, in);
        assertEquals(Shapes.str(want.shape()), Shapes.str(got.shape()));
        assertSameBits(want, got, text);
        // A second run reuses the kernel's scratch and must give the same bits.
        Tensor again = Tensor.allocate(DType.F32, fused.outputShapes()[0]);
        fused.run(in, new Tensor[] {again});
        assertSameBits(got, again, text + " (second run)");
    }

    /**
     * Equal bits, element by element, except that any two NaNs are equal: Java leaves the payload
     * of a NaN that arithmetic produces unspecified, and C2's vector and scalar loops (and the
     * interpreter) may pick different ones, so no two code paths can promise NaN payloads.
     */
    static void assertSameBits(Tensor want, Tensor got, String what) {
        assertEquals(Shapes.str(want.shape()), Shapes.str(got.shape()), what);
        if (want.dtype() != DType.F32) {
            assertTrue(Tensor.bitwiseEqual(want, got), what);
            return;
        }
        for (int i = 0; i < want.numel(); i++) {
            if (Float.floatToIntBits(want.getFloat(i)) != Float.floatToIntBits(got.getFloat(i))) {
                fail(what + ": element " + i + " is " + got.getFloat(i) + ", expected " + want.getFloat(i));
            }
        }
    }

    static void verifyClass(byte[] classFile) {
        StringWriter sw = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(classFile), FusedTest.class.getClassLoader(), false, new PrintWriter(sw));
        assertEquals("", sw.toString(), "CheckClassAdapter found problems in the generated class");
    }

    /** The program evaluated op by op with the ordinary kernels. */
    static Tensor unfused(FusedProgram p, Tensor[] in) {
        List<Tensor> results = new ArrayList<>();
        for (FusedProgram.Step st : p.steps()) {
            List<Tensor> args = new ArrayList<>();
            for (FusedProgram.Arg a : st.args()) {
                if (a instanceof FusedProgram.Operand o) args.add(in[o.index()]);
                else if (a instanceof FusedProgram.StepResult s) args.add(results.get(s.index()));
                else args.add(Tensor.scalarFloat(((FusedProgram.Literal) a).value()));
            }
            Kernel k = kernelFor(st.kind(), args);
            Tensor out = Tensor.allocate(k.outputTypes()[0], k.outputShapes()[0]);
            k.run(args.toArray(new Tensor[0]), new Tensor[] {out});
            results.add(out);
        }
        // Broadcast the result to the fused output's shape, as the fused op does when the last step is smaller.
        Tensor last = results.get(results.size() - 1);
        long[][] shapes = new long[in.length][];
        for (int k = 0; k < in.length; k++) shapes[k] = in[k].shape();
        long[] outShape = Shapes.broadcast(shapes);
        if (java.util.Arrays.equals(last.shape(), outShape)) return last;
        Kernel e = new Expand(DType.F32, last.shape(), outShape);
        Tensor out = Tensor.allocate(DType.F32, outShape);
        e.run(new Tensor[] {last}, new Tensor[] {out});
        return out;
    }

    private static Kernel kernelFor(FusedProgram.Kind kind, List<Tensor> a) {
        switch (kind) {
            case ADD: return new Binary(Binary.Op.ADD, DType.F32, a.get(0).shape(), a.get(1).shape());
            case SUB: return new Binary(Binary.Op.SUB, DType.F32, a.get(0).shape(), a.get(1).shape());
            case MUL: return new Binary(Binary.Op.MUL, DType.F32, a.get(0).shape(), a.get(1).shape());
            case DIV: return new Binary(Binary.Op.DIV, DType.F32, a.get(0).shape(), a.get(1).shape());
            case POW: return new Binary(Binary.Op.POW, DType.F32, a.get(0).shape(), a.get(1).shape());
            case NEG: return new Unary(Unary.Op.NEG, DType.F32, a.get(0).shape());
            case ABS: return new Unary(Unary.Op.ABS, DType.F32, a.get(0).shape());
            case SQRT: return new Unary(Unary.Op.SQRT, DType.F32, a.get(0).shape());
            case RECIPROCAL: return new Unary(Unary.Op.RECIPROCAL, DType.F32, a.get(0).shape());
            case EXP: return new Unary(Unary.Op.EXP, DType.F32, a.get(0).shape());
            case TANH: return new Unary(Unary.Op.TANH, DType.F32, a.get(0).shape());
            case ERF: return new Unary(Unary.Op.ERF, DType.F32, a.get(0).shape());
            case SIGMOID: return new Unary(Unary.Op.SIGMOID, DType.F32, a.get(0).shape());
            case RELU: return new Unary(Unary.Op.RELU, DType.F32, a.get(0).shape());
            case WHERE: return new Where(DType.F32, a.get(0).shape(), a.get(1).shape(), a.get(2).shape());
            default: throw new IllegalStateException(kind.name());
        }
    }

    static Tensor randomFloats(Random r, long[] shape) {
        Tensor t = Tensor.allocate(DType.F32, shape);
        for (int i = 0; i < t.numel(); i++) {
            float v;
            int pick = r.nextInt(20);
            if (pick == 0) v = SPECIAL[r.nextInt(SPECIAL.length)];
            else if (pick == 1) v = Float.intBitsToFloat(r.nextInt());
            else v = (float) (r.nextGaussian() * 4);
            t.setFloat(i, v);
        }
        return t;
    }

    static Tensor randomBools(Random r, long[] shape) {
        Tensor t = Tensor.allocate(DType.BOOL, shape);
        for (int i = 0; i < t.numel(); i++) t.setBool(i, r.nextBoolean());
        return t;
    }
}
