package dev.ppc.tests.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The documented known limitations of the conformance suite: one line per test,
 * {@code set/test_name  reason} (the key, then whitespace, then the reason); {@code #} starts a
 * comment line. A test listed here may fail; one that is not listed may not, and a listed test
 * that passes is a stale entry.
 */
public final class Limitations {
    private final Map<String, String> reasons;

    private Limitations(Map<String, String> reasons) { this.reasons = Collections.unmodifiableMap(reasons); }

    /** Reads the list from a class-path resource. */
    public static Limitations load(String resource) {
        try (InputStream in = Limitations.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("resource " + resource + " is missing");
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Limitations parse(BufferedReader r) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line; (line = r.readLine()) != null; ) {
            lineNo++;
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) continue;
            String[] parts = s.split("\\s+", 2);
            if (parts.length < 2 || parts[1].isBlank()) throw new IllegalStateException("line " + lineNo + ": '" + s + "' has no reason");
            if (!parts[0].contains("/")) throw new IllegalStateException("line " + lineNo + ": '" + parts[0] + "' is not set/test_name");
            if (m.put(parts[0], parts[1].strip()) != null) throw new IllegalStateException("line " + lineNo + ": " + parts[0] + " is listed twice");
        }
        return new Limitations(m);
    }

    /** The reason {@code key} may fail, or {@code null} when it is not listed. */
    public String reason(String key) { return reasons.get(key); }

    /** Every entry, in file order. */
    public Map<String, String> all() { return reasons; }
}
