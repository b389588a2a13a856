package dev.ppc.bundle;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns the bytes of {@code manifest.json} into a {@link BundleManifest} it can vouch for, in an
 * order that gives each kind of damage its own message: the JSON (duplicate keys refused), the
 * format and its version (an old bundle is told to be recompiled, not that its seal is missing),
 * the seal ({@link ManifestSeal}), every field ({@link BundleJson#bind}), and the consistency of
 * the whole ({@link ManifestValidator}).
 */
final class ManifestReader {
    private ManifestReader() {}

    /** Reads {@code bytes}; a {@link BundleException} prefixed {@code where} names what is wrong. */
    static BundleManifest read(byte[] bytes, String where) {
        JsonNode tree;
        try {
            tree = BundleJson.parse(bytes);
        } catch (JsonProcessingException e) {
            throw new BundleException(where + ": manifest.json is not valid JSON (" + BundleJson.oneLine(e.getOriginalMessage()) + at(e.getLocation()) + ")");
        }
        if (!(tree instanceof ObjectNode root)) throw new BundleException(where + ": manifest.json is not a JSON object; this is not a ppc bundle");
        JsonNode format = root.get("format");
        if (format == null) throw new BundleException(where + ": manifest.json has no 'format' field; this is not a ppc bundle");
        if (!format.isTextual() || !format.asText().equals(BundleManifest.FORMAT)) {
            throw new BundleException(where + ": manifest.json: format is " + (format.isTextual() ? "'" + format.asText() + "'" : BundleJson.shown(format))
                    + ", not '" + BundleManifest.FORMAT + "'");
        }
        checkVersion(root.get("format_version"), where);
        String seal = ManifestSeal.problem(bytes);
        if (seal != null) throw new BundleException(where + ": manifest.json " + seal);
        root.remove(ManifestSeal.FIELD);
        BundleManifest manifest;
        try {
            manifest = BundleJson.bind(root, BundleManifest.class);
        } catch (IllegalArgumentException e) {
            throw new BundleException(where + ": manifest.json: " + e.getMessage());
        }
        ManifestValidator.validate(manifest, where);
        return manifest;
    }

    private static void checkVersion(JsonNode version, String where) {
        int current = BundleManifest.VERSION;
        if (version == null) {
            throw new BundleException(where + ": manifest.json: format_version is missing; this ppc reads format version " + current);
        }
        if (!version.isIntegralNumber() || !version.canConvertToInt()) {
            throw new BundleException(where + ": manifest.json: format_version is " + BundleJson.shown(version) + ", not an integer");
        }
        int v = version.asInt();
        if (v < current) {
            throw new BundleException(where + ": manifest.json: format version " + v + " is older than this ppc reads (" + current
                    + "); recompile the model with 'ppc compile'");
        }
        if (v > current) {
            throw new BundleException(where + ": manifest.json: format version " + v + " is newer than this ppc reads (" + current
                    + "); upgrade ppc to read it");
        }
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
