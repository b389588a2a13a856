package dev.ppc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.io.Npz;
import dev.ppc.bundle.BundleReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ppc never destroys a user's file: no output overwrites an input of the same command (by any
 * spelling of its path), an existing file of another kind is replaced only with {@code --force},
 * and a path that cannot be written is one {@code error:} line with exit status 2.
 */
class OutputSafetyCliTest {
    private static final Path FIXTURES = InspectAndRunCliTest.FIXTURES;

    @TempDir
    Path dir;

    private Path model, inputs;

    @BeforeEach
    void copyTheFixture() throws IOException {
        model = Files.copy(FIXTURES.resolve("mlp/model.onnx"), dir.resolve("model.onnx"));
        inputs = Files.copy(FIXTURES.resolve("mlp/inputs.npz"), dir.resolve("inputs.npz"));
    }

    private Path compile(String name, String... extra) { return compileCutAt("3", name, extra); }

    private Path compileCutAt(String cuts, String name, String... extra) {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("compile", model.toString(), "--cuts", cuts, "--input", "x=4x32", "-o", out.toString()));
        args.addAll(List.of(extra));
        CliRunner.run(args.toArray(String[]::new)).assertOk();
        return out;
    }

    /** Runs the CLI, expects a refusal naming {@code fragment}, and checks that {@code kept} did not change. */
    private static void refusedAndKept(String fragment, Path kept, String... args) throws IOException {
        byte[] before = Files.readAllBytes(kept);
        CliRunner.run(args).assertUserError(fragment);
        assertArrayEquals(before, Files.readAllBytes(kept), kept + " must be unchanged");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void runNeverWritesOverTheModelOrItsInputs() throws IOException {
        refusedAndKept("--output " + model + " is an input of this command (the model); choose another path", model,
                "run", model.toString(), "--inputs", inputs.toString(), "--output", model.toString());
        refusedAndKept("--output " + inputs + " is an input of this command (--inputs); choose another path", inputs,
                "run", model.toString(), "--inputs", inputs.toString(), "--output", inputs.toString());
        Path link = Files.createSymbolicLink(dir.resolve("link.npz"), model);
        refusedAndKept("is an input of this command (the model)", model,
                "run", model.toString(), "--inputs", inputs.toString(), "--output", link.toString());
        Files.createDirectory(dir.resolve("sub"));
        refusedAndKept("is an input of this command (--inputs)", inputs,
                "run", model.toString(), "--inputs", inputs.toString(), "--output", dir.resolve("sub/../inputs.npz").toString());
    }

    @Test
    void runNeverWritesOverOrIntoTheBundleItRuns() throws IOException {
        Path zip = compile("mlp.zip");
        refusedAndKept("--output " + zip + " is an input of this command (the bundle); choose another path", zip,
                "run", zip.toString(), "--inputs", inputs.toString(), "--output", zip.toString());
        Path bundle = compile("mlp.ppc");
        Path manifest = bundle.resolve("manifest.json");
        refusedAndKept("--trace " + manifest + " is inside " + bundle + ", an input of this command (the bundle); choose another path", manifest,
                "run", bundle.toString(), "--inputs", inputs.toString(), "--trace", manifest.toString());
        CliRunner.run("run", bundle.toString(), "--inputs", inputs.toString(), "--output", bundle.resolve("y.npz").toString())
                .assertUserError("is inside " + bundle + ", an input of this command (the bundle)");
        BundleReader.read(bundle);
    }

    @Test
    void runNeverWritesOverTheModelsExternalData() throws IOException {
        Files.write(dir.resolve("w.bin"), new byte[8]);
        Path ext = InspectAndRunCliTest.write(dir.resolve("ext.onnx"), InspectAndRunCliTest.model(InspectAndRunCliTest.external("w.bin", 0, 8)));
        Path x = dir.resolve("x.npz");
        Npz.write(x, Map.of("x", Tensor.ofFloats(new long[] {2}, 1f, 2f)), false);
        refusedAndKept("--output " + dir.resolve("w.bin") + " is an input of this command (the model's external data)", dir.resolve("w.bin"),
                "run", ext.toString(), "--inputs", x.toString(), "--output", dir.resolve("w.bin").toString());
    }

    @Test
    void compileNeverReplacesTheDirectoryThatHoldsItsModel() throws IOException {
        Path bundle = compile("s.ppc", "--emit", "onnx-stages");
        Path stage = bundle.resolve("core-0/stage.onnx");
        refusedAndKept("-o " + bundle + " holds " + stage + ", an input of this command (the model); choose another path", stage,
                "compile", stage.toString(), "--cuts", "1", "-o", bundle.toString(), "--force");
    }

    @Test
    void aZipBundleReplacesOnlyAZipBundleUnlessForced() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.zip"), "keep me");
        refusedAndKept("-o " + text + " exists and is not a zipped ppc bundle; refusing to replace it (use --force to replace it anyway)", text,
                "compile", model.toString(), "--cuts", "3", "--input", "x=4x32", "-o", text.toString());
        Path otherZip = dir.resolve("photos.zip");
        try (OutputStream out = Files.newOutputStream(otherZip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("manifest.json"));
            z.write("{\"format\": \"photos\"}".getBytes());
            z.closeEntry();
        }
        refusedAndKept("is not a zipped ppc bundle", otherZip, "compile", model.toString(), "--cuts", "3", "--input", "x=4x32", "-o", otherZip.toString());
        Path onnxNamedZip = Files.copy(model, dir.resolve("model.onnx.zip"));
        refusedAndKept("is not a zipped ppc bundle", onnxNamedZip, "compile", model.toString(), "--cuts", "3", "--input", "x=4x32", "-o", onnxNamedZip.toString());

        Path bundleZip = compile("b.zip");
        compileCutAt("1,3", "b.zip"); // a zipped bundle is replaced without --force
        assertEquals(3, BundleReader.read(bundleZip).stages().size());
        compile("notes.zip", "--force");
        assertEquals(2, BundleReader.read(text).stages().size());
        assertFalse(names().stream().anyMatch(n -> n.startsWith(".")), "no temp is left: " + names());
    }

    @Test
    void aBundleDirectoryReplacesOnlyABundleUnlessForced() throws IOException {
        Path precious = Files.createDirectory(dir.resolve("precious"));
        Path notes = Files.writeString(precious.resolve("notes.txt"), "keep me");
        refusedAndKept("-o " + precious + " exists and is not a ppc bundle directory; refusing to replace it (use --force", notes,
                "compile", model.toString(), "--cuts", "3", "--input", "x=4x32", "-o", precious.toString());
        compile("precious", "--force");
        BundleReader.read(precious);
        assertFalse(Files.exists(notes));
    }

    @Test
    void runReplacesOnlyNumpyAndJsonFilesUnlessForced() throws IOException {
        Path text = Files.writeString(dir.resolve("y.npz"), "keep me");
        refusedAndKept("--output " + text + " exists and is not an .npz or .npy file; refusing to replace it (use --force", text,
                "run", model.toString(), "--inputs", inputs.toString(), "--output", text.toString());
        CliRunner.run("run", model.toString(), "--inputs", inputs.toString(), "--output", text.toString(), "--force").assertOk();
        assertEquals(List.of("y"), List.copyOf(Npz.read(text).keySet()));
        CliRunner.run("run", model.toString(), "--inputs", inputs.toString(), "--output", text.toString()).assertOk();

        Path bundle = compile("mlp.ppc");
        Path trace = Files.writeString(dir.resolve("trace.json"), "not json");
        refusedAndKept("--trace " + trace + " exists and is not a JSON file", trace,
                "run", bundle.toString(), "--inputs", inputs.toString(), "--trace", trace.toString());
        CliRunner.run("run", bundle.toString(), "--inputs", inputs.toString(), "--trace", trace.toString(), "--force").assertOk();
        assertTrue(Files.readString(trace).contains("traceEvents"));
        CliRunner.run("run", bundle.toString(), "--inputs", inputs.toString(), "--output", trace.toString(), "--trace", trace.toString(), "--force")
                .assertUserError("--trace " + trace + " is also the path given to --output; give each output its own path");
    }

    @Test
    void aDirectoryOrAMissingFolderIsAOneLineError() throws IOException {
        Path out = Files.createDirectory(dir.resolve("out"));
        CliRunner.run("run", model.toString(), "--inputs", inputs.toString(), "--output", out.toString())
                .assertUserError("--output " + out + " is a directory; give the path of a file");
        Path missing = dir.resolve("nope/y.npz");
        CliRunner.run("run", model.toString(), "--inputs", inputs.toString(), "--output", missing.toString())
                .assertUserError("--output " + missing + ": the folder " + dir.resolve("nope") + " does not exist; create it first");
        Path file = Files.writeString(dir.resolve("file"), "x");
        CliRunner.run("inspect", model.toString(), "--dump-dir", file.toString())
                .assertUserError("--dump-dir " + file + " is a file, not a directory; give a directory");
        CliRunner.run("inspect", model.toString(), "--dump-dir", file.resolve("dump").toString())
                .assertUserError("--dump-dir " + file.resolve("dump") + ": " + file + " is a file, not a folder");
    }

    @Test
    void theDumpNeverWritesOverTheModel() throws IOException {
        Path dump = Files.createDirectory(dir.resolve("dump"));
        CliRunner.run("inspect", model.toString(), "--input", "x=4x32", "--dump-dir", dump.toString()).assertOk();
        Path ir = Files.copy(dump.resolve("00-input.ppir"), dump.resolve("01-specialize-shapes.ppir"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        refusedAndKept("--dump-dir " + dump + " would write over " + ir + ", an input of this command (the model); choose another directory", ir,
                "inspect", ir.toString(), "--dump-dir", dump.toString());
    }

    @Test
    void scheduleOutputsReplaceOnlyTheirOwnKindUnlessForced() throws IOException {
        Path csv = dir.resolve("s.csv");
        CliRunner.run("schedule", "--kind", "1f1b", "--stages", "2", "--microbatches", "4", "--csv", csv.toString()).assertOk();
        refusedAndKept("--csv " + csv + " is an input of this command (--import-csv); choose another path", csv,
                "schedule", "--import-csv", csv.toString(), "--csv", csv.toString());
        Path notSvg = Files.writeString(dir.resolve("a.svg"), "keep me");
        refusedAndKept("--svg " + notSvg + " exists and is not an SVG file", notSvg,
                "schedule", "--kind", "gpipe", "--stages", "2", "--microbatches", "2", "--svg", notSvg.toString());
        Path notJson = Files.writeString(dir.resolve("s.json"), "keep me");
        refusedAndKept("--json " + notJson + " exists and is not a JSON file", notJson,
                "schedule", "--kind", "gpipe", "--stages", "2", "--microbatches", "2", "--json", notJson.toString());
        Path binary = Files.write(dir.resolve("b.csv"), new byte[] {0, 1, 2});
        refusedAndKept("--csv " + binary + " exists and is not a CSV text file", binary,
                "schedule", "--kind", "gpipe", "--stages", "2", "--microbatches", "2", "--csv", binary.toString());
        CliRunner.run("schedule", "--kind", "gpipe", "--stages", "2", "--microbatches", "2", "--svg", notSvg.toString(), "--force").assertOk();
        assertTrue(Files.readString(notSvg).contains("<svg"));
        CliRunner.run("schedule", "--kind", "gpipe", "--stages", "2", "--microbatches", "2", "--json", notJson.toString(),
                "--trace", dir.resolve("missing/t.json").toString()).assertUserError("the folder " + dir.resolve("missing") + " does not exist");
    }
}
