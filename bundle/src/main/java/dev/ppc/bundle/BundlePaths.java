package dev.ppc.bundle;

/**
 * The rule for a path inside a bundle, as the manifest lists it and as a zip archive names its
 * entries: relative, {@code /}-separated, normalized. Anything else could reach outside the bundle
 * or mean different files on different systems.
 */
final class BundlePaths {
    private BundlePaths() {}

    /** Why {@code path} is not a path inside a bundle, or null if it is one. */
    static String problem(String path) {
        if (path.isEmpty()) return "it is empty";
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\0') return "it contains a NUL character";
            if (Character.isISOControl(c)) return "it contains a control character";
            if (c == '\\') return "it contains a backslash (bundle paths use '/')";
            if (c == ':') return "it contains a ':' (a drive or stream name)";
        }
        if (path.startsWith("/")) return "it is absolute";
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) return "it has a '..' segment";
            if (segment.equals(".")) return "it has a '.' segment";
            if (segment.isEmpty()) return "it has an empty segment";
        }
        return null;
    }
}
