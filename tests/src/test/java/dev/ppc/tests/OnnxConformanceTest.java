package dev.ppc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.cpu.CpuBackend;
import dev.ppc.tests.conformance.ConformanceReport;
import dev.ppc.tests.conformance.ConformanceRunner;
import dev.ppc.tests.conformance.Limitations;
import dev.ppc.tests.conformance.ModelOps;
import dev.ppc.tests.conformance.OnnxTestCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;

/**
 * The ONNX conformance suite (issue 3): every test of the ONNX backend test data (Debian's
 * libonnx-testdata) in the node, pytorch-converted, pytorch-operator and simple sets whose ops
 * all have a CPU kernel ({@link #isClaimed}) is "claimed" and run on the CPU backend against its
 * stored outputs ({@link ConformanceRunner}). Every claimed test must pass unless
 * {@code conformance-limitations.txt} documents why it cannot; a documented test that passes,
 * or a documented entry that names no claimed test, fails the suite too, so the list stays
 * true. The report (totals by set, a per-op table, the failures with reasons) is printed and
 * written to {@code target/conformance.md}, the source of {@code docs/conformance.md}.
 *
 * <p>ppc's own node tests of legacy opsets ({@link #LEGACY_SETS}: old operator versions checked
 * against NumPy implementations of their legacy semantics, written by
 * {@code src/test/resources/legacy-opsets/generate.py}) run in the same suite, as one more set.
 */
class OnnxConformanceTest {
    static final Path DATA = Path.of("/usr/share/libonnx-testdata/data");
    static final List<String> SETS = List.of("node", "pytorch-converted", "pytorch-operator", "simple");
    /** The folder of ppc's own test sets, in the layout of the ONNX test data. */
    static final Path OWN_DATA = Path.of("src/test/resources");
    static final List<String> LEGACY_SETS = List.of("legacy-opsets");

    /**
     * Ops without a kernel that clean-up always removes once the input shapes are specialized:
     * their results depend only on static shapes, so fold-constants computes them.
     */
    static final Set<String> FOLDED_BY_CLEANUP = Set.of("Shape", "Size");

    /**
     * A test is claimed when its model uses at least one op with a CPU kernel and every other op
     * is one that clean-up folds away; a model of Shape alone tests the folder, not the backend.
     */
    static boolean isClaimed(List<String> ops, Set<String> supported) {
        return ops.stream().anyMatch(supported::contains)
                && ops.stream().allMatch(op -> supported.contains(op) || FOLDED_BY_CLEANUP.contains(op));
    }

    @Test
    void everyClaimedTestPassesOrHasADocumentedReason() throws IOException {
        assertTrue(Files.isDirectory(DATA), "install the ONNX test data: apt-get install libonnx-testdata");
        SortedSet<String> supported = CpuBackend.supportedOnnxOps();
        Limitations limitations = Limitations.load("/conformance-limitations.txt");
        ConformanceReport report = new ConformanceReport();
        List<OnnxTestCase> tests = OnnxTestCase.discover(DATA, SETS);
        List<OnnxTestCase> all = new ArrayList<>(tests);
        all.addAll(OnnxTestCase.discover(OWN_DATA, LEGACY_SETS));
        Set<String> claimedKeys = new HashSet<>();
        for (OnnxTestCase t : all) {
            report.found(t.set());
            List<String> ops = ModelOps.of(t.model());
            if (!isClaimed(ops, supported)) {
                report.notClaimed(ops.stream().filter(op -> !supported.contains(op) && !FOLDED_BY_CLEANUP.contains(op)).toList());
                continue;
            }
            claimedKeys.add(t.key());
            ConformanceRunner.Outcome outcome = ConformanceRunner.run(t);
            report.add(new ConformanceReport.Entry(t, ConformanceReport.primaryOp(t, ops), outcome, limitations.reason(t.key())));
        }
        String md = report.markdown();
        System.out.println(md);
        Path out = Path.of("target/conformance.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md);

        List<String> problems = new ArrayList<>();
        for (ConformanceReport.Entry e : report.entries()) {
            if (e.undocumentedFailure()) problems.add(e.test().key() + " fails and is not in conformance-limitations.txt: " + e.outcome().failure());
            if (e.stale()) problems.add(e.test().key() + " passes but conformance-limitations.txt says: " + e.reason() + " (remove the entry)");
            if (e.outcome().passed() && !e.outcome().tight()) {
                problems.add(String.format("%s passes but uses %.3g x the tight tolerance (rtol %.0e, atol %.0e) that every test met so far; precision regressed",
                        e.test().key(), e.outcome().tightRatio(), ConformanceRunner.TIGHT_RTOL, ConformanceRunner.TIGHT_ATOL));
            }
        }
        for (String key : limitations.all().keySet()) {
            if (!claimedKeys.contains(key)) problems.add(key + " is in conformance-limitations.txt but is not a claimed test");
        }
        problems.forEach(p -> System.out.println("PROBLEM " + p));
        assertEquals(1072, tests.size(), "expected the 1072 tests of libonnx-testdata 1.12 in " + SETS);
        assertTrue(problems.isEmpty(), problems.size() + " conformance problems; first: " + (problems.isEmpty() ? "" : problems.get(0)));
    }
}
