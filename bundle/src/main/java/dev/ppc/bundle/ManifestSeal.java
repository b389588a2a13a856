package dev.ppc.bundle;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The manifest's own checksum. Every other file of a bundle is checked against the size and
 * sha256 the manifest lists; the manifest seals itself with a last field
 * <pre>
 *   "manifest_sha256" : "&lt;64 hex digits&gt;"
 * </pre>
 * whose value is the sha256 of the file's exact bytes with those 64 digits replaced by {@code 0}s.
 * The reader checks it on the bytes as they are on disk, before it trusts anything else in the
 * manifest; nothing is re-serialized, so the check does not depend on how JSON is printed. One
 * self-sealing file is also the bundle's single commit point: writing it last makes the bundle
 * whole.
 */
public final class ManifestSeal {
    /** The name of the sealing field. */
    public static final String FIELD = "manifest_sha256";

    private static final String ZEROS = "0".repeat(64);
    /** The seal as the last member of the top-level object, then only whitespace to the end. */
    private static final Pattern SEAL = Pattern.compile(",\\s*\"" + FIELD + "\"\\s*:\\s*\"([0-9a-f]{64})\"\\s*}\\s*\\z");
    /** The seal is near the end; looking only there keeps the check independent of the manifest's size. */
    private static final int TAIL = 256;

    private ManifestSeal() {}

    /** The manifest as {@code manifest.json} bytes: {@link BundleJson#pretty} plus the seal. */
    public static byte[] sealed(BundleManifest manifest) { return seal(BundleJson.pretty(manifest)); }

    /**
     * Adds the seal to the JSON text of an object that has none: the field goes after the last
     * member, and the digest is computed over the result with zeros in its place.
     */
    public static byte[] seal(byte[] json) {
        String text = new String(json, StandardCharsets.ISO_8859_1); // one char per byte: offsets are byte offsets
        int close = text.stripTrailing().length() - 1;
        if (close < 0 || text.charAt(close) != '}') throw new IllegalArgumentException("not the text of a JSON object");
        int end = close;
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) end--;
        String comma = text.charAt(end - 1) == '{' ? "" : ",";
        String withZeros = text.substring(0, end) + comma + "\n  \"" + FIELD + "\" : \"" + ZEROS + "\"" + text.substring(end);
        byte[] bytes = withZeros.getBytes(StandardCharsets.ISO_8859_1);
        byte[] digest = BundleFiles.sha256(bytes).getBytes(StandardCharsets.US_ASCII);
        int at = withZeros.lastIndexOf(ZEROS);
        System.arraycopy(digest, 0, bytes, at, digest.length);
        return bytes;
    }

    /**
     * What is wrong with the seal of {@code manifest} (the bytes of a manifest.json), or null if
     * it holds: the seal is the last field and matches the bytes.
     */
    static String problem(byte[] manifest) {
        int from = Math.max(0, manifest.length - TAIL);
        String tail = new String(manifest, from, manifest.length - from, StandardCharsets.ISO_8859_1);
        Matcher m = SEAL.matcher(tail);
        if (!m.find()) {
            return "has no seal: its last field must be \"" + FIELD + "\", the sha256 of the file; recompile the model with 'ppc compile'";
        }
        byte[] zeroed = manifest.clone();
        for (int i = from + m.start(1); i < from + m.end(1); i++) zeroed[i] = '0';
        if (!BundleFiles.sha256(zeroed).equals(m.group(1))) return FIELD + " does not match the file's contents (the manifest was modified after compile)";
        return null;
    }
}
