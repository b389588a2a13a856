package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import dev.ppc.ir.schema.FusedProgram;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * {@code ppc.fused}: a chain of f32 element-wise ops ({@link FusedProgram}) evaluated in one pass
 * over memory, by a class generated for it ({@link FusedClassEmitter}).
 *
 * <p>The output is computed in tiles of {@link #TILE} elements. For each tile, every operand's
 * elements for that range are copied (broadcast as needed) into an on-heap array, the generated
 * code runs the program's loops over those arrays, which stay in the L1 cache, and the result is
 * copied to the output. Scalar operands are read once per run; Where conditions are turned into
 * int masks once per run (over the condition's own elements, usually a small broadcast mask) and
 * copied per tile like data. Intermediate values never go to memory outside the tiles.
 *
 * <p>The result has the same bits as running the fused ops one by one with the unfused kernels:
 * every step rounds to f32 as the op does, and the transcendental functions run exactly the
 * operations of {@link FastMath}.
 *
 * <p>Inputs: the program's operands in order (f32 data, bool conditions), broadcastable to the
 * output. Output: f32 of the broadcast shape; it may be the same tensor as an operand of the
 * output's shape (each tile is read before it is written).
 */
public final class Fused extends AbstractKernel implements ParallelKernel {
    /**
     * Elements per tile: a GELU's live tiles and two double scratch tiles (about 48 KB) stay in
     * L1 or close to it; measured 3% faster than 512 (loop set-up amortized), 2048 no better.
     */
    static final int TILE = 1024;
    /**
     * The most steps one program may have: its generated {@code compute} then stays far below the
     * {@value FusedClassEmitter#HUGE_METHOD_LIMIT} bytes that HotSpot still JIT-compiles (a step
     * takes at most about 50 bytes, see {@link FusedClassEmitter}). Bodies over that limit stay
     * interpreted: measured here on 256K elements, a 560-step chain (8.4 KB) took 0.4 to 2.8 ns per
     * element and step over its first 60 runs, a 500-step one (7.5 KB) 0.02 from its tenth run on.
     * The CPU backend fuses with {@code fuse-elementwise{max-steps=MAX_STEPS}}, so a long chain
     * becomes several fused ops: one pass over memory per {@code MAX_STEPS} ops instead of per op.
     */
    public static final int MAX_STEPS = 64;
    /** Fewest tiles worth handing to another thread (a hand-off costs about a microsecond). */
    private static final int GRAIN_TILES = 8;

    private final FusedProgram program;
    private final FusedPlan plan;
    private final FusedClassEmitter.Generated generated;
    private final int total;
    private final BroadcastPlan[] operandPlans;
    private final int[][] maskSources;
    private Scratch[] scratch;
    private Parallel parallel;
    private final float[] scalarValues;
    private final FloatBuffer[] data;
    /** The output of the current run, read by the chunks of a parallel run. */
    private FloatBuffer out;
    private final Parallel.Task tileChunk = this::tiles;

    /** One thread's tile arrays. */
    private static final class Scratch {
        final float[][] tiles;
        final int[][] masks;
        final double[][] doubles = new double[2][TILE];

        Scratch(FusedPlan plan) {
            tiles = new float[plan.floatTiles][TILE];
            masks = new int[plan.maskTiles][TILE];
        }
    }

    /**
     * A kernel for {@code program} on operands of the given shapes.
     *
     * @throws IllegalArgumentException if the shapes do not broadcast or their number is not the
     *     program's operand count, or the program has more than {@link #MAX_STEPS} steps
     */
    public Fused(FusedProgram program, long[][] operandShapes) {
        super("ppc.fused");
        if (program.steps().size() > MAX_STEPS) {
            throw new IllegalArgumentException("ppc.fused: the program has " + program.steps().size() + " steps; the CPU backend runs at most "
                    + MAX_STEPS + " in one fused op (fuse-elementwise{max-steps=" + MAX_STEPS + "} splits longer chains)");
        }
        int k = program.numOperands();
        if (operandShapes.length != k) {
            throw new IllegalArgumentException("ppc.fused: the program uses " + k + " operands, got " + operandShapes.length + " shapes");
        }
        this.program = program;
        long[] out = Shapes.broadcast(operandShapes);
        this.total = Shapes.toInt(Shapes.numel(out), "element count");
        boolean[] scalar = new boolean[k];
        DType[] types = new DType[k];
        for (int i = 0; i < k; i++) {
            scalar[i] = !program.isCondition(i) && Shapes.numel(operandShapes[i]) == 1;
            types[i] = program.isCondition(i) ? DType.BOOL : DType.F32;
        }
        this.plan = FusedPlan.of(program, scalar);
        this.generated = FusedClassEmitter.bodyFor(plan);
        this.operandPlans = new BroadcastPlan[k];
        this.maskSources = new int[k][];
        for (int i = 0; i < k; i++) {
            if (plan.operandKinds[i] != FusedPlan.OperandKind.SCALAR) operandPlans[i] = BroadcastPlan.of(out, operandShapes[i]);
            if (plan.operandKinds[i] == FusedPlan.OperandKind.MASK) {
                maskSources[i] = new int[Shapes.toInt(Shapes.numel(operandShapes[i]), "element count")];
            }
        }
        this.scratch = new Scratch[] {new Scratch(plan)};
        this.scalarValues = new float[plan.scalars];
        this.data = new FloatBuffer[k];
        inputs(k, operandShapes, types);
        outputs(new long[][] {out}, new DType[] {DType.F32});
    }

    @Override
    public void useParallel(Parallel p) {
        this.parallel = p;
        Scratch[] s = new Scratch[p.threads()];
        s[0] = scratch[0];
        for (int w = 1; w < s.length; w++) s[w] = new Scratch(plan);
        this.scratch = s;
    }

    /** The program this kernel runs. */
    public FusedProgram program() { return program; }

    /** The plan's text, for tests and diagnostics. */
    String planText() { return plan.toString(); }

    /** The generated class file, for verification in tests. */
    byte[] classFile() { return generated.classFile().clone(); }

    /** The bytecode size of the generated {@code compute}, for tests of the size bound. */
    int codeLength() { return generated.codeLength(); }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        for (int k = 0; k < data.length; k++) {
            switch (plan.operandKinds[k]) {
                case SCALAR: scalarValues[plan.operandSlots[k]] = inputs[k].floats().get(0); break;
                case MASK: toMask(inputs[k].data(), maskSources[k]); break;
                default: data[k] = inputs[k].floats();
            }
        }
        out = outputs[0].floats();
        int tiles = (total + TILE - 1) / TILE;
        // Chunks are whole tiles, each computed as in a serial run: the bits do not depend on the split.
        if (parallel != null) parallel.forRange(tiles, GRAIN_TILES, tileChunk);
        else tileChunk.run(0, 0, tiles);
        out = null;
    }

    /** Tiles {@code [from, to)} of the current run, with worker {@code worker}'s arrays. */
    private void tiles(int worker, int from, int to) {
        runTiles(scratch[worker], data, scalarValues, out, from * TILE, Math.min(to * TILE, total));
    }

    /** Computes output elements {@code [from, to)}; {@code from} is a multiple of {@link #TILE}. */
    private void runTiles(Scratch s, FloatBuffer[] data, float[] scalars, FloatBuffer out, int from, int to) {
        float[] result = s.tiles[plan.outputTile];
        for (int start = from; start < to; start += TILE) {
            int n = Math.min(TILE, to - start);
            for (int k = 0; k < data.length; k++) {
                switch (plan.operandKinds[k]) {
                    case TILE: gather(data[k], operandPlans[k], start, n, s.tiles[plan.operandSlots[k]]); break;
                    case MASK: gather(maskSources[k], operandPlans[k], start, n, s.masks[plan.operandSlots[k]]); break;
                    default: break;
                }
            }
            generated.body().compute(s.tiles, s.masks, s.doubles, scalars, n);
            out.put(start, result, 0, n);
        }
    }

    /** All ones where the condition byte is non-zero, as the Where kernel reads it. */
    private static void toMask(ByteBuffer cond, int[] mask) {
        for (int i = 0; i < mask.length; i++) {
            int c = cond.get(i);
            mask[i] = (c | -c) >> 31;
        }
    }

    /** Copies output elements {@code [start, start + n)} of a broadcast operand into {@code dst}. */
    private static void gather(FloatBuffer src, BroadcastPlan p, int start, int n, float[] dst) {
        int inner = p.inner;
        int row = start / inner;
        int col = start - row * inner;
        int done = 0;
        while (done < n) {
            int len = Math.min(inner - col, n - done);
            int base = p.offset(0, row);
            if (p.innerStride[0] == 1) src.get(base + col, dst, done, len);
            else Arrays.fill(dst, done, done + len, src.get(base));
            done += len;
            row++;
            col = 0;
        }
    }

    private static void gather(int[] src, BroadcastPlan p, int start, int n, int[] dst) {
        int inner = p.inner;
        int row = start / inner;
        int col = start - row * inner;
        int done = 0;
        while (done < n) {
            int len = Math.min(inner - col, n - done);
            int base = p.offset(0, row);
            if (p.innerStride[0] == 1) System.arraycopy(src, base + col, dst, done, len);
            else Arrays.fill(dst, done, done + len, src[base]);
            done += len;
            row++;
            col = 0;
        }
    }
}
