package dev.ppc.compiler.bundle;

import dev.ppc.bundle.*;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ppc.compiler.CompileOptions;
import dev.ppc.compiler.CompileResult;
import dev.ppc.compiler.Compiler;
import dev.ppc.compiler.Fixtures;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.text.IrPrinter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundle writer and reader on the mlp fixture cut after its third linear. */
class BundleTest {
    @TempDir
    Path tmp;

    /** The mlp at batch 8 in 2 microbatches of 4 rows. */
    private CompileResult compileMlp(Path out) {
        CompileOptions opts = CompileOptions.withCuts("3").microbatches(2).emitOnnxStages(true).sourceModel(Fixtures.model("mlp"));
        Module batch8 = Fixtures.bindSymbols(Fixtures.importModel("mlp"), java.util.Map.of("batch", 8L));
        return Compiler.compile(batch8, opts, out);
    }

    private static List<String> gemmLocations(Module stage) {
        List<String> locs = new ArrayList<>();
        for (Op op : stage.main().ops()) if (op.isOnnx("Gemm")) locs.add(op.location());
        return locs;
    }

    @Test
    void mlpCutAtThreeRoundTrips() throws IOException {
        Path out = tmp.resolve("mlp.ppc");
        CompileResult r = compileMlp(out);
        Bundle b = BundleReader.read(out);
        assertEquals(2, b.stages().size());
        assertEquals(List.of("/linears.0/Gemm", "/linears.1/Gemm", "/linears.2/Gemm"), gemmLocations(b.stages().get(0)));
        assertEquals(List.of("/linears.3/Gemm", "/linears.4/Gemm"), gemmLocations(b.stages().get(1)));

        // Every weight comes back with the bytes it was compiled with, whether external or inline.
        Module original = Fixtures.staticMlp();
        for (Module stage : b.stages()) {
            for (Module.Constant c : stage.constants().values()) {
                assertTrue(c.data().sameContents(original.constant(c.name()).data()), c.name());
                assertTrue(c.parameter(), c.name());
            }
        }
        assertEquals(List.of("linears.0.weight", "linears.0.bias", "linears.1.weight", "linears.1.bias", "linears.2.weight", "linears.2.bias"),
                List.copyOf(b.stages().get(0).constants().keySet()));
        // The program text is what the loaded module prints to.
        assertEquals(Files.readString(out.resolve("core-0/program.ppir")), new IrPrinter(BundleWriter.INLINE_BYTES).printModule(b.stages().get(0)));
        assertTrue(Files.readString(out.resolve("core-0/program.ppir")).contains("constant @linears.0.weight : f32[32,32] param = external"));

        BundleManifest m = b.manifest();
        assertEquals(r.manifest(), m);
        assertEquals("ppc-bundle", m.format());
        assertEquals(BundleManifest.VERSION, m.formatVersion());
        assertEquals("cpu", m.target());
        assertEquals(2, m.microbatches());
        assertEquals(new BundleManifest.Batch(true, java.util.Map.of("x", 0), java.util.Map.of("y", 0)), m.batch());
        assertEquals(new BundleManifest.Model("mlp", "model.onnx", BundleFiles.sha256(Fixtures.model("mlp"))), m.model());
        assertEquals(List.of(new BundleManifest.TensorSpec("x", "f32", List.of(4L, 32L))), m.microbatchInputs());
        assertEquals(List.of(new BundleManifest.Channel(0, 0, 1, "/linears.2/Gemm_output_0", "f32", List.of(4L, 32L), 512)), m.channels());
        BundleManifest.Stage s0 = m.stages().get(0), s1 = m.stages().get(1);
        assertEquals(0, s0.core());
        assertEquals(1, s1.core());
        assertEquals(List.of(BundleManifest.Port.model("x", dev.ppc.ir.TensorType.of(dev.ppc.ir.DType.F32, 4, 32))), s0.inputs());
        assertEquals("channel", s0.outputs().get(0).kind());
        assertEquals(0, s0.outputs().get(0).channel());
        assertEquals("y", s1.outputs().get(0).name());
        assertEquals(List.of(), m.tiedGroups());
        List<String> paths = m.files().stream().map(BundleManifest.FileEntry::path).toList();
        assertEquals(List.of("core-0/program.ppir", "core-0/stage.onnx", "core-0/weights.safetensors", "core-1/program.ppir", "core-1/stage.onnx",
                "core-1/weights.safetensors", "report.json", "schedule.json"), paths);

        dev.ppc.schedule.Schedule schedule = dev.ppc.schedule.ScheduleJson.read(Files.readString(out.resolve("schedule.json")));
        assertEquals(dev.ppc.schedule.ScheduleKind.FORWARD, schedule.kind());
        assertTrue(dev.ppc.schedule.ScheduleValidator.validate(schedule).isValid(), "the bundle's schedule must validate");
        assertEquals("[F(0,0), SEND_F(0,0), F(0,1), SEND_F(0,1)]", actions(schedule, 0));
        assertEquals("[RECV_F(1,0), F(1,0), RECV_F(1,1), F(1,1)]", actions(schedule, 1));

        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode r0 = report.get("stages").get(0);
        assertEquals(5, r0.get("ops").asInt()); // 3 Gemm + 2 Relu
        assertEquals(3 * (32 * 32 + 32), r0.get("parameters").asLong());
        assertEquals(512, r0.get("send_bytes_per_microbatch").asLong());
        assertEquals(512, report.get("stages").get(1).get("recv_bytes_per_microbatch").asLong());
    }

    private static String actions(dev.ppc.schedule.Schedule schedule, int core) {
        return schedule.actions(core).stream().map(a -> a.type() + "(" + a.stage() + "," + a.microbatch() + ")").toList().toString();
    }


    @Test
    void compilingTwiceGivesIdenticalBytes() throws IOException {
        Path a = tmp.resolve("a.ppc"), b = tmp.resolve("b.ppc");
        compileMlp(a);
        compileMlp(b);
        List<Path> files = list(a);
        assertEquals(files, list(b));
        assertEquals(9, files.size());
        for (Path f : files) assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f.toString());
        // Compiling again into the same directory replaces the bundle with the same bytes.
        byte[] manifest = Files.readAllBytes(a.resolve("manifest.json"));
        compileMlp(a);
        assertArrayEquals(manifest, Files.readAllBytes(a.resolve("manifest.json")));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        }
    }

    private String refused(Path bundle) {
        BundleException e = assertThrows(BundleException.class, () -> BundleReader.read(bundle));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("bundle " + bundle + ": "), e.getMessage());
        return e.getMessage().substring(("bundle " + bundle + ": ").length());
    }

    @Test
    void aTruncatedWeightsFileIsRefused() throws IOException {
        Path out = tmp.resolve("t.ppc");
        compileMlp(out);
        Path w = out.resolve("core-1/weights.safetensors");
        long size = Files.size(w);
        try (RandomAccessFile f = new RandomAccessFile(w.toFile(), "rw")) {
            f.setLength(size - 100);
        }
        assertEquals("core-1/weights.safetensors: " + (size - 100) + " bytes, but the manifest says " + size + " (the file is truncated or was replaced)",
                refused(out));
    }

    @Test
    void anEditedProgramIsRefused() throws IOException {
        Path out = tmp.resolve("e.ppc");
        compileMlp(out);
        Path p = out.resolve("core-0/program.ppir");
        byte[] text = Files.readAllBytes(p);
        String s = new String(text, StandardCharsets.UTF_8);
        int at = s.indexOf("Relu(");
        text[at] = 'T'; // one byte: Relu -> Telu, same size
        Files.write(p, text);
        assertEquals("core-0/program.ppir: sha256 mismatch (the file was modified after compile)", refused(out));
    }

    @Test
    void aNewerManifestVersionIsRefused() throws IOException {
        Path out = tmp.resolve("v.ppc");
        compileMlp(out);
        Path m = out.resolve("manifest.json");
        Files.writeString(m, Files.readString(m).replace("\"format_version\" : 2", "\"format_version\" : 3"));
        assertEquals("manifest.json: format version 3 is newer than this ppc reads (2); upgrade ppc to read it", refused(out));
    }

    @Test
    void theManifestIsSealedByTheDigestOfItsOwnBytes() throws IOException {
        Path out = tmp.resolve("seal.ppc");
        compileMlp(out);
        Path m = out.resolve("manifest.json");
        String text = Files.readString(m);
        assertTrue(text.matches("(?s).*\n  \"manifest_sha256\" : \"[0-9a-f]{64}\"\n}\n"), text);
        // Same length, one digit of a size changed: only the seal can tell.
        Files.writeString(m, text.replace("\"microbatches\" : 2", "\"microbatches\" : 3"));
        assertEquals("manifest.json manifest_sha256 does not match the file's contents (the manifest was modified after compile)", refused(out));
    }

    @Test
    void aDeletedFileIsRefused() throws IOException {
        Path out = tmp.resolve("d.ppc");
        compileMlp(out);
        Files.delete(out.resolve("core-1/program.ppir"));
        assertEquals("core-1/program.ppir is missing", refused(out));
    }

    @Test
    void aSwappedWeightsFileWithAFixedManifestIsRefusedByContent() throws IOException {
        // Someone copies stage 0's weights over stage 1's and "fixes" the checksums: the names no longer match the program.
        Path out = tmp.resolve("s.ppc");
        BundleManifest manifest = compileMlp(out).manifest();
        Files.copy(out.resolve("core-0/weights.safetensors"), out.resolve("core-1/weights.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path m = out.resolve("manifest.json");
        List<BundleManifest.FileEntry> files = new ArrayList<>();
        for (BundleManifest.FileEntry f : manifest.files()) {
            Path p = out.resolve(f.path());
            files.add(new BundleManifest.FileEntry(f.path(), Files.size(p), BundleFiles.sha256(p)));
        }
        Files.write(m, ManifestSeal.sealed(new BundleManifest(manifest.format(), manifest.formatVersion(), manifest.model(), manifest.target(),
                manifest.microbatches(), manifest.batch(), manifest.microbatchInputs(), manifest.stages(), manifest.channels(),
                manifest.tiedGroups(), files)));
        assertEquals("core-1/weights.safetensors has no tensor 'linears.3.weight', which core-1/program.ppir declares external", refused(out));
    }

    @Test
    void notABundleIsRefused() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertEquals("manifest.json is missing; this is not a ppc bundle", refused(empty));
        Path garbage = Files.createDirectory(tmp.resolve("garbage"));
        Files.writeString(garbage.resolve("manifest.json"), "{\"format\": ");
        assertTrue(refused(garbage).startsWith("manifest.json is not valid JSON ("));
        Files.writeString(garbage.resolve("manifest.json"), "{\"format\": \"onnx\"}");
        assertEquals("manifest.json: format is 'onnx', not 'ppc-bundle'", refused(garbage));
        Files.writeString(garbage.resolve("manifest.json"), "{\"format\": \"ppc-bundle\", \"format\": \"ppc-bundle\"}");
        assertEquals("manifest.json is not valid JSON (Duplicate field 'format' at line 1, column 34)", refused(garbage));
    }

    @Test
    void theWriterDoesNotOverwriteSomethingElse() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("precious"));
        Files.writeString(dir.resolve("notes.txt"), "keep me");
        BundleException e = assertThrows(BundleException.class, () -> compileMlp(dir));
        assertEquals("bundle " + dir + ": the path exists and is not a ppc bundle directory; refusing to overwrite it", e.getMessage());
        assertEquals("keep me", Files.readString(dir.resolve("notes.txt")));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(dir), s.toList(), "no partial bundle is left behind");
        }
    }

    @Test
    void aFolderWithSomeOtherManifestIsNotABundleToReplace() throws IOException {
        // manifest.json is a common name (web app manifests, browser extensions): only ppc's format makes a folder a bundle.
        Path dir = Files.createDirectory(tmp.resolve("extension"));
        Files.writeString(dir.resolve("manifest.json"), "{\"manifest_version\": 3, \"name\": \"mine\"}");
        BundleException e = assertThrows(BundleException.class, () -> compileMlp(dir));
        assertEquals("bundle " + dir + ": the path exists and is not a ppc bundle directory; refusing to overwrite it", e.getMessage());
        assertEquals("{\"manifest_version\": 3, \"name\": \"mine\"}", Files.readString(dir.resolve("manifest.json")));
    }

    @Test
    void theWriterReplacesSomethingElseOnlyWhenForced() throws IOException {
        Path notes = Files.writeString(tmp.resolve("notes.zip"), "keep me");
        BundleException e = assertThrows(BundleException.class, () -> compileMlp(notes));
        assertEquals("bundle " + notes + ": the path exists and is not a zipped ppc bundle; refusing to overwrite it", e.getMessage());
        assertEquals("keep me", Files.readString(notes));
        Path dir = Files.createDirectory(tmp.resolve("precious"));
        Files.writeString(dir.resolve("notes.txt"), "replace me");
        CompileOptions forced = CompileOptions.withCuts("3").microbatches(2).sourceModel(Fixtures.model("mlp")).force(true);
        Compiler.compile(Fixtures.staticMlp(), forced, notes);
        Compiler.compile(Fixtures.staticMlp(), forced, dir);
        assertEquals(2, BundleReader.read(notes).stages().size());
        assertEquals(2, BundleReader.read(dir).stages().size());
        assertFalse(Files.exists(dir.resolve("notes.txt")));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("notes.zip", "precious"), s.map(p -> p.getFileName().toString()).sorted().toList(), "no temp is left");
        }
    }

    @Test
    void theSummaryShowsEachStage() throws IOException {
        Path out = tmp.resolve("sum.ppc");
        compileMlp(out);
        BundleSummary s = BundleSummary.of(BundleReader.read(out));
        String text = s.toText();
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).startsWith("model mlp from model.onnx (sha256 "), lines.get(0));
        assertTrue(lines.get(0).endsWith("...), target cpu, 2 stages, 2 microbatches"), lines.get(0));
        assertEquals("batch: input x axis 0 -> output y axis 0 (proven)", lines.get(1));
        assertEquals("stage  core  ops  params  param bytes  const bytes  recv B/mb  send B/mb  in  out  tied", lines.get(2));
        assertEquals("    0     0    5    3168        12672        12672          0        512  -   0    -", lines.get(3));
        assertEquals("    1     1    4    2112         8448         8448        512          0  0   -    -", lines.get(4));
        assertEquals("stage 0 holds linears.0, linears.1, linears.2 and 2 ops outside blocks", lines.get(5));
        assertEquals("stage 1 holds linears.3, linears.4 and 2 ops outside blocks", lines.get(6));
        assertEquals("channel 0: stage 0 -> stage 1, %/linears.2/Gemm_output_0 f32[4, 32], 512 bytes", lines.get(7));
        assertEquals(8, lines.size());
        JsonNode json = new ObjectMapper().readTree(s.toJson());
        assertEquals("ppc-report", json.get("format").asText());
        assertEquals(512, json.get("stages").get(1).get("recv_bytes_per_microbatch").asLong());
        assertEquals(List.of(0), s.stages().get(1).channelsIn());
    }
}
