package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * Element-wise binary ops with ONNX multidirectional broadcasting: arithmetic (Add, Sub, Mul,
 * Div, Pow, and the two-input forms of Min and Max), comparisons (to bool) and logical ops.
 *
 * <p>Inputs: {@code A}, {@code B}. Output: {@code C} of shape {@code broadcast(A, B)}.
 * f32 arithmetic runs through {@link FloatBinaryLoops}; the other dtypes (f64, i64, i32, bool)
 * through a generic loop, since they carry indices, shapes and masks rather than bulk data.
 * Integer Div truncates toward zero, as in C (and ONNX Runtime); integer overflow wraps.
 */
public final class Binary extends AbstractKernel implements ParallelKernel {
    /** The supported ops, named as in ONNX. */
    public enum Op {
        ADD, SUB, MUL, DIV, POW, MIN, MAX,
        EQUAL, LESS, LESS_OR_EQUAL, GREATER, GREATER_OR_EQUAL,
        AND, OR, XOR;

        boolean isComparison() {
            return this == EQUAL || this == LESS || this == LESS_OR_EQUAL || this == GREATER
                    || this == GREATER_OR_EQUAL;
        }

        boolean isLogical() {
            return this == AND || this == OR || this == XOR;
        }
    }

    private final Op op;
    private final DType type;
    private final DType exponentType;
    private final BroadcastPlan plan;
    private Parallel parallel;
    private FloatBuffer runA, runB, runC;
    private final Parallel.Task floatChunk = this::floatChunk;

    /** A kernel for {@code op} on two inputs of dtype {@code type}. */
    public Binary(Op op, DType type, long[] aShape, long[] bShape) {
        this(op, type, type, aShape, bShape);
    }

    /**
     * A kernel whose second input has its own dtype; only Pow allows that (ONNX Pow takes, for
     * example, an f32 base and an i64 exponent).
     */
    public Binary(Op op, DType type, DType bType, long[] aShape, long[] bShape) {
        super(op.name());
        this.op = op;
        this.type = type;
        this.exponentType = bType;
        if (op == Op.POW) {
            requireType("Pow", type, DType.F32, DType.F64);
            requireType("Pow exponent", bType, DType.F32, DType.F64, DType.I64, DType.I32);
        } else {
            if (bType != type) {
                throw new IllegalArgumentException(op + " needs both inputs of one dtype, got "
                        + type + " and " + bType);
            }
            if (op.isLogical()) {
                requireType(op.name(), type, DType.BOOL);
            } else if (op == Op.EQUAL) {
                requireType(op.name(), type, DType.F32, DType.F64, DType.I64, DType.I32, DType.BOOL);
            } else {
                requireType(op.name(), type, DType.F32, DType.F64, DType.I64, DType.I32);
            }
        }
        long[] out = outputShape(aShape, bShape);
        this.plan = BroadcastPlan.of(out, aShape, bShape);
        DType outType = op.isComparison() ? DType.BOOL : type;
        inputs(2, new long[][] {aShape, bShape}, new DType[] {type, bType});
        outputs(new long[][] {out}, new DType[] {outType});
    }

    /** The broadcast output shape. */
    public static long[] outputShape(long[] aShape, long[] bShape) {
        return Shapes.broadcast(aShape, bShape);
    }

    @Override
    public void useParallel(Parallel p) { this.parallel = p; }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        compute(inputs[0], inputs[1], outputs[0]);
    }

    /**
     * The computation without the signature check; {@code c} may be the same tensor as
     * {@code a} when they have the same shape (each element is read before it is written).
     */
    void compute(Tensor a, Tensor b, Tensor c) {
        if (type == DType.F32 && exponentType == DType.F32 && !op.isComparison()) {
            floatLoop(a.floats(), b.floats(), c.floats());
        } else if (op.isLogical() || type == DType.BOOL) {
            boolLoop(a.data(), b.data(), c.data());
        } else if (type == DType.F32 || type == DType.F64) {
            doubleLoop(a, b, c);
        } else {
            longLoop(a, b, c);
        }
    }

    private void floatLoop(FloatBuffer a, FloatBuffer b, FloatBuffer c) {
        if (parallel == null) {
            floatRange(a, b, c, 0, plan.total);
            return;
        }
        runA = a;
        runB = b;
        runC = c;
        // Element ranges; every element is computed by the same loop as in a serial run.
        parallel.forRange(plan.total, 16384, floatChunk);
        runA = runB = runC = null;
    }

    private void floatChunk(int worker, int from, int to) {
        floatRange(runA, runB, runC, from, to);
    }

    /** Output elements {@code [from, to)}: the rows' inner loops, cut at the range's ends. */
    private void floatRange(FloatBuffer a, FloatBuffer b, FloatBuffer c, int from, int to) {
        int as = plan.innerStride[0];
        int bs = plan.innerStride[1];
        int n = plan.inner;
        if (n == 0) return;
        int r = from / n;
        int col = from - r * n;
        for (int e = from; e < to; r++, col = 0) {
            int len = Math.min(n - col, to - e);
            int ao = plan.offset(0, r) + col * as;
            int bo = plan.offset(1, r) + col * bs;
            int co = e;
            switch (op) {
                case ADD: FloatBinaryLoops.add(a, ao, as, b, bo, bs, c, co, len); break;
                case SUB: FloatBinaryLoops.sub(a, ao, as, b, bo, bs, c, co, len); break;
                case MUL: FloatBinaryLoops.mul(a, ao, as, b, bo, bs, c, co, len); break;
                case DIV: FloatBinaryLoops.div(a, ao, as, b, bo, bs, c, co, len); break;
                case POW: FloatBinaryLoops.pow(a, ao, as, b, bo, bs, c, co, len); break;
                case MIN: FloatBinaryLoops.min(a, ao, as, b, bo, bs, c, co, len); break;
                case MAX: FloatBinaryLoops.max(a, ao, as, b, bo, bs, c, co, len); break;
                default: throw new IllegalStateException(op.name());
            }
            e += len;
        }
    }

    private static double readDouble(Tensor t, int i) {
        switch (t.dtype()) {
            case F32: return t.floats().get(i);
            case F64: return t.doubles().get(i);
            case I64: return t.longs().get(i);
            default: return t.ints().get(i);
        }
    }

    private void doubleLoop(Tensor a, Tensor b, Tensor c) {
        FloatBuffer cf = c.dtype() == DType.F32 ? c.floats() : null;
        DoubleBuffer cd = c.dtype() == DType.F64 ? c.doubles() : null;
        ByteBuffer cb = c.data();
        int as = plan.innerStride[0];
        int bs = plan.innerStride[1];
        int n = plan.inner;
        for (int r = 0; r < plan.rows; r++) {
            int ao = plan.offset(0, r);
            int bo = plan.offset(1, r);
            for (int i = 0, ci = r * n; i < n; i++, ci++) {
                double x = readDouble(a, ao + i * as);
                double y = readDouble(b, bo + i * bs);
                if (op.isComparison()) {
                    cb.put(ci, (byte) (compare(x, y) ? 1 : 0));
                    continue;
                }
                double v;
                switch (op) {
                    case ADD: v = x + y; break;
                    case SUB: v = x - y; break;
                    case MUL: v = x * y; break;
                    case DIV: v = x / y; break;
                    case POW: v = Math.pow(x, y); break;
                    case MIN: v = Math.min(x, y); break;
                    case MAX: v = Math.max(x, y); break;
                    default: throw new IllegalStateException(op.name());
                }
                if (cf != null) cf.put(ci, (float) v); else cd.put(ci, v);
            }
        }
    }

    private boolean compare(double x, double y) {
        switch (op) {
            case EQUAL: return x == y;
            case LESS: return x < y;
            case LESS_OR_EQUAL: return x <= y;
            case GREATER: return x > y;
            default: return x >= y;
        }
    }

    private boolean compare(long x, long y) {
        switch (op) {
            case EQUAL: return x == y;
            case LESS: return x < y;
            case LESS_OR_EQUAL: return x <= y;
            case GREATER: return x > y;
            default: return x >= y;
        }
    }

    private void longLoop(Tensor a, Tensor b, Tensor c) {
        boolean wide = type == DType.I64;
        LongBuffer al = wide ? a.longs() : null;
        LongBuffer bl = wide ? b.longs() : null;
        IntBuffer ai = wide ? null : a.ints();
        IntBuffer bi = wide ? null : b.ints();
        ByteBuffer cb = c.data();
        LongBuffer cl = !op.isComparison() && wide ? c.longs() : null;
        IntBuffer ci32 = !op.isComparison() && !wide ? c.ints() : null;
        int as = plan.innerStride[0];
        int bs = plan.innerStride[1];
        int n = plan.inner;
        for (int r = 0; r < plan.rows; r++) {
            int ao = plan.offset(0, r);
            int bo = plan.offset(1, r);
            for (int i = 0, ci = r * n; i < n; i++, ci++) {
                long x = wide ? al.get(ao + i * as) : ai.get(ao + i * as);
                long y = wide ? bl.get(bo + i * bs) : bi.get(bo + i * bs);
                if (op.isComparison()) {
                    cb.put(ci, (byte) (compare(x, y) ? 1 : 0));
                    continue;
                }
                long v;
                switch (op) {
                    case ADD: v = x + y; break;
                    case SUB: v = x - y; break;
                    case MUL: v = x * y; break;
                    case DIV:
                        if (y == 0) {
                            throw new ArithmeticException("integer division by zero: the divisor has an element 0");
                        }
                        v = x / y;
                        break;
                    case MIN: v = Math.min(x, y); break;
                    case MAX: v = Math.max(x, y); break;
                    default: throw new IllegalStateException(op.name());
                }
                if (wide) cl.put(ci, v); else ci32.put(ci, (int) v);
            }
        }
    }

    private void boolLoop(ByteBuffer a, ByteBuffer b, ByteBuffer c) {
        int as = plan.innerStride[0];
        int bs = plan.innerStride[1];
        int n = plan.inner;
        for (int r = 0; r < plan.rows; r++) {
            int ao = plan.offset(0, r);
            int bo = plan.offset(1, r);
            for (int i = 0, ci = r * n; i < n; i++, ci++) {
                boolean x = a.get(ao + i * as) != 0;
                boolean y = b.get(bo + i * bs) != 0;
                boolean v;
                switch (op) {
                    case AND: v = x && y; break;
                    case OR: v = x || y; break;
                    case XOR: v = x ^ y; break;
                    default: v = x == y; break;
                }
                c.put(ci, (byte) (v ? 1 : 0));
            }
        }
    }
}
