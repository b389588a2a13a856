package dev.ppc.backend.cpu.kernels;

import java.nio.FloatBuffer;

/**
 * The f32 inner loops of the element-wise binary kernels: {@code c[co + i] = op(a[ao + i*as],
 * b[bo + i*bs])} for {@code i < n}.
 *
 * <p>Each op has its own loops, specialized for the stride patterns that broadcasting produces
 * (both contiguous, one operand a broadcast scalar, anything else), because a loop whose body
 * calls through an interface or switches on the op per element runs several times slower: the
 * JIT cannot inline a call site shared by all ops, nor hoist the switch out of the loop.
 *
 * <p>The contiguous loops index views sliced at the row offsets ({@code a.slice(ao, n)}) rather
 * than {@code a.get(ao + i)}: on JDK 17, C2 unrolls and vectorizes a direct-buffer loop only when
 * the index is the bare induction variable (measured: 0.26 against 0.6-0.9 ns per element). The
 * slices do not escape the method, so escape analysis usually removes them.
 */
final class FloatBinaryLoops {
    private FloatBinaryLoops() {}

    static void add(FloatBuffer a, int ao, int as, FloatBuffer b, int bo, int bs,
            FloatBuffer c, int co, int n) {
        FloatBuffer cv = c.slice(co, n);
        if (as == 1 && bs == 1) {
            FloatBuffer av = a.slice(ao, n);
            FloatBuffer bv = b.slice(bo, n);
            for (int i = 0; i < n; i++) {
                float x = av.get(i), y = bv.get(i);
                cv.put(i, x + y);
            }
        } else if (as == 1 && bs == 0) {
            FloatBuffer av = a.slice(ao, n);
            float y = b.get(bo);
            for (int i = 0; i < n; i++) {
                float x = av.get(i);
                cv.put(i, x + y);
            }
        } else if (as == 0 && bs == 1) {
            FloatBuffer bv = b.slice(bo, n);
            float x = a.get(ao);
            for (int i = 0; i < n; i++) {
                float y = bv.get(i);
                cv.put(i, x + y);
            }
        } else {
            for (int i = 0; i < n; i++) {
                float x = a.get(ao + i * as), y = b.get(bo + i * bs);
                cv.put(i, x + y);
            }
        }
    }

    static void sub(FloatBuffer a, int ao, int as, FloatBuffer b, int bo, int bs,
            FloatBuffer c, int co, int n) {
        FloatBuffer cv = c.slice(co, n);
        if (as == 1 && bs == 1) {
            FloatBuffer av = a.slice(ao, n);
            FloatBuffer bv = b.slice(bo, n);
            for (int i = 0; i < n; i++) {
                float x = av.get(i), y = bv.get(i);
                cv.put(i, x - y);
            }
        } else if (as == 1 && bs == 0) {
            FloatBuffer av = a.slice(ao, n);
            float y = b.get(bo);
            for (int i = 0; i < n; i++) {
                float x = av.get(i);
                cv.put(i, x - y);
            }
        } else if (as == 0 && bs == 1) {
            FloatBuffer bv = b.slice(bo, n);
            float x = a.get(ao);
            for (int i = 0; i < n; i++) {
                float y = bv.get(i);
                cv.put(i, x - y);
            }
        } else {
            for (int i = 0; i < n; i++) {
                float x = a.get(ao + i * as), y = b.get(bo + i * bs);
                cv.put(i, x - y);
            }
        }
    }

    static void mul(FloatBuffer a, int ao, int as, FloatBuffer b, int bo, int bs,
            FloatBuffer c, int co, int n) {
        FloatBuffer cv = c.slice(co, n);
        if (as == 1 && bs == 1) {
            FloatBuffer av = a.slice(ao, n);
            FloatBuffer bv = b.slice(bo, n);
            for (int i = 0; i < n; i++) {
                float x = av.get(i), y = bv.get(i);
                cv.put(i, x * y);
            }
        } else if (as == 1 && bs == 0) {
            FloatBuffer av = a.slice(ao, n);
            float y = b.get(bo);
            for (int i = 0; i < n; i++) {
                float x = av.get(i);
                cv.put(i, x * y);
            }
        } else if (as == 0 && bs == 1) {
            FloatBuffer bv = b.slice(bo, n);
            float x = a.get(ao);
            for (int i = 0; i < n; i++) {
                float y = bv.get(i);
                cv.put(i, x * y);
            }
        } else {
            for (int i = 0; i < n; i++) {
                float x = a.get(ao + i * as), y = b.get(bo + i * bs);
                cv.put(i, x * y);
            }
        }
    }

    static void div(FloatBuffer a, int ao, int as, FloatBuffer b, int bo, int bs,
            FloatBuffer c, int co, int n) {
        FloatBuffer cv = c.slice(co, n);
        if (as == 1 && bs == 1) {
            FloatBuffer av = a.slice(ao, n);
            FloatBuffer bv = b.slice(bo, n);
            for (int i = 0; i < n; i++) {
                float x = av.get(i), y = bv.get(i);
                cv.put(i, x / y);
            }
        } else if (as == 1 && bs == 0) {
            FloatBuffer av = a.slice(ao, n);
            float y = b.get(bo);
            for (int i = 0; i < n; i++) {
                float x = av.get(i);
                cv.put(i, x / y);
            }
        } else if (as == 0 && bs == 1) {
            FloatBuffer bv = b.slice(bo, n);
            float x = a.get(ao);
            for (int i = 0; i < n; i++) {
                float y = bv.get(i);
                cv.put(i, x / y);
            }
        } else {
            for (int i = 0; i < n; i++) {
                float x = a.get(ao + i * as), y = b.get(bo + i * bs);
                cv.put(i, x / y);
            }
        }
    }

    static void min(FloatBuffer a, int ao, int as, FloatBuffer b, int bo, int bs,
            FloatBuffer c, int co, int n) {
        FloatBuffer cv = c.slice(co, n);
        if (as == 1 && bs == 1) {
            FloatBuffer av = a.slice(ao, n);
            FloatBuffer bv = b.slice(bo, n);
            for (int i = 0; i < n; i++) {
                float x = av.get(i), y = bv.get(i);
                cv.put(i, Math.min(x, y));
            }
        } else if (as == 1 && bs == 0) {
            FloatBuffer av = a.slice(ao, n);
            float y = b.get(bo);
            for (int i = 0; i < n; i++) {
                float x = av.get(i);
                cv.put(i, Math.min(x, y));
            }
        } else if (as == 0 && bs == 1) {
            FloatBuffer bv = b.slice(bo, n);
            float x = a.get(ao);
            for (int i = 0; i < n; i++) {
                float y = bv.get(i);
                cv.put(i, Math.min(x, y));
            }
        } else {
            for (int i = 0; i < n; i++) {
                float x = a.get(ao + i * as), y = b.get(bo + i * bs);
                cv.put(i, Math.min(x, y));
            }
        }
    }

    static void max(FloatBuffer a, int ao, int as, FloatBuffer b, int bo, int bs,
            FloatBuffer c, int co, int n) {
        FloatBuffer cv = c.slice(co, n);
        if (as == 1 && bs == 1) {
            FloatBuffer av = a.slice(ao, n);
            FloatBuffer bv = b.slice(bo, n);
            for (int i = 0; i < n; i++) {
                float x = av.get(i), y = bv.get(i);
                cv.put(i, Math.max(x, y));
            }
        } else if (as == 1 && bs == 0) {
            FloatBuffer av = a.slice(ao, n);
            float y = b.get(bo);
            for (int i = 0; i < n; i++) {
                float x = av.get(i);
                cv.put(i, Math.max(x, y));
            }
        } else if (as == 0 && bs == 1) {
            FloatBuffer bv = b.slice(bo, n);
            float x = a.get(ao);
            for (int i = 0; i < n; i++) {
                float y = bv.get(i);
                cv.put(i, Math.max(x, y));
            }
        } else {
            for (int i = 0; i < n; i++) {
                float x = a.get(ao + i * as), y = b.get(bo + i * bs);
                cv.put(i, Math.max(x, y));
            }
        }
    }

    /**
     * Pow in double, rounded once. Exponents 2, 3, 0.5 and 1 get shortcuts when the exponent is
     * a broadcast scalar (the decompositions of LayerNorm and GELU use them): 2, 0.5 and 1 exact,
     * 3 as {@code x * x * x} in float.
     */
    static void pow(FloatBuffer a, int ao, int as, FloatBuffer b, int bo, int bs,
            FloatBuffer c, int co, int n) {
        FloatBuffer cv = c.slice(co, n);
        if (bs == 0 && as == 1) {
            FloatBuffer av = a.slice(ao, n);
            float y = b.get(bo);
            if (y == 2f) {
                for (int i = 0; i < n; i++) {
                    float x = av.get(i);
                    cv.put(i, x * x);
                }
                return;
            }
            if (y == 3f) {
                // In float, as ONNX Runtime does (x * x * x): within 1 ulp of the exact cube, and
                // vectorizable, which a cube in double is not (C2 in JDK 17 keeps conversions scalar).
                for (int i = 0; i < n; i++) {
                    float x = av.get(i);
                    cv.put(i, x * x * x);
                }
                return;
            }
            if (y == 1f) {
                for (int i = 0; i < n; i++) cv.put(i, av.get(i));
                return;
            }
            if (y == 0.5f) {
                // Math.pow(-0.0, 0.5) is +0.0 and pow(-inf, 0.5) is +inf, unlike sqrt.
                for (int i = 0; i < n; i++) {
                    float x = av.get(i);
                    cv.put(i, x == Float.NEGATIVE_INFINITY ? Float.POSITIVE_INFINITY
                            : (float) Math.sqrt(x + 0.0f));
                }
                return;
            }
        }
        for (int i = 0; i < n; i++) {
            cv.put(i, (float) Math.pow(a.get(ao + i * as), b.get(bo + i * bs)));
        }
    }
}
