package dev.ppc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.io.Npz;
import dev.ppc.bundle.BundleManifest;
import dev.ppc.bundle.BundleReader;
import dev.ppc.files.CrashPoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills real {@code ppc} processes with SIGKILL in the middle of writing their outputs, at every
 * {@link CrashPoint} of every kind of write and after random delays, and checks the rule of
 * {@code dev.ppc.files}: every target holds its previous complete content or the new complete
 * content (a bundle verifies with {@link BundleReader}, an npz reads back equal), never anything
 * else, and the next successful write leaves no temp file behind.
 *
 * <p>Each child is {@code java -cp <this test classpath> -Dppc.files.stopAt=POINT dev.ppc.cli.Main
 * ...}: at the point it prints {@code ppc.files stopped at POINT} and blocks, and the test kills it.
 * The "old" bundle is the mlp fixture cut after block 3, the "new" one cut after blocks 1 and 3.
 */
class CrashSafetyTest {
    private static final Path MODEL = InspectAndRunCliTest.FIXTURES.resolve("mlp/model.onnx").toAbsolutePath();
    private static final Path INPUTS = InspectAndRunCliTest.FIXTURES.resolve("mlp/inputs.npz").toAbsolutePath();
    private static final String OLD_CUTS = "3", NEW_CUTS = "1,3";

    @TempDir
    static Path references;

    @TempDir
    Path dir;

    private static Path oldBundle;
    private static List<BundleManifest.FileEntry> oldFiles, newFiles;
    private static byte[] oldZip, newZip;
    private static Map<String, Tensor> oldOutputs, newOutputs;

    @BeforeAll
    static void compileTheReferences() throws IOException {
        oldBundle = compileInProcess(OLD_CUTS, references.resolve("old.ppc"));
        oldFiles = BundleReader.read(oldBundle).manifest().files();
        newFiles = BundleReader.read(compileInProcess(NEW_CUTS, references.resolve("new.ppc"))).manifest().files();
        oldZip = Files.readAllBytes(compileInProcess(OLD_CUTS, references.resolve("old.zip")));
        newZip = Files.readAllBytes(compileInProcess(NEW_CUTS, references.resolve("new.zip")));
        Path y = references.resolve("y.npz");
        CliRunner.run("run", MODEL.toString(), "--inputs", INPUTS.toString(), "--output", y.toString()).assertOk();
        newOutputs = Npz.read(y);
        Tensor actual = newOutputs.get("y");
        oldOutputs = Map.of("y", Tensor.allocate(actual.dtype(), actual.shape()));
    }

    private static Path compileInProcess(String cuts, Path out) {
        CliRunner.run(compileArgs(cuts, out)).assertOk();
        return out;
    }

    private static String[] compileArgs(String cuts, Path out) {
        return new String[] {"compile", MODEL.toString(), "--cuts", cuts, "--input", "x=4x32", "-o", out.toString()};
    }

    private static String[] runArgs(String... outputs) {
        List<String> args = new ArrayList<>(List.of("run", MODEL.toString(), "--inputs", INPUTS.toString()));
        args.addAll(List.of(outputs));
        return args.toArray(String[]::new);
    }

    // ----- the child process

    private static Process start(String stopAt, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        if (stopAt != null) cmd.add("-D" + CrashPoint.PROPERTY + "=" + stopAt);
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // Without a crash point nothing reads the child's stderr, so it must not fill a pipe.
        if (stopAt == null) pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    /** Starts ppc with {@code point} armed and returns once it reports stopping there. */
    private static Process startAndStopAt(CrashPoint point, String... args) throws IOException, InterruptedException {
        Process p = start(point.label, args);
        StringBuilder err = new StringBuilder();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            if (line.equals("ppc.files stopped at " + point.label)) return p;
            err.append(line).append('\n');
        }
        fail("ppc never reached crash point " + point.label + " (exit status " + p.waitFor() + "): " + err);
        return p;
    }

    /** Runs ppc until it stops at {@code point}, then kills it with SIGKILL. */
    private static void killAt(CrashPoint point, String... args) throws IOException, InterruptedException {
        kill(startAndStopAt(point, args));
    }

    /** Runs ppc and kills it with SIGKILL after {@code delayMillis}, or lets it finish first. */
    private static void killAfter(long delayMillis, String... args) throws IOException, InterruptedException {
        Process p = start(null, args);
        Thread.sleep(delayMillis);
        kill(p);
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL on Linux
        p.waitFor();
    }

    // ----- what a target may hold

    private static boolean hasNewContent(CrashPoint point) { return point.ordinal() >= CrashPoint.RENAMED.ordinal(); }

    private static void assertBundle(Path target, List<BundleManifest.FileEntry> expected, String when) {
        assertEquals(expected, BundleReader.read(target).manifest().files(), when);
    }

    private static List<BundleManifest.FileEntry> bundleFiles(Path target) { return BundleReader.read(target).manifest().files(); }

    private static void assertOutputs(Path target, Map<String, Tensor> expected, String when) {
        Map<String, Tensor> actual = Npz.read(target);
        assertEquals(expected.keySet(), actual.keySet(), when);
        for (String k : expected.keySet()) assertTrue(Tensor.bitwiseEqual(expected.get(k), actual.get(k)), when + ": array " + k);
    }

    private static boolean sameOutputs(Path target, Map<String, Tensor> expected) {
        Map<String, Tensor> actual = Npz.read(target);
        return actual.keySet().equals(expected.keySet()) && expected.keySet().stream().allMatch(k -> Tensor.bitwiseEqual(expected.get(k), actual.get(k)));
    }

    /** After the next successful write, the target's folder holds the target alone: no temp, no aside. */
    private void assertOnlyTarget(Path target) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(target.getFileName().toString()), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    // ----- every crash point of every kind of write

    @ParameterizedTest
    @EnumSource(value = CrashPoint.class, names = {"TEMP_CREATED", "ASSEMBLY_PARTIAL", "DATA_SYNCED", "RENAMED"})
    void aNewBundleDirectoryAppearsWholeOrNotAtAll(CrashPoint point) throws Exception {
        Path target = dir.resolve("x.ppc");
        killAt(point, compileArgs(NEW_CUTS, target));
        if (hasNewContent(point)) assertBundle(target, newFiles, "killed at " + point.label);
        else assertFalse(Files.exists(target), "killed at " + point.label + ", before the bundle was complete");
        compileInProcess(NEW_CUTS, target);
        assertOnlyTarget(target);
    }

    @ParameterizedTest
    @EnumSource(value = CrashPoint.class, names = {"TEMP_CREATED", "ASSEMBLY_PARTIAL", "DATA_SYNCED", "ASIDE_RENAMED", "RENAMED", "BEFORE_ASIDE_DELETE"})
    void aReplacedBundleDirectoryIsTheOldOrTheNewOne(CrashPoint point) throws Exception {
        Path target = compileInProcess(OLD_CUTS, dir.resolve("x.ppc"));
        killAt(point, compileArgs(NEW_CUTS, target));
        // The reader puts back a bundle whose replacement was killed between the two renames.
        assertBundle(target, hasNewContent(point) ? newFiles : oldFiles, "killed at " + point.label);
        compileInProcess(NEW_CUTS, target);
        assertBundle(target, newFiles, "rewritten after a kill at " + point.label);
        assertOnlyTarget(target);
    }

    @Test
    void runRecoversABundleWhoseReplacementWasKilledBetweenTheRenames() throws Exception {
        Path target = compileInProcess(OLD_CUTS, dir.resolve("x.ppc"));
        killAt(CrashPoint.ASIDE_RENAMED, compileArgs(NEW_CUTS, target));
        assertFalse(Files.exists(target), "the kill left the bundle under its aside name");
        CliRunner.run("run", target.toString(), "--inputs", INPUTS.toString()).assertOk();
        assertBundle(target, oldFiles, "after run");
        assertOnlyTarget(target);
    }

    @ParameterizedTest
    @EnumSource(value = CrashPoint.class, names = {"TEMP_CREATED", "ASSEMBLY_PARTIAL", "DATA_PARTIAL", "DATA_SYNCED", "RENAMED"})
    void aNewZipBundleAppearsWholeOrNotAtAll(CrashPoint point) throws Exception {
        Path target = dir.resolve("x.zip");
        killAt(point, compileArgs(NEW_CUTS, target));
        if (hasNewContent(point)) assertArrayEquals(newZip, Files.readAllBytes(target), "killed at " + point.label);
        else assertFalse(Files.exists(target), "killed at " + point.label + ", before the archive was complete");
        compileInProcess(NEW_CUTS, target);
        assertOnlyTarget(target);
    }

    @ParameterizedTest
    @EnumSource(value = CrashPoint.class, names = {"TEMP_CREATED", "ASSEMBLY_PARTIAL", "DATA_PARTIAL", "DATA_SYNCED", "RENAMED"})
    void aReplacedZipBundleIsTheOldOrTheNewOne(CrashPoint point) throws Exception {
        Path target = compileInProcess(OLD_CUTS, dir.resolve("x.zip"));
        killAt(point, compileArgs(NEW_CUTS, target));
        assertArrayEquals(hasNewContent(point) ? newZip : oldZip, Files.readAllBytes(target), "killed at " + point.label);
        assertBundle(target, hasNewContent(point) ? newFiles : oldFiles, "killed at " + point.label);
        compileInProcess(NEW_CUTS, target);
        assertOnlyTarget(target);
    }

    @ParameterizedTest
    @EnumSource(value = CrashPoint.class, names = {"TEMP_CREATED", "DATA_PARTIAL", "DATA_SYNCED", "RENAMED"})
    void aNewNpzOutputAppearsWholeOrNotAtAll(CrashPoint point) throws Exception {
        Path target = dir.resolve("y.npz");
        killAt(point, runArgs("--output", target.toString()));
        if (hasNewContent(point)) assertOutputs(target, newOutputs, "killed at " + point.label);
        else assertFalse(Files.exists(target), "killed at " + point.label + ", before the file was complete");
        CliRunner.run(runArgs("--output", target.toString())).assertOk();
        assertOnlyTarget(target);
    }

    @ParameterizedTest
    @EnumSource(value = CrashPoint.class, names = {"TEMP_CREATED", "DATA_PARTIAL", "DATA_SYNCED", "RENAMED"})
    void aReplacedNpzOutputIsTheOldOrTheNewOne(CrashPoint point) throws Exception {
        Path target = dir.resolve("y.npz");
        Npz.write(target, oldOutputs, false);
        killAt(point, runArgs("--output", target.toString()));
        assertOutputs(target, hasNewContent(point) ? newOutputs : oldOutputs, "killed at " + point.label);
        CliRunner.run(runArgs("--output", target.toString())).assertOk();
        assertOnlyTarget(target);
    }

    @ParameterizedTest
    @EnumSource(value = CrashPoint.class, names = {"TEMP_CREATED", "DATA_PARTIAL", "DATA_SYNCED", "RENAMED"})
    void aReplacedTraceIsTheOldOrTheNewOne(CrashPoint point) throws Exception {
        Path target = Files.writeString(dir.resolve("trace.json"), "{\"old\": true}");
        String[] args = {"run", oldBundle.toString(), "--inputs", INPUTS.toString(), "--trace", target.toString()};
        killAt(point, args);
        JsonNode trace = new ObjectMapper().readTree(Files.readString(target));
        if (hasNewContent(point)) assertTrue(trace.get("traceEvents").size() > 0, "killed at " + point.label);
        else assertEquals("{\"old\": true}", Files.readString(target), "killed at " + point.label);
        CliRunner.run(args).assertOk();
        assertOnlyTarget(target);
    }

    // ----- kills at random moments

    /** How long one uninterrupted child takes, so that random kills spread over its whole life. */
    private static long lifetimeMillis(String... args) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = start(null, args);
        assertEquals(0, p.waitFor(), "an uninterrupted run succeeds");
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void killsAtRandomMomentsLeaveTheOldOrTheNewContent() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path bundle = compileInProcess(OLD_CUTS, dir.resolve("x.ppc"));
        Path zip = compileInProcess(OLD_CUTS, dir.resolve("x.zip"));
        Path npz = dir.resolve("y.npz");
        Npz.write(npz, oldOutputs, false);
        long compileMillis = lifetimeMillis(compileArgs(OLD_CUTS, dir.resolve("timing.ppc")));
        long runMillis = lifetimeMillis(runArgs("--output", dir.resolve("timing.npz").toString()));
        for (int round = 0; round < 3; round++) {
            String when = "round " + round + " (seed " + seed + ")";
            killAfter(random.nextLong(compileMillis + 1), compileArgs(NEW_CUTS, bundle));
            List<BundleManifest.FileEntry> files = bundleFiles(bundle);
            assertTrue(files.equals(oldFiles) || files.equals(newFiles), when + ": the bundle directory is neither the old nor the new one");
            killAfter(random.nextLong(compileMillis + 1), compileArgs(NEW_CUTS, zip));
            byte[] archive = Files.readAllBytes(zip);
            assertTrue(java.util.Arrays.equals(archive, oldZip) || java.util.Arrays.equals(archive, newZip), when + ": the zip is neither the old nor the new one");
            killAfter(random.nextLong(runMillis + 1), runArgs("--output", npz.toString()));
            assertTrue(sameOutputs(npz, oldOutputs) || sameOutputs(npz, newOutputs), when + ": the npz is neither the old nor the new one");
        }
        compileInProcess(OLD_CUTS, bundle);
        compileInProcess(OLD_CUTS, zip);
        CliRunner.run(runArgs("--output", npz.toString())).assertOk();
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("timing.npz", "timing.ppc", "x.ppc", "x.zip", "y.npz"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temp or aside is left after the next successful writes (seed " + seed + ")");
        }
    }

    // ----- two writers of one target

    @Test
    void aSecondCompileToTheSameZipNeitherWaitsForNorBreaksARunningOne() throws Exception {
        Path target = dir.resolve("x.zip");
        Process first = startAndStopAt(CrashPoint.DATA_SYNCED, compileArgs(OLD_CUTS, target));
        try {
            // The first compile's scratch directory and complete temp archive now lie beside the target.
            compileInProcess(NEW_CUTS, target);
            assertArrayEquals(newZip, Files.readAllBytes(target));
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(3, s.count(), "the running compile's scratch directory and temp are its own, left alone");
            }
        } finally {
            kill(first);
        }
        compileInProcess(NEW_CUTS, target);
        assertArrayEquals(newZip, Files.readAllBytes(target));
        assertOnlyTarget(target);
    }
}
