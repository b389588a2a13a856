package dev.ppc.passes.partition;

import dev.ppc.ir.DType;
import dev.ppc.ir.Module;
import dev.ppc.ir.TensorData;
import dev.ppc.passes.partition.PartitionPlan.TieKind;
import dev.ppc.passes.partition.PartitionPlan.TiedGroup;
import dev.ppc.passes.partition.PartitionPlan.TiedMember;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds the weights that several stages hold: tied groups. A group is one model parameter; in
 * training the gradients of its members are summed and every copy gets the same update.
 *
 * <p>Two kinds of evidence make a tie:
 * <ul>
 *   <li>the same module constant referenced by {@code ppc.constant} ops in two or more stages;</li>
 *   <li>two different parameter constants, used by different stages, whose contents are identical
 *       or, for 2-D tensors, transposes of each other. PyTorch's exporter folds {@code wte.weight.T}
 *       of a tied LM head into a separate initializer ({@code onnx::MatMul_437} in the gpt2 fixture),
 *       so the tie is only visible in the data.</li>
 * </ul>
 * The content test compares only parameters (not buffers or shape constants) of rank 2 or more
 * whose elements are not all equal: an all-zero or all-one matrix matches any other of its shape
 * by coincidence, not by tying, so it is never counted. Candidates are bucketed by dtype and
 * element count, and each pair is first compared on a few sampled elements, so unrelated weights
 * are rejected after a handful of reads and only real ties are compared in full. Two independently
 * initialized weights with identical non-constant contents would still be reported tied; that takes
 * a deliberate copy, which is what the test is for.
 */
final class TiedWeights {
    private TiedWeights() {}

    /** The tied groups of a partitioned module, given the constants each stage uses (index = stage). */
    static List<TiedGroup> find(Module m, List<? extends Set<String>> constantsByStage) {
        Map<String, TreeSet<Integer>> stagesOf = new TreeMap<>();
        for (int s = 0; s < constantsByStage.size(); s++) {
            for (String c : constantsByStage.get(s)) {
                Module.Constant k = m.constant(c);
                if (k != null && k.parameter()) stagesOf.computeIfAbsent(c, x -> new TreeSet<>()).add(s);
            }
        }
        UnionFind uf = new UnionFind();
        Map<String, List<String>> buckets = new TreeMap<>();
        for (String name : stagesOf.keySet()) {
            TensorData d = m.constant(name).data();
            if (contentCandidate(d)) buckets.computeIfAbsent(d.dtype() + "/" + d.numel(), x -> new ArrayList<>()).add(name);
        }
        for (List<String> bucket : buckets.values()) {
            for (int i = 0; i < bucket.size(); i++) {
                for (int j = i + 1; j < bucket.size(); j++) {
                    String a = bucket.get(i), b = bucket.get(j);
                    TreeSet<Integer> both = new TreeSet<>(stagesOf.get(a));
                    both.addAll(stagesOf.get(b));
                    if (both.size() < 2) continue;
                    TensorData da = m.constant(a).data(), db = m.constant(b).data();
                    if (identical(da, db)) uf.union(a, b, false);
                    else if (transposed(da, db)) uf.union(a, b, true);
                }
            }
        }
        Map<String, List<String>> components = new TreeMap<>();
        for (String name : stagesOf.keySet()) components.computeIfAbsent(uf.find(name), x -> new ArrayList<>()).add(name);
        Comparator<String> byFirstStage = Comparator.comparing((String n) -> stagesOf.get(n).first()).thenComparing(n -> n);
        List<List<TiedMember>> groups = new ArrayList<>();
        for (List<String> names : components.values()) {
            TreeSet<Integer> spanned = new TreeSet<>();
            for (String n : names) spanned.addAll(stagesOf.get(n));
            if (spanned.size() < 2) continue;
            names.sort(byFirstStage);
            String first = names.get(0);
            boolean firstParity = uf.parity(first);
            List<TiedMember> members = new ArrayList<>();
            for (String n : names) {
                TieKind kind = n.equals(first) ? TieKind.SAME : uf.parity(n) != firstParity ? TieKind.TRANSPOSED_COPY : TieKind.COPY;
                for (int s : stagesOf.get(n)) members.add(new TiedMember(s, n, kind));
            }
            members.sort(Comparator.comparingInt(TiedMember::stage).thenComparing(TiedMember::constant));
            groups.add(members);
        }
        groups.sort(Comparator.comparingInt((List<TiedMember> g) -> g.get(0).stage()).thenComparing(g -> g.get(0).constant()));
        List<TiedGroup> result = new ArrayList<>();
        for (List<TiedMember> g : groups) result.add(new TiedGroup(result.size(), g));
        return result;
    }

    private static boolean contentCandidate(TensorData d) {
        if (!d.hasData() || d.dtype() == DType.STRING || d.dtype() == DType.U4 || d.dtype() == DType.I4) return false;
        if (d.shape().length < 2 || d.numel() < 2) return false;
        ByteBuffer b = d.bytes();
        int es = d.dtype().byteSize();
        for (int i = 1; i < d.numel(); i++) {
            for (int k = 0; k < es; k++) if (b.get(i * es + k) != b.get(k)) return true;
        }
        return false; // every element equal: matching it would be coincidence, not a tie
    }

    private static boolean identical(TensorData a, TensorData b) {
        return a.type().equals(b.type()) && sampleEqual(a, b, false) && a.bytes().equals(b.bytes());
    }

    /** Whether 2-D {@code b} is the transpose of {@code a}. */
    private static boolean transposed(TensorData a, TensorData b) {
        long[] sa = a.shape(), sb = b.shape();
        if (sa.length != 2 || sb.length != 2 || sa[0] != sb[1] || sa[1] != sb[0] || a.dtype() != b.dtype()) return false;
        if (!sampleEqual(a, b, true)) return false;
        int rows = (int) sa[0], cols = (int) sa[1];
        ByteBuffer x = a.bytes(), y = b.bytes();
        int es = a.dtype().byteSize();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (!elementEqual(x, (i * cols + j) * es, y, (j * rows + i) * es, es)) return false;
            }
        }
        return true;
    }

    /** Compares a few spread-out elements, so that most non-matching pairs cost a handful of reads. */
    private static boolean sampleEqual(TensorData a, TensorData b, boolean transpose) {
        int es = a.dtype().byteSize();
        long n = a.numel();
        int rows = (int) a.shape()[0], cols = (int) (n / rows);
        ByteBuffer x = a.bytes(), y = b.bytes();
        for (long s : new long[] {0, 1, n / 3, n / 2, n - 1}) {
            int i = (int) (s / cols), j = (int) (s % cols);
            int other = transpose ? j * rows + i : (int) s;
            if (!elementEqual(x, (int) s * es, y, other * es, es)) return false;
        }
        return true;
    }

    private static boolean elementEqual(ByteBuffer x, int at, ByteBuffer y, int bt, int es) {
        for (int k = 0; k < es; k++) if (x.get(at + k) != y.get(bt + k)) return false;
        return true;
    }

    /** Union-find whose edges carry a parity bit: "is the transpose of" composes by xor. */
    private static final class UnionFind {
        private final Map<String, String> parent = new HashMap<>();
        private final Map<String, Boolean> flip = new HashMap<>();

        String find(String x) {
            String p = parent.getOrDefault(x, x);
            if (p.equals(x)) return x;
            String root = find(p);
            flip.put(x, flip.getOrDefault(x, false) ^ flip.getOrDefault(p, false));
            parent.put(x, root);
            return root;
        }

        /** The parity of {@code x} relative to its root. */
        boolean parity(String x) {
            find(x);
            return flip.getOrDefault(x, false);
        }

        void union(String a, String b, boolean transposed) {
            String ra = find(a), rb = find(b);
            if (ra.equals(rb)) return; // already related; a square matrix equal to its own transpose keeps the first relation
            boolean rootFlip = parity(a) ^ parity(b) ^ transposed; // read both parities before relinking
            parent.put(rb, ra);
            flip.put(rb, rootFlip);
        }
    }
}
