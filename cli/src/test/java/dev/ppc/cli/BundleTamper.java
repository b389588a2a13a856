package dev.ppc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ppc.bundle.BundleFiles;
import dev.ppc.bundle.BundleJson;
import dev.ppc.bundle.ManifestSeal;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Edits a compiled bundle the way someone who knows the format would: changes a file and then
 * fixes the manifest's checksums and seal, so that the edit itself is what the reader must catch.
 */
final class BundleTamper {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BundleTamper() {}

    static Path copy(Path bundle, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(bundle)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(bundle.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
        return to;
    }

    /** The manifest's text without its seal. */
    static String unsealedManifest(Path bundle) throws IOException {
        String text = Files.readString(bundle.resolve("manifest.json"));
        String unsealed = text.replaceFirst(",\\n  \"" + ManifestSeal.FIELD + "\" : \"[0-9a-f]{64}\"", "");
        if (unsealed.equals(text)) throw new IllegalStateException("no seal in " + bundle);
        return unsealed;
    }

    /** Edits the manifest's text and seals the result again. */
    static void editManifestText(Path bundle, UnaryOperator<String> edit) throws IOException {
        String edited = edit.apply(unsealedManifest(bundle));
        Files.write(bundle.resolve("manifest.json"), ManifestSeal.seal(edited.getBytes(StandardCharsets.UTF_8)));
    }

    /** Edits the manifest's JSON tree and seals the result again. */
    static void editManifest(Path bundle, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(unsealedManifest(bundle));
        edit.accept(root);
        Files.write(bundle.resolve("manifest.json"), ManifestSeal.seal(BundleJson.pretty(root)));
    }

    /** Edits schedule.json's tree, then updates its size and sha256 in the manifest and seals it again. */
    static void editSchedule(Path bundle, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(bundle.resolve("schedule.json").toFile());
        edit.accept(root);
        replaceFile(bundle, "schedule.json", JSON.writeValueAsBytes(root));
    }

    /** Edits schedule.json's text, then updates its size and sha256 in the manifest and seals it again. */
    static void editScheduleText(Path bundle, UnaryOperator<String> edit) throws IOException {
        replaceFile(bundle, "schedule.json", edit.apply(Files.readString(bundle.resolve("schedule.json"))).getBytes(StandardCharsets.UTF_8));
    }

    private static void replaceFile(Path bundle, String path, byte[] contents) throws IOException {
        Files.write(bundle.resolve(path), contents);
        editManifest(bundle, m -> {
            for (JsonNode f : m.get("files")) {
                if (f.get("path").asText().equals(path)) {
                    ((ObjectNode) f).put("size", contents.length).put("sha256", BundleFiles.sha256(contents));
                }
            }
        });
    }

    static ObjectNode stage(ObjectNode manifest, int k) { return (ObjectNode) manifest.get("stages").get(k); }

    static ArrayNode actions(ObjectNode schedule, int core) { return (ArrayNode) schedule.get("actions").get(core); }

    /** A zip archive of the bundle directory's files, plus {@code extra} entries (name, contents). */
    static Path zip(Path bundle, Path zip, List<String[]> extra) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip)); Stream<Path> s = Files.walk(bundle)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(bundle.relativize(f).toString()));
                Files.copy(f, out);
                out.closeEntry();
            }
            for (String[] e : extra) {
                out.putNextEntry(new ZipEntry(e[0]));
                out.write(e[1].getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip;
    }

    static void mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        try (OutputStream ignored = p.getOutputStream()) {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IOException("mkfifo " + path + " failed: " + output);
        }
    }
}
