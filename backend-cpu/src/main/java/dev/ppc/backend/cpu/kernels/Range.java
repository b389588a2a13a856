package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

/**
 * ONNX Range: {@code out[0] = start, out[i+1] = out[i] + delta} for {@code i < max(ceil((limit - start) /
 * delta), 0)}. The length depends on the input values, so with static shapes the caller computes
 * it from the (constant) inputs with {@link #length} and builds the kernel with it; the kernel
 * recomputes it when run and fails if the inputs disagree. Dtypes f32, f64, i64, i32; integer
 * ranges are computed exactly in integers.
 */
public final class Range extends AbstractKernel {
    private final DType type;
    private final long count;

    public Range(DType type, long length) {
        super("Range");
        requireType("Range", type, DType.F32, DType.F64, DType.I64, DType.I32);
        if (length < 0) throw new IllegalArgumentException("Range length " + length);
        this.type = type;
        this.count = length;
        inputs(3, new long[][] {null, null, null}, new DType[] {type, type, type});
        outputs(new long[][] {{length}}, new DType[] {type});
    }

    /**
     * The element count for f32 inputs: the difference is taken in float and divided in double,
     * as ONNX Runtime does, so both agree on borderline cases such as {@code (0, 0.3f, 0.1f)}.
     */
    public static long length(float start, float limit, float delta) {
        if (delta == 0) throw new IllegalArgumentException("Range: delta is 0");
        double n = Math.ceil((double) (limit - start) / delta);
        return n > 0 ? (long) n : 0;
    }

    /** The element count for f64 inputs. */
    public static long length(double start, double limit, double delta) {
        if (delta == 0) throw new IllegalArgumentException("Range: delta is 0");
        double n = Math.ceil((limit - start) / delta);
        return n > 0 ? (long) n : 0;
    }

    /** The element count for integer inputs, computed without rounding. */
    public static long length(long start, long limit, long delta) {
        if (delta == 0) throw new IllegalArgumentException("Range: delta is 0");
        long span = limit - start;
        if (delta > 0) return span <= 0 ? 0 : (span + delta - 1) / delta;
        return span >= 0 ? 0 : (-span + (-delta) - 1) / (-delta);
    }

    /** The element count of a Range given its three scalar inputs. */
    public static long length(Tensor start, Tensor limit, Tensor delta) {
        switch (start.dtype()) {
            case F32: return length(start.getFloat(0), limit.getFloat(0), delta.getFloat(0));
            case F64: return length(start.getDouble(0), limit.getDouble(0), delta.getDouble(0));
            case I64: return length(start.getLong(0), limit.getLong(0), delta.getLong(0));
            case I32: return length((long) start.getInt(0), limit.getInt(0), delta.getInt(0));
            default: throw new IllegalArgumentException("Range does not support " + start.dtype());
        }
    }

    @Override
    public void run(Tensor[] inputs, Tensor[] outputs) {
        check(inputs, outputs);
        long n = length(inputs[0], inputs[1], inputs[2]);
        if (n != count) {
            throw new IllegalStateException("Range: the inputs give " + n + " elements but the"
                    + " kernel was built for " + count);
        }
        Tensor out = outputs[0];
        int c = (int) count;
        switch (type) {
            case F32: {
                // Accumulated, as the ONNX function body (a Loop adding delta) and ONNX Runtime
                // do; start + i * delta would round differently.
                float v = inputs[0].getFloat(0);
                float d = inputs[2].getFloat(0);
                for (int i = 0; i < c; i++, v += d) out.floats().put(i, v);
                break;
            }
            case F64: {
                double v = inputs[0].getDouble(0);
                double d = inputs[2].getDouble(0);
                for (int i = 0; i < c; i++, v += d) out.doubles().put(i, v);
                break;
            }
            case I64: {
                long s = inputs[0].getLong(0);
                long d = inputs[2].getLong(0);
                for (int i = 0; i < c; i++) out.longs().put(i, s + i * d);
                break;
            }
            default: {
                int s = inputs[0].getInt(0);
                int d = inputs[2].getInt(0);
                for (int i = 0; i < c; i++) out.ints().put(i, s + i * d);
            }
        }
    }
}
