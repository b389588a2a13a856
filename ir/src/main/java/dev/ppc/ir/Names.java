package dev.ppc.ir;

/**
 * Makes names taken from user files (ONNX node, value and tensor names, {@code .npz} member
 * names, file names) safe to echo in a diagnostic or a printed line. ONNX and zip allow any
 * characters in names, so a name may hold a NUL, a newline or a terminal control sequence; echoed
 * raw, it would split the CLI's one-line {@code error:} message or garble the terminal.
 *
 * <p>Every character that would do that is written as an escape: {@code \0}, {@code \t},
 * {@code \n}, {@code \r}, and {@code \}{@code u0007} style for the other control characters, the
 * Unicode line and paragraph separators and the bidirectional-text controls (which reorder what
 * the terminal shows). Other characters, backslashes included, are kept, so an ordinary name is
 * printed exactly as the user wrote it and can be copied back into an option such as
 * {@code --input}; the price is that a name which really contains a backslash and an {@code n}
 * reads the same as one with a newline. Because the result holds no character that is escaped,
 * applying the function twice changes nothing, so a message built from escaped names can be
 * passed through it again as a last line of defence.
 */
public final class Names {
    private Names() {}

    /** {@code name} with every control, line-separator and bidi-control character escaped ({@code "null"} for null). */
    public static String printable(String name) {
        if (name == null) return "null";
        int first = 0;
        while (first < name.length() && !needsEscape(name.charAt(first))) first++;
        if (first == name.length()) return name;
        StringBuilder sb = new StringBuilder(name.length() + 8).append(name, 0, first);
        for (int i = first; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!needsEscape(c)) {
                sb.append(c);
                continue;
            }
            switch (c) {
                case '\0' -> sb.append("\\0");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    private static boolean needsEscape(char c) {
        return Character.isISOControl(c)
                || c == '\u2028' || c == '\u2029'                 // line and paragraph separators
                || (c >= '\u202a' && c <= '\u202e')               // bidi embeddings and overrides
                || (c >= '\u2066' && c <= '\u2069');              // bidi isolates
    }
}
