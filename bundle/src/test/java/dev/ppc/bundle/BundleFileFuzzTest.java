package dev.ppc.bundle;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ppc.ir.IrException;
import dev.ppc.ir.testing.RamTempDirFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the bundle reader behind its checksums (docs/fuzzing.md). The input replaces one file
 * of a valid bundle directory (the mlp fixture compiled with {@code --cuts 3}): its first byte
 * picks the file, the rest is the new content. Unless the file is {@code manifest.json} itself,
 * the manifest's size and sha256 for it are updated, so the bytes reach the manifest, program and
 * safetensors readers and the checks between them instead of stopping at a checksum mismatch.
 * The bundle either reads or is refused with an {@link IrException} (such as a
 * {@link BundleException}); anything else that escapes, an {@link Error} or a hang is a bug.
 */
class BundleFileFuzzTest {
    private static final int MAX_INPUT_BYTES = 1 << 17;
    private static final List<String> FILES = List.of("manifest.json", "schedule.json",
            "core-0/program.ppir", "core-0/weights.safetensors", "core-1/program.ppir", "core-1/weights.safetensors");
    private static final Map<String, byte[]> ORIGINAL = new LinkedHashMap<>();
    @TempDir(factory = RamTempDirFactory.class)
    static Path dir;

    @BeforeAll
    static void unpackBundle() throws IOException {
        try (InputStream in = BundleFileFuzzTest.class.getResourceAsStream("mlp-bundle.zip");
             ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) ORIGINAL.put(e.getName(), zip.readAllBytes());
        }
        for (String name : ORIGINAL.keySet()) Files.createDirectories(dir.resolve(name).getParent());
    }

    @FuzzTest
    void readEditedFile(byte[] input) throws IOException {
        if (input.length == 0 || input.length > MAX_INPUT_BYTES) return;
        String edited = FILES.get(Byte.toUnsignedInt(input[0]) % FILES.size());
        byte[] content = Arrays.copyOfRange(input, 1, input.length);
        for (Map.Entry<String, byte[]> f : ORIGINAL.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getKey().equals(edited) ? content : f.getValue());
        }
        if (!edited.equals("manifest.json")) updateManifestEntry(edited);
        try {
            BundleReader.read(dir);
        } catch (IrException userError) {
            // Refused with a one-line message.
        }
    }

    /** Gives the manifest's entry for {@code path} the size and sha256 of the file as it is now. */
    private static void updateManifestEntry(String path) throws IOException {
        Path manifest = dir.resolve("manifest.json");
        JsonNode tree = BundleJson.MAPPER.readTree(ORIGINAL.get("manifest.json"));
        for (JsonNode f : tree.get("files")) {
            if (f.get("path").asText().equals(path)) {
                ((ObjectNode) f).put("size", Files.size(dir.resolve(path)));
                ((ObjectNode) f).put("sha256", BundleFiles.sha256(dir.resolve(path)));
            }
        }
        Files.write(manifest, BundleJson.pretty(tree));
    }
}
