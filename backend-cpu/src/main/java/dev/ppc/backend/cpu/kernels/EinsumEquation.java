package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed Einstein-summation equation bound to operand shapes: every operand dim and every
 * output dim gets a label id, and every label a size.
 *
 * <p>Syntax (ONNX and NumPy): comma-separated input terms, optionally {@code ->} and an output
 * term; a term is letters ({@code a-z}, {@code A-Z}) with at most one {@code ...} standing for
 * the dims not named. Ellipsis dims are right-aligned across operands and broadcast (size 1
 * against n); named labels must have one size everywhere, except that a size-1 dim also
 * broadcasts. Without {@code ->} (implicit mode) the output is the ellipsis dims followed by the
 * labels that occur exactly once, in ASCII order. A label repeated within one input takes the
 * diagonal. Spaces are ignored.
 *
 * <p>Label ids: {@code a-z} are 0-25, {@code A-Z} 26-51, ellipsis dims 52 onward (leftmost
 * first).
 */
final class EinsumEquation {
    static final int ELLIPSIS_BASE = 52;

    final String text;
    /** Label id of every dim of every input. */
    final int[][] inputs;
    /** Label id of every output dim. */
    final int[] output;
    /** Size of every label id (0 for labels that do not occur). */
    final long[] size;

    private EinsumEquation(String text, int[][] inputs, int[] output, long[] size) {
        this.text = text;
        this.inputs = inputs;
        this.output = output;
        this.size = size;
    }

    /** The output shape. */
    long[] outputShape() {
        long[] s = new long[output.length];
        for (int i = 0; i < output.length; i++) s[i] = size[output[i]];
        return s;
    }

    static int letterId(char c) {
        if (c >= 'a' && c <= 'z') return c - 'a';
        if (c >= 'A' && c <= 'Z') return 26 + (c - 'A');
        return -1;
    }

    private static char letterOf(int id) {
        return id < 26 ? (char) ('a' + id) : (char) ('A' + id - 26);
    }

    /** A term: its letters before and after the ellipsis, or all letters when it has none. */
    private static final class Term {
        final List<Integer> before = new ArrayList<>();
        final List<Integer> after = new ArrayList<>();
        boolean ellipsis;
    }

    private static IllegalArgumentException bad(String eq, String what) {
        return new IllegalArgumentException("Einsum '" + eq + "': " + what);
    }

    private static Term term(String eq, String t) {
        Term r = new Term();
        int i = 0;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c == '.') {
                if (!t.startsWith("...", i) || r.ellipsis) {
                    throw bad(eq, "malformed ellipsis in term '" + t + "'");
                }
                r.ellipsis = true;
                i += 3;
                continue;
            }
            int id = letterId(c);
            if (id < 0) throw bad(eq, "unexpected character '" + c + "'");
            (r.ellipsis ? r.after : r.before).add(id);
            i++;
        }
        return r;
    }

    static EinsumEquation parse(String equation, long[][] shapes) {
        String eq = equation.replace(" ", "");
        int arrow = eq.indexOf("->");
        String lhs = arrow < 0 ? eq : eq.substring(0, arrow);
        String[] terms = lhs.split(",", -1);
        if (terms.length != shapes.length) {
            throw bad(equation, terms.length + " input terms for " + shapes.length + " inputs");
        }
        Term[] ts = new Term[terms.length];
        int[] ellipsisRank = new int[terms.length];
        int maxEllipsis = 0;
        for (int k = 0; k < terms.length; k++) {
            ts[k] = term(equation, terms[k]);
            int named = ts[k].before.size() + ts[k].after.size();
            int rank = shapes[k].length;
            if (ts[k].ellipsis ? named > rank : named != rank) {
                throw bad(equation, "term '" + terms[k] + "' does not fit input " + k + " of shape "
                        + Shapes.str(shapes[k]));
            }
            ellipsisRank[k] = rank - named;
            maxEllipsis = Math.max(maxEllipsis, ellipsisRank[k]);
        }
        long[] size = new long[ELLIPSIS_BASE + maxEllipsis];
        Arrays.fill(size, -1);
        int[] count = new int[size.length];
        int[][] inputs = new int[terms.length][];
        for (int k = 0; k < terms.length; k++) {
            int[] labels = new int[shapes[k].length];
            int p = 0;
            for (int id : ts[k].before) labels[p++] = id;
            for (int j = 0; j < ellipsisRank[k]; j++) {
                labels[p++] = ELLIPSIS_BASE + maxEllipsis - ellipsisRank[k] + j;
            }
            for (int id : ts[k].after) labels[p++] = id;
            inputs[k] = labels;
            for (int d = 0; d < labels.length; d++) {
                int l = labels[d];
                long dim = shapes[k][d];
                count[l]++;
                for (int e = 0; e < d; e++) {
                    if (labels[e] == l && shapes[k][e] != dim) {
                        throw bad(equation, "repeated label '" + letterOf(l) + "' in input " + k
                                + " has different sizes " + shapes[k][e] + " and " + dim);
                    }
                }
                if (size[l] < 0 || size[l] == 1) {
                    size[l] = dim;
                } else if (dim != 1 && dim != size[l]) {
                    String name = l >= ELLIPSIS_BASE ? "ellipsis dim" : "label '" + letterOf(l) + "'";
                    throw bad(equation, name + " has sizes " + size[l] + " and " + dim);
                }
            }
        }
        int[] output;
        if (arrow >= 0) {
            Term o = term(equation, eq.substring(arrow + 2));
            if (o.ellipsis || maxEllipsis == 0) {
                List<Integer> out = new ArrayList<>(o.before);
                if (o.ellipsis) for (int j = 0; j < maxEllipsis; j++) out.add(ELLIPSIS_BASE + j);
                out.addAll(o.after);
                output = out.stream().mapToInt(Integer::intValue).toArray();
            } else {
                // NumPy rejects an output without "..." when inputs have ellipsis dims.
                throw bad(equation, "inputs have '...' dims but the output does not name them");
            }
            boolean[] seen = new boolean[size.length];
            for (int l : output) {
                if (l < ELLIPSIS_BASE && count[l] == 0) {
                    throw bad(equation, "output label '" + letterOf(l) + "' is not in any input");
                }
                if (seen[l]) throw bad(equation, "output label '" + letterOf(l) + "' repeats");
                seen[l] = true;
            }
        } else {
            List<Integer> out = new ArrayList<>();
            for (int j = 0; j < maxEllipsis; j++) out.add(ELLIPSIS_BASE + j);
            List<Character> once = new ArrayList<>();
            for (int l = 0; l < ELLIPSIS_BASE; l++) if (count[l] == 1) once.add(letterOf(l));
            once.sort(null);
            for (char c : once) out.add(letterId(c));
            output = out.stream().mapToInt(Integer::intValue).toArray();
        }
        for (int l = 0; l < size.length; l++) if (size[l] < 0) size[l] = 0;
        return new EinsumEquation(equation, inputs, output, size);
    }

    /** Whether some label occurs twice in one input (a diagonal). */
    boolean hasRepeatedLabel(int k) {
        int[] l = inputs[k];
        for (int i = 0; i < l.length; i++) {
            for (int j = 0; j < i; j++) if (l[i] == l[j]) return true;
        }
        return false;
    }

    /** Whether label {@code l} occurs in input {@code k}. */
    boolean inInput(int k, int l) {
        for (int x : inputs[k]) if (x == l) return true;
        return false;
    }

    /** Whether label {@code l} occurs in the output. */
    boolean inOutput(int l) {
        for (int x : output) if (x == l) return true;
        return false;
    }

    /**
     * Element strides of input {@code k} per label id: the sum of the row-major strides of the
     * dims carrying the label (so a repeated label walks the diagonal), 0 for labels the input
     * lacks or broadcasts (size 1 against a larger label size).
     */
    long[] labelStrides(int k, long[] shape) {
        long[] st = new long[size.length];
        long[] own = Shapes.strides(shape);
        for (int d = 0; d < shape.length; d++) {
            int l = inputs[k][d];
            if (shape[d] == size[l] && size[l] != 1) st[l] += own[d];
        }
        return st;
    }
}
