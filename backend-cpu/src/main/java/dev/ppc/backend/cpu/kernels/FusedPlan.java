package dev.ppc.backend.cpu.kernels;

import dev.ppc.ir.schema.FusedProgram;
import dev.ppc.ir.schema.FusedProgram.Arg;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a {@link FusedProgram} runs on one tile of elements: a list of instructions over on-heap
 * tile arrays, which {@link FusedClassEmitter} turns into bytecode. Planning is kept apart from
 * emission so that it can be read and tested as data ({@link #toString()}).
 *
 * <p>Each operand is a float tile (gathered from its tensor for every tile, broadcast as needed),
 * a scalar (one element, read once per run) or, for a Where condition, an int mask tile (all ones
 * where the condition holds). The steps become instructions in order:
 * <ul>
 *   <li>cheap float steps (Add, Sub, Mul, Div, Neg, Abs, Relu, Reciprocal, Pow 2 and 3, Where) join a
 *       {@link Loop}, one loop body computing several steps per element in registers, up to
 *       {@link #MAX_LOOP_OPS} steps (larger bodies are not vectorized);
 *   <li>steps computed in double or through tables (Sqrt, Exp, Tanh, Erf, Sigmoid) become a
 *       {@link Call} of the {@link TileMath} function, which runs its own loops.
 * </ul>
 * A step result used by a later instruction, and the last step's, is stored to a float tile;
 * tiles are reused once the values in them are dead.
 */
final class FusedPlan {
    /** Steps per generated loop body; C2 stops unrolling (and so vectorizing) larger ones. */
    static final int MAX_LOOP_OPS = 8;

    /** Where operand {@code k} lives during a tile. */
    enum OperandKind { TILE, SCALAR, MASK }

    /** The operation of one step inside a generated loop; MOVE copies its argument. */
    enum LoopOp { ADD, SUB, MUL, DIV, NEG, ABS, RELU, RECIPROCAL, SQUARE, CUBE, WHERE, MOVE }

    /** The {@link TileMath} function a {@link Call} runs. */
    enum Helper {
        TANH("tanh"), SQRT("sqrt"), EXP("exp"), ERF("erf"), SIGMOID("sigmoid");

        final String method;

        Helper(String method) { this.method = method; }
    }

    /** A value read inside a loop body. */
    sealed interface Val permits TileVal, ScalarVal, LitVal, LocalVal {}

    /** Element i of float tile {@code tile}. */
    record TileVal(int tile) implements Val {
        @Override
        public String toString() { return "t" + tile + "[i]"; }
    }

    /** Scalar operand number {@code scalar}. */
    record ScalarVal(int scalar) implements Val {
        @Override
        public String toString() { return "s" + scalar; }
    }

    /** A float literal. */
    record LitVal(float value) implements Val {
        @Override
        public String toString() { return Float.toString(value); }
    }

    /** The result of step {@code step}, computed earlier in the same loop body. */
    record LocalVal(int step) implements Val {
        @Override
        public String toString() { return "v" + step; }
    }

    /**
     * One step inside a loop body: {@code v<step> = op(args)}, stored to {@code storeTile} when
     * that is not -1. For WHERE, {@code maskTile} is the condition's int tile and the args are
     * the two data values.
     */
    record LoopStep(int step, LoopOp op, List<Val> args, int maskTile, int storeTile) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("v" + step + " = " + op.name().toLowerCase() + "(");
            if (op == LoopOp.WHERE) sb.append("m").append(maskTile).append("[i], ");
            for (int i = 0; i < args.size(); i++) sb.append(i == 0 ? "" : ", ").append(args.get(i));
            sb.append(')');
            if (storeTile >= 0) sb.append(" -> t").append(storeTile);
            return sb.toString();
        }
    }

    /** One instruction of the tile program. */
    sealed interface Instr permits Loop, Call {}

    /** {@code for i < n: body}. */
    record Loop(List<LoopStep> body) implements Instr {
        @Override
        public String toString() { return "loop { " + String.join("; ", body.stream().map(LoopStep::toString).toList()) + " }"; }
    }

    /** {@code TileMath.<helper>(t<src>, t<dst>, n, d0, d1)}. */
    record Call(Helper helper, int srcTile, int dstTile) implements Instr {
        @Override
        public String toString() { return helper.method + "(t" + srcTile + " -> t" + dstTile + ")"; }
    }

    final OperandKind[] operandKinds;
    /** Per operand: its float tile, scalar slot or mask tile, by kind. */
    final int[] operandSlots;
    final List<Instr> instrs;
    final int floatTiles;
    final int maskTiles;
    final int scalars;
    final int outputTile;

    private FusedPlan(OperandKind[] operandKinds, int[] operandSlots, List<Instr> instrs, int floatTiles, int maskTiles,
                      int scalars, int outputTile) {
        this.operandKinds = operandKinds;
        this.operandSlots = operandSlots;
        this.instrs = instrs;
        this.floatTiles = floatTiles;
        this.maskTiles = maskTiles;
        this.scalars = scalars;
        this.outputTile = outputTile;
    }

    /**
     * Plans {@code program}; {@code scalarOperand[k]} says that data operand {@code k} has one
     * element (it is then read once per run rather than gathered per tile).
     */
    static FusedPlan of(FusedProgram program, boolean[] scalarOperand) {
        return new Planner(program, scalarOperand).plan();
    }

    /** A canonical text of the plan: equal plans generate equal classes (the emitter's cache key). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < operandKinds.length; k++) {
            sb.append(k == 0 ? "" : ", ").append('%').append(k).append(':').append(operandKinds[k].name().toLowerCase()).append(operandSlots[k]);
        }
        sb.append(" | tiles ").append(floatTiles).append(", masks ").append(maskTiles).append(", scalars ").append(scalars)
                .append(", out t").append(outputTile).append(" | ");
        for (int i = 0; i < instrs.size(); i++) sb.append(i == 0 ? "" : "; ").append(instrs.get(i));
        return sb.toString();
    }

    private static boolean isHelper(FusedProgram.Step s) {
        switch (s.kind()) {
            case SQRT: case EXP: case TANH: case ERF: case SIGMOID: return true;
            default: return false;
        }
    }

    /** The planning state; used once. */
    private static final class Planner {
        private final FusedProgram program;
        private final List<FusedProgram.Step> steps;
        private final OperandKind[] kinds;
        private final int[] slots;
        private final int[] segment;       // per step: index of the instruction that computes it
        private final int[] lastUseSegment; // per step: last instruction that reads it (-1: none)
        private final int[] stepTile;      // per step: tile it is stored in, or -1
        private final Deque<Integer> freeTiles = new ArrayDeque<>();
        private int floatTiles;
        private int maskTiles;
        private int scalars;

        Planner(FusedProgram program, boolean[] scalarOperand) {
            this.program = program;
            this.steps = program.steps();
            int n = program.numOperands();
            this.kinds = new OperandKind[n];
            this.slots = new int[n];
            for (int k = 0; k < n; k++) {
                if (program.isCondition(k)) {
                    kinds[k] = OperandKind.MASK;
                    slots[k] = maskTiles++;
                } else if (scalarOperand[k]) {
                    kinds[k] = OperandKind.SCALAR;
                    slots[k] = scalars++;
                } else {
                    kinds[k] = OperandKind.TILE;
                    slots[k] = floatTiles++;
                }
            }
            this.segment = new int[steps.size()];
            this.lastUseSegment = new int[steps.size()];
            this.stepTile = new int[steps.size()];
        }

        FusedPlan plan() {
            // Segments: runs of loop steps (at most MAX_LOOP_OPS each) and single helper calls.
            int seg = -1;
            int inLoop = 0;
            boolean open = false;
            for (int s = 0; s < steps.size(); s++) {
                if (isHelper(steps.get(s))) {
                    segment[s] = ++seg;
                    open = false;
                } else {
                    if (!open || inLoop == MAX_LOOP_OPS) {
                        seg++;
                        open = true;
                        inLoop = 0;
                    }
                    segment[s] = seg;
                    inLoop++;
                }
            }
            int last = steps.size() - 1;
            java.util.Arrays.fill(lastUseSegment, -1);
            int[] operandLastUse = new int[program.numOperands()];
            for (int s = 0; s < steps.size(); s++) {
                for (Arg a : steps.get(s).args()) {
                    if (a instanceof FusedProgram.StepResult r) lastUseSegment[r.index()] = Math.max(lastUseSegment[r.index()], segment[s]);
                    if (a instanceof FusedProgram.Operand o) operandLastUse[o.index()] = Math.max(operandLastUse[o.index()], segment[s]);
                }
            }
            int numSegments = segment[last] + 1;
            // Release operand tiles after their last use; results live from their segment on.
            Map<Integer, List<Integer>> releaseAfter = new HashMap<>();
            for (int k = 0; k < kinds.length; k++) {
                if (kinds[k] == OperandKind.TILE) releaseAfter.computeIfAbsent(operandLastUse[k], x -> new ArrayList<>()).add(slots[k]);
            }
            java.util.Arrays.fill(stepTile, -1);
            List<Instr> instrs = new ArrayList<>();
            int s = 0;
            for (int g = 0; g < numSegments; g++) {
                currentSegment = g;
                List<Integer> dying = new ArrayList<>(releaseAfter.getOrDefault(g, List.of()));
                List<LoopStep> body = new ArrayList<>();
                while (s < steps.size() && segment[s] == g) {
                    FusedProgram.Step st = steps.get(s);
                    if (isHelper(st)) {
                        Arg in = st.args().get(0);
                        int src;
                        if (in instanceof FusedProgram.Operand o && kinds[o.index()] == OperandKind.TILE) {
                            src = slots[o.index()];
                        } else if (in instanceof FusedProgram.StepResult r) {
                            src = stepTile[r.index()];
                        } else {
                            // A scalar or literal argument: broadcast it into a tile first.
                            src = allocate();
                            instrs.add(new Loop(List.of(new LoopStep(-1, LoopOp.MOVE, List.of(val(in)), -1, src))));
                            dying.add(src);
                        }
                        stepTile[s] = allocate();
                        instrs.add(new Call(helperOf(st), src, stepTile[s]));
                    } else {
                        if (s == last || lastUseSegment[s] > g) stepTile[s] = allocate();
                        body.add(loopStep(s, st, stepTile[s]));
                    }
                    for (Arg a : st.args()) {
                        if (a instanceof FusedProgram.StepResult r && lastUseSegment[r.index()] == g && stepTile[r.index()] >= 0) {
                            dying.add(stepTile[r.index()]);
                        }
                    }
                    s++;
                }
                if (!body.isEmpty()) instrs.add(new Loop(List.copyOf(body)));
                // Freed only after the instruction, so that it never overwrites a tile it still reads.
                for (int t : dying) if (!freeTiles.contains(t)) freeTiles.push(t);
            }
            return new FusedPlan(kinds, slots, List.copyOf(instrs), floatTiles, maskTiles, scalars, stepTile[last]);
        }

        private int allocate() {
            return freeTiles.isEmpty() ? floatTiles++ : freeTiles.pop();
        }

        private LoopStep loopStep(int s, FusedProgram.Step st, int store) {
            List<Arg> args = st.args();
            switch (st.kind()) {
                case ADD: return new LoopStep(s, LoopOp.ADD, List.of(val(args.get(0)), val(args.get(1))), -1, store);
                case SUB: return new LoopStep(s, LoopOp.SUB, List.of(val(args.get(0)), val(args.get(1))), -1, store);
                case MUL: return new LoopStep(s, LoopOp.MUL, List.of(val(args.get(0)), val(args.get(1))), -1, store);
                case DIV: return new LoopStep(s, LoopOp.DIV, List.of(val(args.get(0)), val(args.get(1))), -1, store);
                case POW: {
                    LoopOp op = ((FusedProgram.Literal) args.get(1)).value() == 2f ? LoopOp.SQUARE : LoopOp.CUBE;
                    return new LoopStep(s, op, List.of(val(args.get(0))), -1, store);
                }
                case NEG: return new LoopStep(s, LoopOp.NEG, List.of(val(args.get(0))), -1, store);
                case ABS: return new LoopStep(s, LoopOp.ABS, List.of(val(args.get(0))), -1, store);
                case RELU: return new LoopStep(s, LoopOp.RELU, List.of(val(args.get(0))), -1, store);
                case RECIPROCAL: return new LoopStep(s, LoopOp.RECIPROCAL, List.of(val(args.get(0))), -1, store);
                case WHERE: {
                    int mask = slots[((FusedProgram.Operand) args.get(0)).index()];
                    return new LoopStep(s, LoopOp.WHERE, List.of(val(args.get(1)), val(args.get(2))), mask, store);
                }
                default: throw new IllegalStateException(st.toString());
            }
        }

        /**
         * How the instruction being built reads {@code a}: a step of the same loop is a local, a
         * step of an earlier instruction is its tile.
         */
        private Val val(Arg a) {
            if (a instanceof FusedProgram.Literal l) return new LitVal(l.value());
            if (a instanceof FusedProgram.Operand o) {
                return kinds[o.index()] == OperandKind.SCALAR ? new ScalarVal(slots[o.index()]) : new TileVal(slots[o.index()]);
            }
            int r = ((FusedProgram.StepResult) a).index();
            return segment[r] == currentSegment ? new LocalVal(r) : new TileVal(stepTile[r]);
        }

        private int currentSegment = -1;

        private static Helper helperOf(FusedProgram.Step st) {
            switch (st.kind()) {
                case TANH: return Helper.TANH;
                case SQRT: return Helper.SQRT;
                case EXP: return Helper.EXP;
                case ERF: return Helper.ERF;
                case SIGMOID: return Helper.SIGMOID;
                default: throw new IllegalStateException(st.toString());
            }
        }
    }
}
