package dev.ppc.passes.partition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Suggestions for a misspelled name: the nearest candidates by Levenshtein distance. */
final class Candidates {
    private static final int SHOWN = 3;

    private Candidates() {}

    /** {@code " (nearest: a, b, c)"}, or {@code ""} when there is nothing to suggest. */
    static String nearest(String wanted, Collection<String> pool) {
        record Scored(String name, int distance) {}
        List<Scored> scored = new ArrayList<>(pool.size());
        for (String c : pool) scored.add(new Scored(c, distance(wanted, c)));
        scored.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
        if (scored.isEmpty()) return "";
        StringBuilder sb = new StringBuilder(" (nearest: ");
        for (int i = 0; i < Math.min(SHOWN, scored.size()); i++) sb.append(i > 0 ? ", " : "").append(scored.get(i).name());
        return sb.append(')').toString();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(subst, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
