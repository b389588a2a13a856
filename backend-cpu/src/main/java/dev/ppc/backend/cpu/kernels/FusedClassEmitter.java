package dev.ppc.backend.cpu.kernels;

import static org.objectweb.asm.Opcodes.AALOAD;
import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_PUBLIC;
import static org.objectweb.asm.Opcodes.ACC_SUPER;
import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.ASTORE;
import static org.objectweb.asm.Opcodes.FADD;
import static org.objectweb.asm.Opcodes.FALOAD;
import static org.objectweb.asm.Opcodes.FASTORE;
import static org.objectweb.asm.Opcodes.FCONST_0;
import static org.objectweb.asm.Opcodes.FCONST_1;
import static org.objectweb.asm.Opcodes.FDIV;
import static org.objectweb.asm.Opcodes.FLOAD;
import static org.objectweb.asm.Opcodes.FMUL;
import static org.objectweb.asm.Opcodes.FNEG;
import static org.objectweb.asm.Opcodes.FSTORE;
import static org.objectweb.asm.Opcodes.FSUB;
import static org.objectweb.asm.Opcodes.GOTO;
import static org.objectweb.asm.Opcodes.IALOAD;
import static org.objectweb.asm.Opcodes.IAND;
import static org.objectweb.asm.Opcodes.ICONST_0;
import static org.objectweb.asm.Opcodes.ICONST_M1;
import static org.objectweb.asm.Opcodes.IF_ICMPLT;
import static org.objectweb.asm.Opcodes.ILOAD;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.IOR;
import static org.objectweb.asm.Opcodes.ISTORE;
import static org.objectweb.asm.Opcodes.IXOR;
import static org.objectweb.asm.Opcodes.RETURN;
import static org.objectweb.asm.Opcodes.V17;

import java.lang.invoke.MethodHandles;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * The one class that speaks to ASM: turns a {@link FusedPlan} into a hidden class implementing
 * {@link TileBody}, whose {@code compute} runs the plan's instructions over one tile.
 *
 * <p>A {@link FusedPlan.Loop} becomes a counted loop {@code for (int i = 0; i < n; i++)} whose
 * body loads each operand element once, keeps step results in float locals and stores the ones
 * the plan stores: the shape C2 unrolls and vectorizes. Literals are constants in the code, scalar
 * operands and the tile arrays are locals loaded once before the loops, so the loops read nothing
 * but array elements. A {@link FusedPlan.Call} is a static call of the {@link TileMath} function.
 * Where selects by bits, {@code (x & m) | (y & ~m)}, which moves NaN payloads and signed zeros
 * unchanged, as the unfused Where kernel does.
 *
 * <p>Classes are built with {@code COMPUTE_FRAMES} and defined as hidden classes in this package
 * (so that they can call the package's {@link TileMath} and can be unloaded with their kernels).
 * Equal plans share one class: the eight GPT-2 layers' GELUs are one class, compiled once by the
 * JIT. Tests verify every emitted class with ASM's {@code CheckClassAdapter}.
 *
 * <p>Size: HotSpot does not JIT-compile a method of more than {@value #HUGE_METHOD_LIMIT} bytes of
 * bytecode ({@code -XX:+DontCompileHugeMethods}, the default), and a method cannot exceed 64 KiB.
 * The bulkiest step, a Where whose condition and data are fresh operands (two more tiles loaded
 * before the loops, two mask reads and two bit conversions in the loop), takes about 50 bytes of
 * {@code compute}; {@link Fused#MAX_STEPS} steps have fewer than 256 locals (at most 129 operands
 * and 63 stored step results), so no load needs the wider form. {@link #emit} checks the size of
 * every body it emits.
 */
final class FusedClassEmitter {
    /** What a generated class implements. */
    interface TileBody {
        /**
         * Runs the plan on elements {@code [0, n)} of the tiles.
         *
         * @param tiles the float tiles (operand tiles filled, the others scratch)
         * @param masks the int mask tiles of the Where conditions
         * @param scratch two double arrays of at least {@code n} elements for {@link TileMath}
         * @param scalars the values of the scalar operands
         */
        void compute(float[][] tiles, int[][] masks, double[][] scratch, float[] scalars, int n);
    }

    /** A generated body, its class file (kept for verification) and the bytecode size of its {@code compute}. */
    record Generated(TileBody body, byte[] classFile, int codeLength) {}

    /** HotSpot's largest method it JIT-compiles ({@code HugeMethodLimit}); a bigger body would stay interpreted. */
    static final int HUGE_METHOD_LIMIT = 8000;

    private static final Map<String, Generated> CACHE = new ConcurrentHashMap<>();
    private static final String BODY = Type.getInternalName(TileBody.class);
    private static final String TILE_MATH = Type.getInternalName(TileMath.class);
    private static final String COMPUTE_DESC = "([[F[[I[[D[FI)V";
    private static final String HELPER_DESC = "([F[FI[D[D)V";

    // Local variable slots of compute(): 0 this, 1 tiles, 2 masks, 3 scratch, 4 scalars, 5 n.
    private static final int TILES = 1, MASKS = 2, SCRATCH = 3, SCALARS = 4, N = 5, FIRST_FREE = 6;

    private FusedClassEmitter() {}

    /** The body for {@code plan}, generated on first request and shared afterwards. */
    static Generated bodyFor(FusedPlan plan) {
        return CACHE.computeIfAbsent(plan.toString(), key -> define(emit(plan)));
    }

    private static Generated define(Emitted emitted) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(emitted.classFile(), true);
            TileBody body = (TileBody) lookup.lookupClass().getDeclaredConstructor().newInstance();
            return new Generated(body, emitted.classFile(), emitted.codeLength());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot define a generated fused kernel class", e);
        }
    }

    /** A class file and the bytecode size of its {@code compute}. */
    record Emitted(byte[] classFile, int codeLength) {}

    /**
     * The class file for {@code plan}.
     *
     * @throws IllegalStateException if {@code compute} would exceed {@value #HUGE_METHOD_LIMIT}
     *     bytes (a plan of more steps than {@link Fused#MAX_STEPS} allows can)
     */
    static Emitted emit(FusedPlan plan) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                // Frames only ever merge a slot with itself (same array type); never load classes here.
                return a.equals(b) ? a : "java/lang/Object";
            }
        };
        String name = Type.getInternalName(FusedClassEmitter.class).replace("FusedClassEmitter", "FusedTileBody");
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object", new String[] {BODY});
        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "compute", COMPUTE_DESC, null, null);
        mv.visitCode();
        new BodyWriter(mv, plan).write();
        // A label just before the last instruction resolves to the code size less one byte.
        Label end = new Label();
        mv.visitLabel(end);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        int codeLength = end.getOffset() + 1;
        if (codeLength > HUGE_METHOD_LIMIT) {
            throw new IllegalStateException("a fused kernel of " + codeLength + " bytes of bytecode exceeds the JIT's limit of "
                    + HUGE_METHOD_LIMIT + "; the plan has " + plan.instrs.size() + " instructions");
        }
        return new Emitted(cw.toByteArray(), codeLength);
    }

    /** Emits the body of compute(): locals for arrays and scalars, then each instruction. */
    private static final class BodyWriter {
        private final MethodVisitor mv;
        private final FusedPlan plan;
        private final int tileBase, maskBase, scratchBase, scalarBase, index, stepBase;

        BodyWriter(MethodVisitor mv, FusedPlan plan) {
            this.mv = mv;
            this.plan = plan;
            this.tileBase = FIRST_FREE;
            this.maskBase = tileBase + plan.floatTiles;
            this.scratchBase = maskBase + plan.maskTiles;
            this.scalarBase = scratchBase + 2;
            this.index = scalarBase + plan.scalars;
            this.stepBase = index + 1;
        }

        void write() {
            for (int t = 0; t < plan.floatTiles; t++) loadElement(TILES, t, tileBase + t);
            for (int m = 0; m < plan.maskTiles; m++) loadElement(MASKS, m, maskBase + m);
            for (int d = 0; d < 2; d++) loadElement(SCRATCH, d, scratchBase + d);
            for (int s = 0; s < plan.scalars; s++) {
                mv.visitVarInsn(ALOAD, SCALARS);
                pushInt(s);
                mv.visitInsn(FALOAD);
                mv.visitVarInsn(FSTORE, scalarBase + s);
            }
            for (FusedPlan.Instr instr : plan.instrs) {
                if (instr instanceof FusedPlan.Loop loop) loop(loop);
                else call((FusedPlan.Call) instr);
            }
        }

        private void loadElement(int arraySlot, int element, int target) {
            mv.visitVarInsn(ALOAD, arraySlot);
            pushInt(element);
            mv.visitInsn(AALOAD);
            mv.visitVarInsn(ASTORE, target);
        }

        private void call(FusedPlan.Call c) {
            mv.visitVarInsn(ALOAD, tileBase + c.srcTile());
            mv.visitVarInsn(ALOAD, tileBase + c.dstTile());
            mv.visitVarInsn(ILOAD, N);
            mv.visitVarInsn(ALOAD, scratchBase);
            mv.visitVarInsn(ALOAD, scratchBase + 1);
            mv.visitMethodInsn(INVOKESTATIC, TILE_MATH, c.helper().method, HELPER_DESC, false);
        }

        private void loop(FusedPlan.Loop loop) {
            Label body = new Label(), check = new Label();
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, index);
            mv.visitJumpInsn(GOTO, check);
            mv.visitLabel(body);
            // Each step's value goes to its own float local; a MOVE step has step -1.
            Map<Integer, Integer> localOf = new HashMap<>();
            int next = stepBase;
            for (FusedPlan.LoopStep st : loop.body()) {
                int local = next++;
                if (st.step() >= 0) localOf.put(st.step(), local);
                compute(st, localOf);
                mv.visitVarInsn(FSTORE, local);
                if (st.storeTile() >= 0) {
                    mv.visitVarInsn(ALOAD, tileBase + st.storeTile());
                    mv.visitVarInsn(ILOAD, index);
                    mv.visitVarInsn(FLOAD, local);
                    mv.visitInsn(FASTORE);
                }
            }
            mv.visitIincInsn(index, 1);
            mv.visitLabel(check);
            mv.visitVarInsn(ILOAD, index);
            mv.visitVarInsn(ILOAD, N);
            mv.visitJumpInsn(IF_ICMPLT, body);
        }

        /** Leaves the step's float value on the stack. */
        private void compute(FusedPlan.LoopStep st, Map<Integer, Integer> localOf) {
            switch (st.op()) {
                case ADD: binary(st, FADD, localOf); break;
                case SUB: binary(st, FSUB, localOf); break;
                case MUL: binary(st, FMUL, localOf); break;
                case DIV: binary(st, FDIV, localOf); break;
                case NEG:
                    push(st.args().get(0), localOf);
                    mv.visitInsn(FNEG);
                    break;
                case ABS:
                    push(st.args().get(0), localOf);
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "abs", "(F)F", false);
                    break;
                case RELU:
                    // Math.max(x, 0f) as in Unary: NaN stays NaN, -0.0 becomes 0.0.
                    push(st.args().get(0), localOf);
                    mv.visitInsn(FCONST_0);
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "max", "(FF)F", false);
                    break;
                case RECIPROCAL:
                    mv.visitInsn(FCONST_1);
                    push(st.args().get(0), localOf);
                    mv.visitInsn(FDIV);
                    break;
                case SQUARE:
                    push(st.args().get(0), localOf);
                    push(st.args().get(0), localOf);
                    mv.visitInsn(FMUL);
                    break;
                case CUBE:
                    // (x * x) * x, left to right as in FloatBinaryLoops.
                    push(st.args().get(0), localOf);
                    push(st.args().get(0), localOf);
                    mv.visitInsn(FMUL);
                    push(st.args().get(0), localOf);
                    mv.visitInsn(FMUL);
                    break;
                case MOVE:
                    push(st.args().get(0), localOf);
                    break;
                case WHERE:
                    where(st, localOf);
                    break;
                default:
                    throw new IllegalStateException(st.op().name());
            }
        }

        private void binary(FusedPlan.LoopStep st, int opcode, Map<Integer, Integer> localOf) {
            push(st.args().get(0), localOf);
            push(st.args().get(1), localOf);
            mv.visitInsn(opcode);
        }

        /** {@code intBitsToFloat((bits(x) & m) | (bits(y) & ~m))} with {@code m = mask[i]}. */
        private void where(FusedPlan.LoopStep st, Map<Integer, Integer> localOf) {
            push(st.args().get(0), localOf);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
            pushMask(st.maskTile());
            mv.visitInsn(IAND);
            push(st.args().get(1), localOf);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
            pushMask(st.maskTile());
            mv.visitInsn(ICONST_M1);
            mv.visitInsn(IXOR);
            mv.visitInsn(IAND);
            mv.visitInsn(IOR);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
        }

        private void pushMask(int mask) {
            mv.visitVarInsn(ALOAD, maskBase + mask);
            mv.visitVarInsn(ILOAD, index);
            mv.visitInsn(IALOAD);
        }

        private void push(FusedPlan.Val v, Map<Integer, Integer> localOf) {
            if (v instanceof FusedPlan.TileVal t) {
                mv.visitVarInsn(ALOAD, tileBase + t.tile());
                mv.visitVarInsn(ILOAD, index);
                mv.visitInsn(FALOAD);
            } else if (v instanceof FusedPlan.ScalarVal s) {
                mv.visitVarInsn(FLOAD, scalarBase + s.scalar());
            } else if (v instanceof FusedPlan.LitVal l) {
                // Bits decide: 0.0f and -0.0f are different literals.
                if (Float.floatToRawIntBits(l.value()) == 0) mv.visitInsn(FCONST_0);
                else if (l.value() == 1f) mv.visitInsn(FCONST_1);
                else mv.visitLdcInsn(l.value());
            } else {
                Integer local = localOf.get(((FusedPlan.LocalVal) v).step());
                if (local == null) throw new IllegalStateException("step " + v + " is read before it is computed");
                mv.visitVarInsn(FLOAD, local);
            }
        }

        private void pushInt(int v) {
            if (v <= 5) mv.visitInsn(ICONST_0 + v);
            else if (v <= Short.MAX_VALUE) mv.visitIntInsn(org.objectweb.asm.Opcodes.SIPUSH, v);
            else mv.visitLdcInsn(v);
        }
    }
}
