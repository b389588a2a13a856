package dev.ppc.compiler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The nodes of a model that cannot be imported or run, counted by op type, for a diagnostic that
 * names every problem in one line instead of stopping at the first:
 * {@code 3 op types are not supported: Conv (53 nodes, first '/features/0/Conv'), MaxPool (1, '/maxpool/MaxPool'), LSTM (2, first '/lstm/LSTM')}.
 * Op types are listed in the order their first node appears.
 */
public final class UnsupportedOps {
    private static final class Group {
        final String opType;
        final String first;
        final String reason;
        int count;

        Group(String opType, String first, String reason) {
            this.opType = opType;
            this.first = first;
            this.reason = reason;
        }
    }

    private final Map<String, Group> groups = new LinkedHashMap<>();

    /**
     * Counts one node.
     *
     * @param opType the op type as the user knows it ({@code Conv}, {@code com.microsoft:FusedMatMul})
     * @param where  the node's name (or another way to find it), shown for the first node of a type
     * @param reason why the first node of a type is refused, when that is more than "no kernel or
     *               schema for the type" (a dtype, an attribute); null otherwise
     */
    public void add(String opType, String where, String reason) {
        groups.computeIfAbsent(opType, t -> new Group(t, where, reason)).count++;
    }

    public boolean isEmpty() { return groups.isEmpty(); }

    /**
     * {@code N op types are <predicate>: T (n nodes, first 'where'), U (1, 'where': reason), ...}
     * ({@code 1 op type is ...}); the first entry spells out what its numbers mean, the others
     * repeat the pattern tersely.
     */
    public String describe(String predicate) {
        int types = groups.size();
        StringBuilder sb = new StringBuilder().append(types).append(types == 1 ? " op type is " : " op types are ").append(predicate).append(": ");
        boolean firstGroup = true;
        for (Group g : groups.values()) {
            if (!firstGroup) sb.append(", ");
            sb.append(g.opType).append(" (").append(g.count);
            if (firstGroup) sb.append(g.count == 1 ? " node" : " nodes");
            sb.append(", ").append(g.count == 1 ? "" : "first ").append('\'').append(g.first).append('\'');
            if (g.reason != null) sb.append(": ").append(g.reason);
            sb.append(')');
            firstGroup = false;
        }
        return sb.toString();
    }
}
