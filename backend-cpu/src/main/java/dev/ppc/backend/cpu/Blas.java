package dev.ppc.backend.cpu;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * The one place that speaks to OpenBLAS, through the bytedeco JavaCPP preset.
 *
 * <p>The preset bundles its own OpenBLAS 0.3.31 ({@code libopenblas.so.0}, a DYNAMIC_ARCH build
 * that picks its kernels for the CPU at load time, with {@code libgfortran} and
 * {@code libquadmath}); on first use of this class JavaCPP extracts them from the
 * {@code linux-x86_64} jar into {@code ~/.javacpp/cache} and loads them with the JNI glue
 * {@code libjniopenblas.so}. No system BLAS is involved. Setting the system property
 * {@code org.bytedeco.openblas.load} (e.g. to {@code mkl_rt}) before that makes the preset load
 * another BLAS instead; {@link #vendor()} says which one answers.
 *
 * <p>Matrices are passed as {@link FloatPointer}s that wrap the tensors' direct buffers, so
 * native code reads and writes the tensors in place. (The {@code float[]} overloads of the preset
 * would copy both ways on every call.)
 *
 * <p>Threads: the OpenBLAS thread count is <em>process-global</em>, shared by every caller in the
 * JVM, and OpenBLAS starts with as many threads as cores unless {@code OPENBLAS_NUM_THREADS} says
 * otherwise. A pipeline runs one worker per core, each calling GEMMs, so the runtime must set it
 * explicitly ({@code setThreads(1)} when workers already occupy the cores) before running
 * anything.
 */
public final class Blas {
    private Blas() {}

    /**
     * Sets the number of threads OpenBLAS uses for every subsequent call, in every thread of the
     * process.
     */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("BLAS thread count must be >= 1, got " + n);
        openblas.blas_set_num_threads(n);
    }

    /** The thread count last set with {@link #setThreads}, or -1 if it was never set. */
    public static int threads() {
        return openblas.blas_get_num_threads();
    }

    /**
     * Which library answers the calls: "OpenBLAS" or "MKL", as the preset detected when the
     * thread count was first set; "undetermined" before {@link #setThreads} was called.
     */
    public static String vendor() {
        switch (openblas.blas_get_vendor()) {
            case 2: return "OpenBLAS";
            case 3: return "MKL";
            default: return "undetermined";
        }
    }

    /**
     * A short description for logs: the library answering, the OpenBLAS version the preset
     * bundles, and the thread count, e.g. {@code OpenBLAS (bundled OpenBLAS 0.3.31), threads 1}.
     */
    public static String describe() {
        return vendor() + " (bundled " + openblas.OPENBLAS_VERSION.strip() + "), threads "
                + threads();
    }

    /**
     * A pointer to the first element of an f32 tensor, sharing its memory. Its position (in
     * elements) selects the element a call starts at; the tensor must stay reachable while the
     * pointer is used.
     */
    public static FloatPointer pointer(Tensor t) {
        if (t.dtype() != DType.F32) {
            throw new IllegalArgumentException("BLAS needs f32 tensors, got " + t.dtype());
        }
        return new FloatPointer(t.floats());
    }

    /**
     * Row-major single-precision GEMM: {@code C = alpha * op(A) * op(B) + beta * C}, with
     * {@code op(A)} of shape {@code [m, k]}, {@code op(B)} of shape {@code [k, n]} and leading
     * dimensions (row strides, in elements) {@code lda}, {@code ldb}, {@code ldc}; each matrix
     * starts at its pointer's position plus the given element offset. Degenerate sizes are
     * handled here, not passed on: nothing happens when {@code m} or {@code n} is 0, and
     * {@code k == 0} scales C by beta (zero-fills it when beta is 0).
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             FloatPointer a, long aOffset, int lda, FloatPointer b, long bOffset,
                             int ldb, float beta, FloatPointer c, long cOffset, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    long idx = cOffset + (long) i * ldc + j;
                    c.put(idx, beta == 0f ? 0f : beta * c.get(idx));
                }
            }
            return;
        }
        a.position(aOffset);
        b.position(bOffset);
        c.position(cOffset);
        openblas.cblas_sgemm(openblas.CblasRowMajor,
                transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                transB ? openblas.CblasTrans : openblas.CblasNoTrans,
                m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
