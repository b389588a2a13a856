package dev.ppc.ir;

/**
 * Names from files as they may be shown in a one-line diagnostic. A file name, tensor name or zip
 * entry read from a model or bundle can hold any character; printed raw, a newline would split the
 * {@code error:} line and a NUL or escape sequence would garble the terminal.
 */
public final class Names {
    private Names() {}

    /**
     * {@code s} with every control character escaped: {@code \n}, {@code \r} and {@code \t} as
     * those two-character escapes, any other (C0, DEL, C1, and the Unicode line and paragraph
     * separators) as {@code \}{@code uXXXX}. Other characters, backslashes included, are unchanged.
     */
    public static String printable(String s) {
        if (s == null) return "null";
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape = escape(c);
            if (escape == null) {
                if (sb != null) sb.append(c);
                continue;
            }
            if (sb == null) sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            sb.append(escape);
        }
        return sb == null ? s : sb.toString();
    }

    private static String escape(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? String.format("\\u%04x", (int) c) : null;
        };
    }
}
