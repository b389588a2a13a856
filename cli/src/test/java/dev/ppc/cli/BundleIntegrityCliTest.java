package dev.ppc.cli;

import static dev.ppc.cli.BundleTamper.actions;
import static dev.ppc.cli.BundleTamper.stage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle edited after compile, by accident or on purpose, is refused by both {@code run} and
 * {@code inspect} with exit status 2 and one line naming the file and the field; never an internal
 * error, never a hang. Each case starts from a freshly compiled bundle (mlp cut after its third
 * linear, two microbatches) and, where the edit is not about checksums, fixes the checksums and
 * the manifest's seal afterwards, so the reader's other checks are what catches it.
 */
class BundleIntegrityCliTest {
    private static final Path FIXTURES = InspectAndRunCliTest.FIXTURES;
    private static final String INPUTS = FIXTURES.resolve("mlp/inputs.npz").toString();

    @TempDir
    static Path compiled;
    private static Path pristine;

    @TempDir
    Path dir;

    @BeforeAll
    static void compileOnce() {
        pristine = compiled.resolve("mlp.ppc");
        CliRunner.run("compile", FIXTURES.resolve("mlp/model.onnx").toString(), "--cuts", "3", "--input", "x=4x32", "--microbatches", "2",
                "-o", pristine.toString()).assertOk();
    }

    private Path bundle() throws IOException { return BundleTamper.copy(pristine, dir.resolve("t.ppc")); }

    /** Both commands refuse {@code bundle} with exit 2 and one line containing {@code fragment}. */
    private static void refused(Path bundle, String fragment) {
        CliRunner.run("run", bundle.toString(), "--inputs", INPUTS).assertUserError(fragment);
        CliRunner.run("inspect", bundle.toString()).assertUserError(fragment);
    }

    @Test
    void thePristineBundleRunsAndInspects() throws IOException {
        Path b = bundle();
        CliRunner.run("run", b.toString(), "--inputs", INPUTS).assertOk();
        CliRunner.run("inspect", b.toString()).assertOk();
    }

    @Test
    void aLinkToABundleDirectoryRunsAndInspects() throws IOException {
        // A link naming the latest build (current.ppc -> v3.ppc) is the bundle it points to; only links inside a bundle are refused.
        Path current = Files.createSymbolicLink(dir.resolve("current.ppc"), bundle());
        CliRunner.run("run", current.toString(), "--inputs", INPUTS).assertOk();
        CliRunner.run("inspect", current.toString()).assertOk();
    }

    // ---- the manifest's seal and version ----

    @Test
    void anEditedManifestByteBreaksTheSeal() throws IOException {
        Path b = bundle();
        Path m = b.resolve("manifest.json");
        Files.writeString(m, Files.readString(m).replace("\"name\" : \"mlp\"", "\"name\" : \"mlq\""));
        refused(b, "bundle " + b + ": manifest.json manifest_sha256 does not match the file's contents (the manifest was modified after compile)");
    }

    @Test
    void aManifestWithoutItsSealIsRefused() throws IOException {
        Path b = bundle();
        Files.writeString(b.resolve("manifest.json"), BundleTamper.unsealedManifest(b));
        refused(b, "manifest.json has no seal: its last field must be \"manifest_sha256\"");
    }

    @Test
    void formatVersionsOtherThanTwoSayWhatToDo() throws IOException {
        Path old = bundle();
        // A bundle of format 1 has no seal; the version is what the reader must talk about.
        Files.writeString(old.resolve("manifest.json"), BundleTamper.unsealedManifest(old).replace("\"format_version\" : 2", "\"format_version\" : 1"));
        refused(old, "bundle " + old + ": manifest.json: format version 1 is older than this ppc reads (2); recompile the model with 'ppc compile'");

        Path newer = BundleTamper.copy(pristine, dir.resolve("n.ppc"));
        BundleTamper.editManifest(newer, m -> m.put("format_version", 99));
        refused(newer, "manifest.json: format version 99 is newer than this ppc reads (2); upgrade ppc");

        Path missing = BundleTamper.copy(pristine, dir.resolve("m.ppc"));
        BundleTamper.editManifest(missing, m -> m.remove("format_version"));
        refused(missing, "manifest.json: format_version is missing; this ppc reads format version 2");
    }

    // ---- the manifest's fields ----

    @Test
    void aDuplicateKeyIsRefusedAndNamed() throws IOException {
        Path b = bundle();
        BundleTamper.editManifestText(b, t -> t.replace("\"target\" : \"cpu\",", "\"target\" : \"cpu\",\n  \"target\" : \"neuron\","));
        refused(b, "manifest.json is not valid JSON (Duplicate field 'target' at line");
    }

    @Test
    void missingUnknownAndMistypedFieldsAreNamedByPath() throws IOException {
        Path missing = bundle();
        BundleTamper.editManifest(missing, m -> stage(m, 1).remove("program"));
        refused(missing, "manifest.json: stages[1].program is missing");

        Path unknown = BundleTamper.copy(pristine, dir.resolve("u.ppc"));
        BundleTamper.editManifest(unknown, m -> stage(m, 0).put("cores", 1));
        refused(unknown, "manifest.json: stages[0] has an unknown field 'cores'");

        Path mistyped = BundleTamper.copy(pristine, dir.resolve("s.ppc"));
        BundleTamper.editManifest(mistyped, m -> stage(m, 1).put("core", "1"));
        refused(mistyped, "manifest.json: stages[1].core is \"1\", not an integer");

        Path half = BundleTamper.copy(pristine, dir.resolve("h.ppc"));
        BundleTamper.editManifest(half, m -> ((ObjectNode) m.get("model")).remove("sha256"));
        refused(half, "manifest.json: model has a source but no sha256");
    }

    @Test
    void aRemovedStageIsRefused() throws IOException {
        Path b = bundle();
        BundleTamper.editManifest(b, m -> ((ArrayNode) m.get("stages")).remove(1));
        refused(b, "manifest.json: channels[0].dst is 1; stages are 0..0");
    }

    @Test
    void aCoreOutOfRangeIsRefused() throws IOException {
        Path high = bundle();
        BundleTamper.editManifest(high, m -> stage(m, 1).put("core", 99));
        refused(high, "bundle " + high + ": manifest.json: stages[1].core is 99; cores are 0..1");
        Path negative = BundleTamper.copy(pristine, dir.resolve("neg.ppc"));
        BundleTamper.editManifest(negative, m -> stage(m, 1).put("core", -1));
        refused(negative, "manifest.json: stages[1].core is -1; cores are 0..1");
    }

    @Test
    void aStageOnAnotherCoreThanTheScheduleSaysIsRefused() throws IOException {
        Path b = bundle();
        BundleTamper.editManifest(b, m -> stage(m, 1).put("core", 0));
        refused(b, "schedule.json runs stage 1 on core 1, but manifest.json's stages[1].core is 0");
    }

    @Test
    void aChannelToAStageThatDoesNotExistIsRefused() throws IOException {
        Path b = bundle();
        BundleTamper.editManifest(b, m -> ((ObjectNode) m.get("channels").get(0)).put("dst", 5));
        refused(b, "manifest.json: channels[0].dst is 5; stages are 0..1");
    }

    @Test
    void aPortOnAnUnknownChannelIsRefused() throws IOException {
        Path b = bundle();
        BundleTamper.editManifest(b, m -> ((ObjectNode) stage(m, 1).get("inputs").get(0)).put("channel", 7));
        refused(b, "manifest.json: stages[1].inputs[0].channel is 7, which is not listed under channels");
    }

    @Test
    void batchAxesMustNameModelInputsAndOutputs() throws IOException {
        Path in = bundle();
        BundleTamper.editManifest(in, m -> ((ObjectNode) m.get("batch").get("inputs")).put("ghost", 0));
        refused(in, "manifest.json: batch.inputs names 'ghost', which is not listed under microbatch_inputs");
        Path out = BundleTamper.copy(pristine, dir.resolve("o.ppc"));
        BundleTamper.editManifest(out, m -> ((ObjectNode) m.get("batch").get("outputs")).put("ghost", 0));
        refused(out, "manifest.json: batch.outputs names 'ghost', which no stage outputs");
    }

    @Test
    void microbatchCountsMustAgree() throws IOException {
        Path b = bundle();
        BundleTamper.editManifest(b, m -> m.put("microbatches", 3));
        refused(b, "schedule.json has 2 microbatches, but manifest.json says 3");
    }

    @Test
    void aTiedGroupNamingAMissingConstantIsRefused() throws IOException {
        Path b = bundle();
        BundleTamper.editManifest(b, m -> {
            ObjectNode g = m.withArray("tied_groups").addObject().put("id", 0);
            g.putArray("members").addObject().put("stage", 0).put("constant", "linears.0.weight").put("relation", "same");
            ((ArrayNode) g.get("members")).addObject().put("stage", 1).put("constant", "nope").put("relation", "same");
        });
        refused(b, "manifest.json: tied_groups[0].members[1]: stage 1 has no constant 'nope'");
    }

    @Test
    void pathsInTheManifestStayInsideTheBundle() throws IOException {
        Path absolute = bundle();
        BundleTamper.editManifest(absolute, m -> stage(m, 0).put("program", "/etc/passwd"));
        refused(absolute, "manifest.json: stages[0].program '/etc/passwd' is not a path inside the bundle: it is absolute");

        Path parent = BundleTamper.copy(pristine, dir.resolve("p.ppc"));
        BundleTamper.editManifest(parent, m -> ((ObjectNode) m.get("files").get(0)).put("path", "core-0/../../x"));
        refused(parent, "manifest.json: files[0].path 'core-0/../../x' is not a path inside the bundle: it has a '..' segment");

        // Control characters in a name are escaped, so the message stays one line on any terminal.
        Path control = BundleTamper.copy(pristine, dir.resolve("c.ppc"));
        BundleTamper.editManifest(control, m -> ((ObjectNode) m.get("files").get(0)).put("path", "core-0/\u0000x\nerror: forged"));
        refused(control, "manifest.json: files[0].path 'core-0/\\0x\\nerror: forged' is not a path inside the bundle: it contains a NUL character");
    }

    // ---- the schedule ----

    @Test
    void aScheduleWithoutAForwardIsRefused() throws IOException {
        Path b = bundle();
        BundleTamper.editSchedule(b, s -> actions(s, 1).remove(3)); // F(stage 1, mb 1)
        refused(b, "bundle " + b + ": schedule.json: core 1: F(stage 1, mb 1) never runs");
    }

    @Test
    void aScheduleThatWaitsForeverIsRefused() throws IOException {
        Path b = bundle();
        BundleTamper.editSchedule(b, s -> actions(s, 0).remove(3)); // SEND_F(stage 0, mb 1)
        refused(b, "bundle " + b + ": schedule.json: deadlock: core 1, step 2: RECV_F(stage 1, mb 1, from stage 0) waits forever: no core sends it");
    }

    @Test
    void aScheduleWithTwoActionsSwappedIsRefused() throws IOException {
        Path b = bundle();
        BundleTamper.editSchedule(b, s -> {
            ArrayNode core1 = actions(s, 1);
            core1.insert(0, core1.remove(1)); // F(1,0) before its RECV_F(1,0)
        });
        refused(b, "schedule.json: core 1, step 0: F(stage 1, mb 0) has no input: RECV_F(stage 1, mb 0, from stage 0) must come before it");
    }

    @Test
    void aScheduleWithAWrongPeerCoreOrVirtualCountIsRefused() throws IOException {
        Path peer = bundle();
        BundleTamper.editSchedule(peer, s -> ((ObjectNode) actions(s, 0).get(1)).put("peer", 5));
        refused(peer, "schedule.json: core 0, step 1: SEND_F(stage 0, mb 0, to stage 5) sends to stage 5, but activations go from stage 0 to stage 1");

        Path core = BundleTamper.copy(pristine, dir.resolve("c.ppc"));
        BundleTamper.editSchedule(core, s -> ((ArrayNode) s.get("stageToCore")).set(1, 99));
        refused(core, "bundle " + core + ": schedule.json: stage 1 is mapped to core 99, but there are 2 cores");

        Path virtual = BundleTamper.copy(pristine, dir.resolve("v.ppc"));
        BundleTamper.editSchedule(virtual, s -> s.put("virtual", 2));
        refused(virtual, "schedule.json: virtual is 2, but its cores hold at most 1 stage(s) each");
    }

    @Test
    void aScheduleWithADuplicateKeyIsRefused() throws IOException {
        Path b = bundle();
        BundleTamper.editScheduleText(b, t -> t.replace("\"kind\": \"forward\",", "\"kind\": \"forward\", \"kind\": \"gpipe\","));
        refused(b, "schedule.json is not valid JSON: Duplicate field 'kind'");
    }

    // ---- what the bundle directory holds ----

    @Test
    void aSymlinkLeadingOutsideIsRefused() throws IOException {
        Path b = bundle();
        // Same bytes, so every checksum still matches: only the link itself can be refused.
        Path outside = Files.move(b.resolve("core-1/weights.safetensors"), dir.resolve("weights.safetensors"));
        Files.createSymbolicLink(b.resolve("core-1/weights.safetensors"), outside);
        refused(b, "core-1/weights.safetensors is a symbolic link (to " + outside + ", outside the bundle)");
    }

    @Test
    void aSymlinkInsideIsRefusedToo() throws IOException {
        Path b = bundle();
        Files.createSymbolicLink(b.resolve("core-0/alias.ppir"), Path.of("program.ppir"));
        refused(b, "core-0/alias.ppir is a symbolic link (to program.ppir, inside the bundle); a bundle holds only regular files, "
                + "so links are refused even when they point inside it");
    }

    @Test
    void aFifoIsRefusedByKindWithoutBlocking() throws IOException, InterruptedException {
        Path b = bundle();
        BundleTamper.mkfifo(b.resolve("core-0/pipe"));
        refused(b, "core-0/pipe is not a regular file (a FIFO)");

        Path manifest = BundleTamper.copy(pristine, dir.resolve("f.ppc"));
        Files.delete(manifest.resolve("manifest.json"));
        BundleTamper.mkfifo(manifest.resolve("manifest.json"));
        refused(manifest, "bundle " + manifest + ": manifest.json is not a regular file (a FIFO)");
    }

    // ---- zip archives ----

    @Test
    void aZipWithAnEntryLeadingOutsideIsRefused() throws IOException {
        Path zip = BundleTamper.zip(pristine, dir.resolve("evil.zip"), List.<String[]>of(new String[] {"../evil", "x"}));
        refused(zip, "bundle " + zip + ": zip entry '../evil' is not a path inside the bundle: it has a '..' segment");
    }

    @Test
    void aTruncatedZipIsReportedAsSuch() throws IOException {
        Path whole = BundleTamper.zip(pristine, dir.resolve("whole.zip"), List.of());
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.zip"), Arrays.copyOf(bytes, bytes.length / 2));
        refused(cut, "bundle " + cut + ": the file is a truncated or corrupt zip archive (it has no end-of-central-directory record");
    }

    @Test
    void aZipBundleIsABundleWhateverItsName() throws IOException {
        Path zip = BundleTamper.zip(pristine, dir.resolve("renamed.ppc"), List.of());
        Path a = dir.resolve("a.npz"), b = dir.resolve("b.npz");
        CliRunner.run("run", zip.toString(), "--inputs", INPUTS, "--output", a.toString()).assertOk();
        CliRunner.run("run", pristine.toString(), "--inputs", INPUTS, "--output", b.toString()).assertOk();
        assertEquals(Files.readString(a, StandardCharsets.ISO_8859_1), Files.readString(b, StandardCharsets.ISO_8859_1));
        assertTrue(CliRunner.run("inspect", zip.toString()).assertOk().out().contains("stage 0 holds linears.0, linears.1, linears.2"));
    }

    @Test
    void aFileNamedLikeABundleThatIsNoneSaysSo() throws IOException {
        Path fake = Files.writeString(dir.resolve("fake.ppc"), "not a zip");
        refused(fake, "bundle " + fake + ": not a bundle directory or zip archive");
    }
}
