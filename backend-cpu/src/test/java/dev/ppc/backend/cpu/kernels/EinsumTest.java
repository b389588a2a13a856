package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.Blas;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EinsumTest {
    @BeforeAll
    static void oneThread() {
        Blas.setThreads(1);
    }

    /**
     * Einsum by brute force, letters only: enumerate every assignment of every label and add the
     * product of the operands into the output element the output labels select.
     */
    static double[] reference(String equation, Tensor... xs) {
        String[] sides = equation.split("->", -1);
        String[] terms = sides[0].split(",");
        List<Character> labels = new ArrayList<>();
        for (String t : terms) for (char c : t.toCharArray()) if (!labels.contains(c)) labels.add(c);
        String out;
        if (sides.length == 2) {
            out = sides[1];
        } else {
            StringBuilder sb = new StringBuilder();
            List<Character> sorted = new ArrayList<>(labels);
            sorted.sort(null);
            for (char c : sorted) if (sides[0].chars().filter(x -> x == c).count() == 1) sb.append(c);
            out = sb.toString();
        }
        long[] size = new long[labels.size()];
        Arrays.fill(size, 1);
        for (int k = 0; k < terms.length; k++) {
            for (int d = 0; d < terms[k].length(); d++) {
                int l = labels.indexOf(terms[k].charAt(d));
                size[l] = Math.max(size[l], xs[k].shape()[d]);
                if (xs[k].shape()[d] == 0) size[l] = 0;
            }
        }
        long[] outShape = new long[out.length()];
        for (int i = 0; i < out.length(); i++) outShape[i] = size[labels.indexOf(out.charAt(i))];
        double[] y = new double[(int) Ref.count(outShape)];
        long total = Ref.count(size);
        for (long f = 0; f < total; f++) {
            int[] v = Ref.unravel(f, size);
            double p = 1;
            for (int k = 0; k < terms.length; k++) {
                long[] s = xs[k].shape();
                int[] idx = new int[s.length];
                for (int d = 0; d < s.length; d++) {
                    idx[d] = s[d] == 1 ? 0 : v[labels.indexOf(terms[k].charAt(d))];
                }
                p *= xs[k].getFloat(Ref.ravel(idx, s));
            }
            int[] oi = new int[out.length()];
            for (int i = 0; i < oi.length; i++) oi[i] = v[labels.indexOf(out.charAt(i))];
            y[Ref.ravel(oi, outShape)] += p;
        }
        return y;
    }

    private static void check(Random r, String eq, String refEq, boolean expectGemm, long[]... shapes) {
        Tensor[] xs = new Tensor[shapes.length];
        for (int k = 0; k < shapes.length; k++) xs[k] = Ref.randomFloats(r, shapes[k]);
        Einsum e = new Einsum(eq, shapes);
        Tensor y = Ref.run(e, xs);
        double[] ref = reference(refEq, xs);
        Ref.assertClose(ref, y, 1e-4, 1e-4, "Einsum " + eq + " " + Ref.str(shapes));
        if (expectGemm) assertTrue(e.usesGemm(), eq + " should run as GEMM");
    }

    @Test
    void attentionContractionsRunAsGemm() {
        Random r = new Random(80);
        check(r, "bhid,bhjd->bhij", "bhid,bhjd->bhij", true, new long[] {2, 3, 5, 4}, new long[] {2, 3, 6, 4});
        check(r, "bhij,bhjd->bhid", "bhij,bhjd->bhid", true, new long[] {2, 3, 5, 6}, new long[] {2, 3, 6, 4});
        check(r, "bij,bjk->bik", "bij,bjk->bik", true, new long[] {3, 4, 5}, new long[] {3, 5, 2});
        check(r, "ij,jk", "ij,jk", true, new long[] {4, 5}, new long[] {5, 3});
        check(r, "ij,jk->ik", "ij,jk->ik", true, new long[] {4, 5}, new long[] {5, 3});
        check(r, "ij,kj->ik", "ij,kj->ik", true, new long[] {4, 5}, new long[] {3, 5});
        check(r, "ji,jk->ik", "ji,jk->ik", true, new long[] {5, 4}, new long[] {5, 3});
        check(r, "ij,jk->ki", "ij,jk->ki", true, new long[] {4, 5}, new long[] {5, 3});
        check(r, "bihd,bjhd->bhij", "bihd,bjhd->bhij", true, new long[] {2, 5, 3, 4}, new long[] {2, 6, 3, 4});
        check(r, "bhij,bjhd->bihd", "bhij,bjhd->bihd", true, new long[] {2, 3, 5, 6}, new long[] {2, 6, 3, 4});
        check(r, "bij,bjk->ikb", "bij,bjk->ikb", true, new long[] {3, 4, 5}, new long[] {3, 5, 2});
        check(r, "i,i->", "i,i->", true, new long[] {7}, new long[] {7});
        check(r, "i,j", "i,j", true, new long[] {3}, new long[] {4});
        check(r, "ij,ij->ij", "ij,ij->ij", true, new long[] {3, 4}, new long[] {3, 4});
        check(r, "ij,ij->", "ij,ij->", true, new long[] {3, 4}, new long[] {3, 4});
        check(r, "bij,jk->bik", "bij,jk->bik", true, new long[] {2, 3, 4}, new long[] {4, 5});
        check(r, "Ab,bC->CA", "Ab,bC->CA", true, new long[] {3, 4}, new long[] {4, 2});
        check(r, "abc,cbd->ad", "abc,cbd->ad", true, new long[] {2, 3, 4}, new long[] {4, 3, 5});
        check(r, "abc,bcd->ad", "abc,bcd->ad", true, new long[] {2, 3, 4}, new long[] {3, 4, 5});
        check(r, "ab,cd->acbd", "ab,cd->acbd", true, new long[] {2, 3}, new long[] {4, 5});
        // Operands whose M (or N) labels do not nest in output order are packed first.
        check(r, "iab,bj->aij", "iab,bj->aij", true, new long[] {3, 2, 4}, new long[] {4, 5});
        check(r, "ij,kjl->ikl", "ij,kjl->ikl", true, new long[] {3, 4}, new long[] {2, 4, 5});
        check(r, "bik,bkj->jbi", "bik,bkj->jbi", true, new long[] {2, 3, 4}, new long[] {2, 4, 5});
    }

    @Test
    void singleOperandTransposesReductionsAndDiagonals() {
        Random r = new Random(81);
        check(r, "ij->ji", "ij->ji", false, new long[] {3, 5});
        check(r, "ijk->kij", "ijk->kij", false, new long[] {2, 3, 4});
        check(r, "ij->i", "ij->i", false, new long[] {3, 5});
        check(r, "ij->j", "ij->j", false, new long[] {3, 5});
        check(r, "ij->", "ij->", false, new long[] {3, 5});
        check(r, "ii->i", "ii->i", false, new long[] {4, 4});
        check(r, "ii", "ii", false, new long[] {4, 4});
        check(r, "ij", "ij", false, new long[] {2, 3});
        check(r, "ba", "ba", false, new long[] {2, 3});
    }

    @Test
    void generalFallbackCases() {
        Random r = new Random(82);
        check(r, "ab,bc,cd->ad", "ab,bc,cd->ad", false, new long[] {2, 3}, new long[] {3, 4}, new long[] {4, 2});
        check(r, "ij,jk->k", "ij,jk->k", false, new long[] {3, 4}, new long[] {4, 5});
        check(r, "ij,jk->", "ij,jk->", false, new long[] {3, 4}, new long[] {4, 5});
        check(r, "iij,jk->ik", "iij,jk->ik", false, new long[] {3, 3, 4}, new long[] {4, 2});
        assertFalse(new Einsum("ij,jk->k", new long[] {3, 4}, new long[] {4, 5}).usesGemm());
    }

    @Test
    void ellipsisBroadcastAndSpaces() {
        Random r = new Random(83);
        check(r, "...ij,...jk->...ik", "zij,zjk->zik", true, new long[] {3, 2, 4}, new long[] {3, 4, 5});
        check(r, "...ij,...jk->...ik", "yzij,zjk->yzik", true, new long[] {2, 1, 3, 4}, new long[] {5, 4, 6});
        check(r, "...ij , ...jk", "yzij,zjk->yzik", false, new long[] {2, 1, 3, 4}, new long[] {5, 4, 6});
        check(r, "bh...,bh...->bh...", "bhxy,bhxy->bhxy", false, new long[] {2, 3, 4, 2}, new long[] {2, 3, 4, 2});
        check(r, "i...->...i", "ixy->xyi", false, new long[] {2, 3, 4});
        check(r, "ij,j->i", "ij,j->i", false, new long[] {3, 1}, new long[] {4});
    }

    @Test
    void emptyDims() {
        Random r = new Random(84);
        check(r, "ij,jk->ik", "ij,jk->ik", false, new long[] {3, 0}, new long[] {0, 4});
        check(r, "ij,jk->ik", "ij,jk->ik", false, new long[] {0, 2}, new long[] {2, 4});
        check(r, "bij,bjk->bik", "bij,bjk->bik", false, new long[] {0, 2, 3}, new long[] {0, 3, 4});
    }

    @Test
    void randomContractionsAgainstBruteForce() {
        Random r = new Random(85);
        String letters = "abcdef";
        for (int trial = 0; trial < 60; trial++) {
            int nl = 2 + r.nextInt(4);
            long[] size = new long[nl];
            for (int i = 0; i < nl; i++) size[i] = 1 + r.nextInt(4);
            String a = randomTerm(r, letters, nl);
            String b = randomTerm(r, letters, nl);
            StringBuilder o = new StringBuilder();
            for (int i = 0; i < nl; i++) {
                char c = letters.charAt(i);
                boolean used = a.indexOf(c) >= 0 || b.indexOf(c) >= 0;
                if (used && r.nextBoolean()) o.append(c);
            }
            String out = shuffle(r, o.toString());
            String eq = a + "," + b + "->" + out;
            long[] as = new long[a.length()];
            long[] bs = new long[b.length()];
            for (int i = 0; i < as.length; i++) as[i] = size[letters.indexOf(a.charAt(i))];
            for (int i = 0; i < bs.length; i++) bs[i] = size[letters.indexOf(b.charAt(i))];
            check(r, eq, eq, false, as, bs);
        }
    }

    private static String randomTerm(Random r, String letters, int nl) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nl; i++) if (r.nextInt(3) > 0) sb.append(letters.charAt(i));
        if (sb.length() == 0) sb.append(letters.charAt(0));
        return shuffle(r, sb.toString());
    }

    private static String shuffle(Random r, String s) {
        List<Character> l = new ArrayList<>();
        for (char c : s.toCharArray()) l.add(c);
        java.util.Collections.shuffle(l, r);
        StringBuilder sb = new StringBuilder();
        for (char c : l) sb.append(c);
        return sb.toString();
    }

    @Test
    void outputShapesAndErrors() {
        assertArrayEquals(new long[] {2, 3, 5, 6}, Einsum.outputShape("bhid,bhjd->bhij", new long[] {2, 3, 5, 4}, new long[] {2, 3, 6, 4}));
        assertArrayEquals(new long[] {3}, Einsum.outputShape("ii->i", new long[] {3, 3}));
        assertThrows(IllegalArgumentException.class, () -> new Einsum("ij,jk->ik", new long[] {2, 3}, new long[] {4, 5}));
        assertThrows(IllegalArgumentException.class, () -> new Einsum("ij->ik", new long[] {2, 3}));
        assertThrows(IllegalArgumentException.class, () -> new Einsum("ij->ii", new long[] {2, 3}));
        assertThrows(IllegalArgumentException.class, () -> new Einsum("ij,jk", new long[] {2, 3}));
        assertThrows(IllegalArgumentException.class, () -> new Einsum("i1->i", new long[] {2, 3}));
        assertThrows(IllegalArgumentException.class, () -> new Einsum("...ij->ij", new long[] {4, 2, 3}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Einsum("ij,jk->ik", new long[] {2, 3}, new long[] {4, 5}));
        assertTrue(e.getMessage().contains("label 'j' has sizes 3 and 4"), e.getMessage());
    }
}
