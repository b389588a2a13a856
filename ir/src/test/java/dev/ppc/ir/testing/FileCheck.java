package dev.ppc.ir.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small FileCheck in the style of LLVM's: matches {@code CHECK}, {@code CHECK-NEXT},
 * {@code CHECK-NOT}, {@code CHECK-LABEL} and {@code CHECK-SAME} directives against output text,
 * with captures {@code [[X:regex]]}, back-references {@code [[X]]} and inline regexes
 * {@code {{regex}}}. Everything else in a pattern matches literally.
 */
public final class FileCheck {
    /** One directive: its kind, its pattern and the line it came from (for messages). */
    public record Directive(String kind, String pattern, int line) {}

    private static final Pattern DIRECTIVE = Pattern.compile("//\\s*(CHECK(?:-NEXT|-NOT|-LABEL|-SAME)?):(.*)$");

    private FileCheck() {}

    /** Extracts the CHECK directives of a test file chunk; {@code firstLine} numbers lines. */
    public static List<Directive> directives(List<String> lines, int firstLine) {
        List<Directive> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = DIRECTIVE.matcher(lines.get(i).trim());
            if (m.find()) out.add(new Directive(m.group(1), m.group(2).trim(), firstLine + i));
        }
        return out;
    }

    /** Checks {@code output} against the directives; throws AssertionError naming the failing directive. */
    public static void check(String output, List<Directive> directives) {
        if (directives.isEmpty()) throw new AssertionError("test has no CHECK directives");
        String[] lines = output.split("\n", -1);
        Map<String, String> vars = new HashMap<>();
        int cursor = 0; // next line to search from
        int lastMatchLine = -1;
        int lastMatchEnd = 0;
        List<Directive> pendingNots = new ArrayList<>();
        for (Directive d : directives) {
            switch (d.kind()) {
                case "CHECK-NOT" -> pendingNots.add(d);
                case "CHECK-SAME" -> {
                    if (lastMatchLine < 0) throw fail(d, "CHECK-SAME without a previous match", output);
                    Match m = find(d, lines[lastMatchLine].substring(lastMatchEnd), vars);
                    if (m == null) throw fail(d, "no match on the same line: " + lines[lastMatchLine], output);
                    lastMatchEnd += m.end;
                }
                default -> {
                    int found = -1;
                    Match match = null;
                    if (d.kind().equals("CHECK-NEXT")) {
                        int next = lastMatchLine + 1;
                        if (next < lines.length) {
                            match = find(d, lines[next], vars);
                            if (match != null) found = next;
                        }
                        if (found < 0) throw fail(d, "expected on line " + (next + 1) + " of the output: " + (next < lines.length ? lines[next] : "<end>"), output);
                    } else {
                        for (int i = cursor; i < lines.length && found < 0; i++) {
                            match = find(d, lines[i], vars);
                            if (match != null) found = i;
                        }
                        if (found < 0) throw fail(d, "not found in the output after line " + cursor, output);
                    }
                    for (Directive not : pendingNots) {
                        for (int i = cursor; i < found; i++) {
                            if (find(not, lines[i], new HashMap<>(vars)) != null) throw fail(not, "found forbidden text on output line " + (i + 1) + ": " + lines[i], output);
                        }
                    }
                    pendingNots.clear();
                    vars.putAll(match.captures);
                    lastMatchLine = found;
                    lastMatchEnd = match.end;
                    cursor = found + 1;
                }
            }
        }
        for (Directive not : pendingNots) {
            for (int i = cursor; i < lines.length; i++) {
                if (find(not, lines[i], new HashMap<>(vars)) != null) throw fail(not, "found forbidden text on output line " + (i + 1) + ": " + lines[i], output);
            }
        }
    }

    private record Match(int end, Map<String, String> captures) {}

    private static Match find(Directive d, String line, Map<String, String> vars) {
        List<String> captureNames = new ArrayList<>();
        Pattern p = Pattern.compile(toRegex(d, vars, captureNames));
        Matcher m = p.matcher(line);
        if (!m.find()) return null;
        Map<String, String> caps = new HashMap<>();
        for (int i = 0; i < captureNames.size(); i++) caps.put(captureNames.get(i), m.group(i + 1));
        return new Match(m.end(), caps);
    }

    private static String toRegex(Directive d, Map<String, String> vars, List<String> captureNames) {
        String s = d.pattern();
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("{{", i)) {
                int end = s.indexOf("}}", i + 2);
                if (end < 0) throw new AssertionError("line " + d.line() + ": unterminated {{");
                re.append('(').append("?:").append(s, i + 2, end).append(')');
                i = end + 2;
            } else if (s.startsWith("[[", i)) {
                int end = s.indexOf("]]", i + 2);
                if (end < 0) throw new AssertionError("line " + d.line() + ": unterminated [[");
                String body = s.substring(i + 2, end);
                int colon = body.indexOf(':');
                if (colon >= 0) {
                    captureNames.add(body.substring(0, colon));
                    re.append('(').append(body.substring(colon + 1)).append(')');
                } else {
                    String v = vars.get(body);
                    if (v == null) throw new AssertionError("line " + d.line() + ": [[" + body + "]] is used before it is captured");
                    re.append(Pattern.quote(v));
                }
                i = end + 2;
            } else {
                int next = nextSpecial(s, i);
                re.append(Pattern.quote(s.substring(i, next)));
                i = next;
            }
        }
        return re.toString();
    }

    private static int nextSpecial(String s, int from) {
        int a = s.indexOf("{{", from), b = s.indexOf("[[", from);
        if (a < 0) a = s.length();
        if (b < 0) b = s.length();
        return Math.min(a, b);
    }

    private static AssertionError fail(Directive d, String why, String output) {
        return new AssertionError("line " + d.line() + ": " + d.kind() + ": " + d.pattern() + "\n  " + why + "\n--- output ---\n" + output);
    }
}
