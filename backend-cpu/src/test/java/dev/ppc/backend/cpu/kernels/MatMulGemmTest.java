package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.Blas;
import dev.ppc.ir.DType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatMulGemmTest {
    @BeforeAll
    static void oneThread() {
        Blas.setThreads(1);
    }

    /** NumPy matmul written out: promote 1-D operands, broadcast batch dims, triple loop in double. */
    static double[] matmulRef(Tensor a, Tensor b) {
        long[] as = a.shape();
        long[] bs = b.shape();
        long[] a2 = as.length == 1 ? new long[] {1, as[0]} : as;
        long[] b2 = bs.length == 1 ? new long[] {bs[0], 1} : bs;
        int m = (int) a2[a2.length - 2];
        int k = (int) a2[a2.length - 1];
        int n = (int) b2[b2.length - 1];
        long[] ab = Arrays.copyOf(a2, a2.length - 2);
        long[] bb = Arrays.copyOf(b2, b2.length - 2);
        long[] batch = Ref.broadcast(ab, bb);
        int nb = (int) Ref.count(batch);
        double[] out = new double[nb * m * n];
        for (int t = 0; t < nb; t++) {
            int[] bi = Ref.unravel(t, batch);
            int ao = Ref.broadcastIndex(bi, ab) * m * k;
            int bo = Ref.broadcastIndex(bi, bb) * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) s += (double) a.getFloat(ao + i * k + q) * b.getFloat(bo + q * n + j);
                    out[t * m * n + i * n + j] = s;
                }
            }
        }
        return out;
    }

    /** Relative to the magnitude of the row: products of Gaussians may cancel to near zero. */
    static void assertGemmClose(double[] e, Tensor y, double scale, String ctx) {
        Ref.assertClose(e, y, 1e-4, 1e-5 * scale, ctx);
    }

    @Test
    void matmulShapesIncludingVectorsBatchBroadcastAndEmpty() {
        Random r = new Random(70);
        long[][][] cases = {
            {{3, 4}, {4, 5}}, {{4}, {4, 5}}, {{3, 4}, {4}}, {{4}, {4}}, {{2, 3, 4}, {4, 5}},
            {{2, 3, 4}, {2, 4, 5}}, {{2, 1, 3, 4}, {5, 4, 6}}, {{3, 4}, {2, 4, 5}}, {{7, 2, 3}, {3}},
            {{5}, {2, 5, 3}}, {{2, 3, 4}, {1, 4, 5}}, {{1, 3, 4}, {2, 4, 5}}, {{0, 3, 4}, {4, 5}},
            {{3, 0}, {0, 5}}, {{2, 3, 0}, {2, 0, 4}}, {{3, 4}, {4, 0}}, {{1, 12, 64, 64}, {1, 12, 64, 64}},
            {{2, 16, 96}, {96, 288}}, {{1, 1}, {1, 1}},
        };
        for (long[][] c : cases) {
            Tensor a = Ref.randomFloats(r, c[0]);
            Tensor b = Ref.randomFloats(r, c[1]);
            MatMul k = new MatMul(c[0], c[1]);
            Tensor y = Ref.run(k, a, b);
            double[] e = matmulRef(a, b);
            assertEquals(e.length, y.numel());
            assertGemmClose(e, y, Math.sqrt(Math.max(1, c[0][c[0].length - 1])), "MatMul " + Ref.str(c));
        }
        assertArrayEquals(new long[] {2, 5, 3, 6}, MatMul.outputShape(new long[] {2, 1, 3, 4}, new long[] {5, 4, 6}));
        assertArrayEquals(new long[] {7, 2}, MatMul.outputShape(new long[] {7, 2, 3}, new long[] {3}));
        assertArrayEquals(new long[0], MatMul.outputShape(new long[] {3}, new long[] {3}));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> new MatMul(new long[] {2, 3}, new long[] {4, 5}));
        assertTrue(ex.getMessage().contains("3 vs 4"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MatMul(new long[] {2, 2, 3}, new long[] {3, 3, 4}));
        assertThrows(IllegalArgumentException.class, () -> new MatMul(new long[0], new long[] {3}));
    }

    @Test
    void matmulRandomShapes() {
        Random r = new Random(71);
        for (int trial = 0; trial < 60; trial++) {
            int m = 1 + r.nextInt(9);
            int k = 1 + r.nextInt(9);
            int n = 1 + r.nextInt(9);
            long[] batch = Ref.randomShape(r, r.nextInt(3), 3);
            long[] ab = Ref.broadcastable(r, batch);
            long[] bb = Ref.broadcastable(r, batch);
            long[] as = concat(ab, new long[] {m, k});
            long[] bs = concat(bb, new long[] {k, n});
            if (trial % 10 == 0) as = new long[] {k};
            if (trial % 10 == 1) bs = new long[] {k};
            Tensor a = Ref.randomFloats(r, as);
            Tensor b = Ref.randomFloats(r, bs);
            Tensor y = Ref.run(new MatMul(as, bs), a, b);
            assertGemmClose(matmulRef(a, b), y, 3, "MatMul " + Ref.str(as, bs));
        }
    }

    static long[] concat(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void gemmTransposesAlphaBetaAndBroadcastC() {
        Random r = new Random(72);
        int trial = 0;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (long[] cShapeKind : new long[][] {null, {}, {1}, {-2}, {-1, 1}, {1, -2}, {-1, -2}}) {
                    int m = 1 + r.nextInt(7);
                    int n = 1 + r.nextInt(7);
                    int k = trial++ % 9 == 0 ? 0 : 1 + r.nextInt(7);
                    long[] as = ta ? new long[] {k, m} : new long[] {m, k};
                    long[] bs = tb ? new long[] {n, k} : new long[] {k, n};
                    long[] cs = null;
                    if (cShapeKind != null) {
                        cs = new long[cShapeKind.length];
                        for (int i = 0; i < cs.length; i++) cs[i] = cShapeKind[i] == -1 ? m : cShapeKind[i] == -2 ? n : 1;
                    }
                    float alpha = r.nextBoolean() ? 1f : 0.5f + r.nextFloat();
                    float beta = r.nextInt(3) == 0 ? 0f : r.nextBoolean() ? 1f : -0.75f;
                    Tensor a = Ref.randomFloats(r, as);
                    Tensor b = Ref.randomFloats(r, bs);
                    Tensor c = cs == null ? null : Ref.randomFloats(r, cs);
                    Gemm g = new Gemm(as, bs, cs, alpha, beta, ta, tb);
                    Tensor y = c == null ? Ref.run(g, a, b) : Ref.run(g, a, b, c);
                    assertArrayEquals(new long[] {m, n}, y.shape());
                    double[] e = new double[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            for (int q = 0; q < k; q++) {
                                double av = ta ? a.getFloat(q * m + i) : a.getFloat(i * k + q);
                                double bv = tb ? b.getFloat(j * k + q) : b.getFloat(q * n + j);
                                s += av * bv;
                            }
                            double cv = c == null ? 0 : c.getFloat(Ref.broadcastIndex(new int[] {i, j}, cs));
                            e[i * n + j] = alpha * s + beta * cv;
                        }
                    }
                    assertGemmClose(e, y, 3, "Gemm ta=" + ta + " tb=" + tb + " " + Ref.str(as, bs) + " C "
                            + Arrays.toString(cs) + " alpha " + alpha + " beta " + beta);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Gemm(new long[] {2, 3}, new long[] {2, 3}, null, 1, 1, false, false));
        assertThrows(IllegalArgumentException.class, () -> new Gemm(new long[] {2, 3}, new long[] {3, 4}, new long[] {3}, 1, 1, false, false));
    }

    @Test
    void threadsAreSetExplicitly() {
        Blas.setThreads(1);
        assertEquals(1, Blas.threads());
        assertEquals("OpenBLAS", Blas.vendor());
        assertTrue(Blas.describe().matches("OpenBLAS \\(bundled OpenBLAS 0\\.3\\.\\d+\\), threads 1"), Blas.describe());
        assertThrows(IllegalArgumentException.class, () -> Blas.setThreads(0));
        assertThrows(IllegalArgumentException.class, () -> Blas.pointer(Tensor.allocate(DType.I64, 1)));
    }
}
