package dev.ppc.tests.conformance;

import dev.ppc.ir.schema.OpSchemas;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects conformance outcomes and renders them as Markdown: totals by set, a per-op table and
 * the failures with their documented reasons. Each test counts once, under its primary op
 * ({@link #primaryOp}).
 */
public final class ConformanceReport {
    /** One claimed test's outcome; {@code reason} is its documented limitation or {@code null}. */
    public record Entry(OnnxTestCase test, String op, ConformanceRunner.Outcome outcome, String reason) {
        public boolean undocumentedFailure() { return !outcome.passed() && reason == null; }

        public boolean stale() { return outcome.passed() && reason != null; }
    }

    private static final class Row {
        int claimed, passed, documented, undocumented, stale, folded;
        double worstRatio;

        void add(Entry e) {
            claimed++;
            if (e.outcome().passed()) {
                passed++;
                if (e.outcome().folded()) folded++;
                worstRatio = Math.max(worstRatio, e.outcome().tightRatio());
                if (e.reason() != null) stale++;
            } else if (e.reason() != null) {
                documented++;
            } else {
                undocumented++;
            }
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, int[]> testsBySet = new LinkedHashMap<>();
    private final Map<String, Integer> missingOpTests = new TreeMap<>();
    private int unclaimed;

    /** Counts a test of {@code set} that was found, claimed or not. */
    public void found(String set) { testsBySet.computeIfAbsent(set, k -> new int[1])[0]++; }

    /** Records a test that is not claimed; {@code missingOps} are its ops without a CPU kernel (possibly none). */
    public void notClaimed(List<String> missingOps) {
        unclaimed++;
        for (String op : missingOps) missingOpTests.merge(op, 1, Integer::sum);
    }

    public void add(Entry e) { entries.add(e); }

    public List<Entry> entries() { return List.copyOf(entries); }

    /**
     * The op a test is about: the longest op name that the test's name starts with (compared
     * without case and underscores, so {@code test_reduce_sum_keepdims} is ReduceSum), looked up
     * first among the model's ops and then, for ONNX's {@code _expanded} tests of function ops,
     * among all ops ppc knows (marked "(expanded)"); failing that the model's only op, or its
     * ops joined by {@code +}.
     */
    public static String primaryOp(OnnxTestCase test, List<String> modelOps) {
        String stem = squash(test.name().replaceFirst("^test_", "").replaceFirst("^operator_", ""));
        String inModel = longestPrefix(stem, modelOps);
        if (test.name().endsWith("_expanded")) {
            String function = longestPrefix(stem, OpSchemas.onnxOpNames());
            if (function != null && !modelOps.contains(function)) return function + " (expanded)";
        }
        if (inModel != null) return inModel;
        if (modelOps.size() == 1) return modelOps.get(0);
        return String.join("+", modelOps.stream().sorted().toList());
    }

    private static String longestPrefix(String stem, List<String> ops) {
        String best = null;
        for (String op : ops) {
            if (stem.startsWith(squash(op)) && (best == null || op.length() > best.length())) best = op;
        }
        return best;
    }

    private static String squash(String s) { return s.replace("_", "").toLowerCase(Locale.ROOT); }

    /** The report as Markdown. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| set | tests | claimed | passed | documented limitations | undocumented failures | stale limitations |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        Map<String, Row> bySet = new LinkedHashMap<>();
        for (String set : testsBySet.keySet()) bySet.put(set, new Row());
        Row total = new Row();
        for (Entry e : entries) {
            bySet.computeIfAbsent(e.test().set(), k -> new Row()).add(e);
            total.add(e);
        }
        int allTests = 0;
        for (Map.Entry<String, Row> s : bySet.entrySet()) {
            int found = testsBySet.getOrDefault(s.getKey(), new int[1])[0];
            allTests += found;
            sb.append(totalsLine(s.getKey(), found, s.getValue()));
        }
        sb.append(totalsLine("**all**", allTests, total));

        sb.append("\n| op | claimed | passed | documented limitations | undocumented failures | worst error / tight tolerance | folded by clean-up |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        Map<String, Row> byOp = new TreeMap<>(Comparator.comparing((String s) -> s.toLowerCase(Locale.ROOT)).thenComparing(s -> s));
        for (Entry e : entries) byOp.computeIfAbsent(e.op(), k -> new Row()).add(e);
        for (Map.Entry<String, Row> o : byOp.entrySet()) sb.append(opLine(o.getKey(), o.getValue()));
        sb.append(opLine("**total**", total));

        if (unclaimed > 0) {
            sb.append("\nNot claimed: ").append(unclaimed).append(" tests, which use an op without a CPU kernel (or only ops that clean-up folds)."
                    + " The ops without a kernel, with the number of tests that use each: ");
            List<String> parts = new ArrayList<>();
            missingOpTests.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .forEach(e -> parts.add(e.getKey() + " " + e.getValue()));
            sb.append(String.join(", ", parts)).append(".\n");
        }

        List<Entry> failed = entries.stream().filter(e -> !e.outcome().passed()).toList();
        if (!failed.isEmpty()) {
            sb.append("\n| failing test | op | documented reason | observed failure |\n|---|---|---|---|\n");
            for (Entry e : failed) {
                sb.append("| ").append(e.test().key()).append(" | ").append(e.op()).append(" | ")
                        .append(e.reason() == null ? "**not documented**" : cell(e.reason())).append(" | ")
                        .append(cell(e.outcome().failure())).append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String opLine(String op, Row r) {
        String worst = r.passed == 0 ? "-" : String.format(Locale.ROOT, "%.2g", r.worstRatio);
        return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s | %d |%n", op, r.claimed, r.passed, r.documented, r.undocumented, worst, r.folded);
    }

    private static String totalsLine(String set, int found, Row r) {
        return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d |%n", set, found, r.claimed, r.passed, r.documented, r.undocumented, r.stale);
    }

    private static String cell(String s) {
        String one = s.replace('\n', ' ').replace("|", "\\|");
        return one.length() > 200 ? one.substring(0, 197) + "..." : one;
    }
}
