package dev.ppc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.io.Npz;
import dev.ppc.bundle.BundleManifest;
import dev.ppc.bundle.BundleReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs that do not fit on the disk: on a 512 KiB tmpfs filled almost to the brim, a bundle
 * directory, a zipped bundle and an npz output fail with one {@code error:} line (exit status 2)
 * that names the target and says "no space left on device", the previous target is intact, and no
 * temp file is left. A read-only file system stands in for an unwritable {@code --dump-dir}.
 *
 * <p>Mounting needs root. CI runs the tests as root ({@code .ci/run}), where a failed mount fails
 * the test; a developer who is not root sees the class skipped by an assumption, never a pass.
 */
class FullDiskTest {
    private static final Path MODEL = InspectAndRunCliTest.FIXTURES.resolve("mlp/model.onnx").toAbsolutePath();
    private static final Path INPUTS = InspectAndRunCliTest.FIXTURES.resolve("mlp/inputs.npz").toAbsolutePath();

    @TempDir
    static Path mountPoints;

    private static Path readOnly;
    private Path disk;

    @BeforeAll
    static void mountAReadOnlyDisk() throws Exception {
        Assumptions.assumeTrue(command("id", "-u").strip().equals("0"), "mounting a tmpfs needs root (CI runs as root)");
        readOnly = mount(Files.createDirectory(mountPoints.resolve("read-only")), "ro,size=64k");
    }

    /**
     * A fresh small disk for each test: the space files of an earlier test held (a bundle's
     * weights stay memory-mapped until the garbage collector unmaps them) must not come free in
     * the middle of this one.
     */
    @BeforeEach
    void mountASmallDisk() throws Exception {
        disk = mount(Files.createTempDirectory(mountPoints, "disk"), "size=512k");
    }

    private static Path mount(Path p, String options) throws Exception {
        String out = command("mount", "-t", "tmpfs", "-o", options, "tmpfs", p.toString());
        String real = p.toRealPath().toString();
        boolean mounted = Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.split(" ")[1].equals(real));
        assertTrue(mounted, "mount -o " + options + " failed: " + out);
        return p;
    }

    @AfterEach
    void unmountTheSmallDisk() throws Exception {
        // Lazily: mapped weights keep the file system busy until they are unmapped.
        if (disk != null) command("umount", "-l", disk.toString());
    }

    @AfterAll
    static void unmountTheReadOnlyDisk() throws Exception {
        if (readOnly != null) command("umount", readOnly.toString());
    }

    private static String command(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** Fills the disk with one file, then frees about {@code leave} bytes of it. */
    private void fill(long leave) throws IOException {
        Path filler = disk.resolve("filler");
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) out.write(chunk);
        } catch (IOException full) {
            // The disk is full now.
        }
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.WRITE)) {
            ch.truncate(Math.max(0, ch.size() - leave));
        }
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(disk)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String[] compile(String cuts, Path out) {
        return new String[] {"compile", MODEL.toString(), "--cuts", cuts, "--input", "x=4x32", "-o", out.toString()};
    }

    @Test
    void aBundleDirectoryThatDoesNotFitLeavesThePreviousOne() throws IOException {
        Path target = disk.resolve("x.ppc");
        CliRunner.run(compile("3", target)).assertOk();
        List<BundleManifest.FileEntry> before = BundleReader.read(target).manifest().files();
        fill(8 << 10);
        CliRunner.run(compile("1,3", target)).assertUserError("cannot write " + target + ": no space left on device; the previous x.ppc is kept");
        assertEquals(before, BundleReader.read(target).manifest().files());
        assertEquals(List.of("filler", "x.ppc"), names(), "no temp is left");
    }

    @Test
    void aZippedBundleThatDoesNotFitLeavesThePreviousOne() throws IOException {
        Path target = disk.resolve("x.zip");
        CliRunner.run(compile("3", target)).assertOk();
        byte[] before = Files.readAllBytes(target);
        fill(8 << 10);
        CliRunner.run(compile("1,3", target)).assertUserError("cannot write " + target + ": no space left on device; the previous x.zip is kept");
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(List.of("filler", "x.zip"), names(), "no temp is left");
    }

    @Test
    void anNpzThatDoesNotFitLeavesThePreviousOne() throws IOException {
        Path target = disk.resolve("y.npz");
        Npz.write(target, Map.of("y", Tensor.ofFloats(new long[] {2}, 1f, 2f)), false);
        byte[] before = Files.readAllBytes(target);
        fill(0);
        CliRunner.run("run", MODEL.toString(), "--inputs", INPUTS.toString(), "--output", target.toString())
                .assertUserError("cannot write " + target + ": no space left on device; the previous y.npz is kept");
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(List.of("filler", "y.npz"), names(), "no temp is left");
    }

    @Test
    void anUnwritableDumpDirectoryIsAOneLineError() {
        Path dump = readOnly.resolve("dump");
        CliRunner.run("inspect", MODEL.toString(), "--dump-dir", dump.toString())
                .assertUserError("cannot create the IR dump directory " + dump + ": read-only file system");
    }
}
