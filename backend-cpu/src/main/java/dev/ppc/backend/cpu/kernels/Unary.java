package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * Element-wise unary ops: one input, one output of the same shape (and the same dtype). The
 * float functions are evaluated in double and rounded once; Exp, Tanh, Sigmoid and Erf use
 * {@link FastMath}. The output may be the input tensor itself (in place).
 *
 * <p>Dtypes: every op takes f32; Neg, Abs and Relu also i64 and i32; Not takes bool only.
 */
public final class Unary extends AbstractKernel {
    /** The supported ops, named as in ONNX. */
    public enum Op { ABS, NEG, SQRT, RECIPROCAL, EXP, LOG, ERF, TANH, SIGMOID, RELU, NOT }

    private final Op op;
    private final DType type;
    private final int n;
    /** Tanh's tiles: it runs as {@link TileMath#tanh} (vectorized, the bits of FastMath.tanh). */
    private final float[] tile;
    private final double[] scratchA, scratchB;

    /** A kernel for {@code op} on a tensor of the given dtype and shape. */
    public Unary(Op op, DType type, long[] shape) {
        super(op.name());
        switch (op) {
            case NOT: requireType("Not", type, DType.BOOL); break;
            case NEG: case ABS: case RELU:
                requireType(op.name(), type, DType.F32, DType.I64, DType.I32);
                break;
            default: requireType(op.name(), type, DType.F32);
        }
        this.op = op;
        this.type = type;
        inputs(1, new long[][] {shape}, new DType[] {type});
        outputs(new long[][] {shape}, new DType[] {type});
        this.n = (int) dev.ppc.backend.Shapes.numel(shape);
        boolean tiled = op == Op.TANH;
        this.tile = tiled ? new float[Fused.TILE] : null;
        this.scratchA = tiled ? new double[Fused.TILE] : null;
        this.scratchB = tiled ? new double[Fused.TILE] : null;
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        Tensor in = inputs[0];
        Tensor out = outputs[0];
        if (type == DType.F32) {
            runFloat(in.floats(), out.floats());
        } else if (type == DType.I64) {
            LongBuffer x = in.longs();
            LongBuffer y = out.longs();
            for (int i = 0; i < n; i++) y.put(i, integer(x.get(i)));
        } else if (type == DType.I32) {
            IntBuffer x = in.ints();
            IntBuffer y = out.ints();
            for (int i = 0; i < n; i++) y.put(i, (int) integer(x.get(i)));
        } else {
            ByteBuffer x = in.data();
            ByteBuffer y = out.data();
            for (int i = 0; i < n; i++) y.put(i, (byte) (x.get(i) != 0 ? 0 : 1));
        }
    }

    private long integer(long v) {
        switch (op) {
            case NEG: return -v;
            case ABS: return Math.abs(v);
            default: return Math.max(v, 0);
        }
    }

    private void runFloat(FloatBuffer x, FloatBuffer y) {
        switch (op) {
            case ABS:
                for (int i = 0; i < n; i++) y.put(i, Math.abs(x.get(i)));
                break;
            case NEG:
                for (int i = 0; i < n; i++) y.put(i, -x.get(i));
                break;
            case SQRT:
                for (int i = 0; i < n; i++) y.put(i, (float) Math.sqrt(x.get(i)));
                break;
            case RECIPROCAL:
                for (int i = 0; i < n; i++) y.put(i, 1f / x.get(i));
                break;
            case EXP:
                for (int i = 0; i < n; i++) y.put(i, (float) FastMath.exp(x.get(i)));
                break;
            case LOG:
                for (int i = 0; i < n; i++) y.put(i, (float) Math.log(x.get(i)));
                break;
            case ERF:
                for (int i = 0; i < n; i++) y.put(i, (float) FastMath.erf(x.get(i)));
                break;
            case TANH:
                for (int start = 0; start < n; start += tile.length) {
                    int len = Math.min(tile.length, n - start);
                    x.get(start, tile, 0, len);
                    TileMath.tanh(tile, tile, len, scratchA, scratchB);
                    y.put(start, tile, 0, len);
                }
                break;
            case SIGMOID:
                for (int i = 0; i < n; i++) y.put(i, (float) FastMath.sigmoid(x.get(i)));
                break;
            case RELU:
                // Math.max propagates NaN; "x > 0 ? x : 0" would turn NaN into 0.
                for (int i = 0; i < n; i++) y.put(i, Math.max(x.get(i), 0f));
                break;
            default:
                throw new IllegalStateException(op.name());
        }
    }
}
