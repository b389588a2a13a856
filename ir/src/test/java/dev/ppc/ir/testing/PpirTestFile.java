package dev.ppc.ir.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs {@code .ppir} test files as JUnit dynamic tests. A file starts with a {@code // RUN: ...}
 * line naming what to run (for pass tests, a comma-separated pass pipeline); cases are separated
 * by {@code // -----}. Each case is IR text plus CHECK lines, or an {@code // EXPECT-ERROR: text}
 * line when running the case must fail with a message containing {@code text}.
 */
public final class PpirTestFile {
    /** One case of a file. */
    public record Case(Path file, int firstLine, String run, String text, List<FileCheck.Directive> checks, String expectedError) {
        public String name() { return file.getFileName() + ":" + firstLine; }
    }

    private PpirTestFile() {}

    public static List<Case> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        String run = null;
        for (String l : lines) {
            String t = l.trim();
            if (t.startsWith("// RUN:")) { run = t.substring("// RUN:".length()).trim(); break; }
        }
        if (run == null) throw new IllegalArgumentException(file + " has no // RUN: line");
        List<Case> cases = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= lines.size(); i++) {
            if (i == lines.size() || lines.get(i).trim().equals("// -----")) {
                List<String> chunk = lines.subList(start, i);
                String expected = null;
                for (String l : chunk) {
                    String t = l.trim();
                    if (t.startsWith("// EXPECT-ERROR:")) expected = t.substring("// EXPECT-ERROR:".length()).trim();
                }
                cases.add(new Case(file, start + 1, run, String.join("\n", chunk) + "\n", FileCheck.directives(chunk, start + 1), expected));
                start = i + 1;
            }
        }
        return cases;
    }

    /**
     * Dynamic tests for every {@code .ppir} file under {@code dir}; {@code runner} maps (run line,
     * case text) to the output that the CHECK lines are matched against.
     */
    public static Stream<DynamicTest> tests(Path dir, BiFunction<String, String, String> runner) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".ppir")).sorted().toList();
        }
        if (files.isEmpty()) throw new IllegalStateException("no .ppir files under " + dir);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            for (Case c : read(f)) tests.add(DynamicTest.dynamicTest(c.name(), () -> runCase(c, runner)));
        }
        return tests.stream();
    }

    private static void runCase(Case c, BiFunction<String, String, String> runner) {
        if (c.expectedError() != null) {
            try {
                String out = runner.apply(c.run(), c.text());
                throw new AssertionError(c.name() + ": expected an error containing '" + c.expectedError() + "' but got:\n" + out);
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getMessage()).contains(c.expectedError())) {
                    throw new AssertionError(c.name() + ": expected an error containing '" + c.expectedError() + "' but got: " + e.getMessage(), e);
                }
            }
            return;
        }
        FileCheck.check(runner.apply(c.run(), c.text()), c.checks());
    }
}
