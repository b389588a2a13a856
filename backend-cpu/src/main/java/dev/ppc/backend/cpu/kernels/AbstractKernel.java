package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

/**
 * The bookkeeping every kernel shares: it records the expected input and output signatures at
 * construction and checks tensors against them when run, so that a binding mistake fails with a
 * message instead of reading the wrong memory.
 */
abstract class AbstractKernel implements Kernel {
    private final String name;
    private long[][] inShapes = new long[0][];
    private DType[] inTypes = new DType[0];
    private int requiredInputs;
    private long[][] outShapes = new long[0][];
    private DType[] outTypes = new DType[0];
    private boolean firstOutputRequired = true;

    AbstractKernel(String name) {
        this.name = name;
    }

    /**
     * Declares the inputs. The first {@code required} must be present at run time; later ones
     * are optional. A {@code null} shape or type means "not checked" (e.g. optional inputs whose
     * presence is decided at run time).
     */
    final void inputs(int required, long[][] shapes, DType[] types) {
        this.requiredInputs = required;
        this.inShapes = copy(shapes);
        this.inTypes = types.clone();
    }

    /** Declares the outputs; the first must be present at run time. */
    final void outputs(long[][] shapes, DType[] types) {
        this.outShapes = copy(shapes);
        this.outTypes = types.clone();
    }

    /** Declares the outputs, every one of them optional (e.g. the pieces of a Split). */
    final void optionalOutputs(long[][] shapes, DType[] types) {
        outputs(shapes, types);
        this.firstOutputRequired = false;
    }

    private static long[][] copy(long[][] s) {
        long[][] r = new long[s.length][];
        for (int i = 0; i < s.length; i++) r[i] = s[i] == null ? null : s[i].clone();
        return r;
    }

    @Override
    public long[][] outputShapes() {
        return copy(outShapes);
    }

    @Override
    public DType[] outputTypes() {
        return outTypes.clone();
    }

    /** The output shape {@code i} as recorded (not a copy: callers must not modify it). */
    final long[] outShape(int i) {
        return outShapes[i];
    }

    /** Whether optional input {@code i} was supplied. */
    static boolean present(Tensor[] ts, int i) {
        return i < ts.length && ts[i] != null;
    }

    /** Checks counts, dtypes and shapes of both arrays against the declared signature. */
    final void check(Tensor[] in, Tensor[] out) {
        if (in.length < requiredInputs) {
            throw new IllegalArgumentException(name + ": needs " + requiredInputs
                    + " inputs, got " + in.length);
        }
        for (int i = 0; i < in.length && i < inShapes.length; i++) {
            if (in[i] == null) {
                if (i < requiredInputs) {
                    throw new IllegalArgumentException(name + ": input " + i + " is missing");
                }
                continue;
            }
            checkOne("input", i, in[i], inShapes[i], inTypes[i]);
        }
        if (firstOutputRequired && (out.length < 1 || out[0] == null)) {
            throw new IllegalArgumentException(name + ": output 0 is missing");
        }
        for (int i = 0; i < out.length && i < outShapes.length; i++) {
            if (out[i] != null) checkOne("output", i, out[i], outShapes[i], outTypes[i]);
        }
    }

    private void checkOne(String what, int i, Tensor t, long[] shape, DType type) {
        if (type != null && t.dtype() != type) {
            throw new IllegalArgumentException(name + ": " + what + " " + i + " must be " + type
                    + ", got " + t.dtype());
        }
        if (shape != null && !t.hasShape(shape)) {
            throw new IllegalArgumentException(name + ": " + what + " " + i + " must have shape "
                    + Shapes.str(shape) + ", got " + Shapes.str(t.shape()));
        }
    }

    /** The kernel's name, for messages. */
    final String name() {
        return name;
    }

    /** Throws unless {@code t} is one of {@code allowed}. */
    static void requireType(String op, DType t, DType... allowed) {
        for (DType a : allowed) {
            if (a == t) return;
        }
        StringBuilder sb = new StringBuilder();
        for (DType a : allowed) sb.append(sb.length() == 0 ? "" : ", ").append(a);
        throw new IllegalArgumentException(op + " does not support dtype " + t + " (supported: "
                + sb + ")");
    }
}
