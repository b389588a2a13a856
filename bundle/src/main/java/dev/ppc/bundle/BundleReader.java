package dev.ppc.bundle;

import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.Value;
import dev.ppc.ir.text.IrParser;
import dev.ppc.ir.verify.Verifier;
import dev.ppc.schedule.Schedule;
import dev.ppc.schedule.ScheduleException;
import dev.ppc.schedule.ScheduleJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderNotFoundException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a bundle back and refuses anything it cannot vouch for, with a one-line
 * {@link BundleException} that names the bundle and the file (and the field, for the manifest):
 * <ul>
 *   <li>a directory holding anything but directories and regular files: a symbolic link wherever
 *       it points, a FIFO, a device ({@link BundleTree}); a zip archive that is truncated or
 *       corrupt, or has an entry that is a link, a special file, a path leading outside it or a
 *       duplicate ({@link ZipBundleCheck});</li>
 *   <li>a missing or unparsable manifest, another format, an older or newer format version, a
 *       manifest whose seal does not match its bytes ({@link ManifestSeal}), a missing, unknown,
 *       duplicate or mistyped field, a manifest that contradicts itself ({@link ManifestValidator});</li>
 *   <li>a file listed in the manifest that is missing, has another size (truncated or replaced)
 *       or another sha256 (modified after compile);</li>
 *   <li>a schedule that does not parse, does not fit the manifest, or is not valid (deadlocks,
 *       misses or repeats a forward);</li>
 *   <li>a program that does not parse or verify, weights whose names, dtypes or shapes do not
 *       match the program's {@code external} constants, a program whose parameters, receives or
 *       sends disagree with the manifest, a tied group naming a constant its stage lacks.</li>
 * </ul>
 * Each stage comes back as a module whose {@code @main} is the stage program and whose external
 * constants are filled with the safetensors data (mapped, not copied).
 */
public final class BundleReader {
    private final Path dir;
    private final String where;

    private BundleReader(Path dir, Path shownAs) {
        this.dir = dir;
        this.where = "bundle " + shownAs;
    }

    /**
     * Whether {@code path} is a bundle by its contents: a directory with a manifest.json, or a
     * file that starts like a zip archive. Names do not matter: a zip archive named {@code .ppc}
     * is a bundle, and a file named {@code .zip} that is not an archive is not.
     */
    public static boolean isBundle(Path path) {
        if (Files.isDirectory(path)) return Files.exists(path.resolve("manifest.json"), LinkOption.NOFOLLOW_LINKS);
        if (!Files.isRegularFile(path)) return false;
        try (InputStream in = Files.newInputStream(path)) {
            return ZipBundleCheck.hasZipMagic(in.readNBytes(4));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads and verifies the bundle at {@code path}: a bundle directory, or a zip archive of one
     * (its entries at the archive's root). A directory whose replacement by {@code ppc compile}
     * was interrupted is first put back ({@link BundleFiles#recover}).
     */
    public static Bundle read(Path path) {
        String where = "bundle " + path;
        if (!Files.isRegularFile(path)) BundleFiles.recover(path);
        if (Files.isDirectory(path)) {
            BundleTree.check(path, where);
            return new BundleReader(path, path).readVerified(path);
        }
        if (!Files.exists(path)) throw new BundleException(where + ": no such file or directory");
        if (!Files.isRegularFile(path)) throw new BundleException(where + ": not a bundle directory or zip archive");
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(4);
        } catch (IOException e) {
            throw new BundleException(where + ": cannot read the file: " + oneLine(e.getMessage()));
        }
        if (!ZipBundleCheck.hasZipMagic(head)) throw new BundleException(where + ": not a bundle directory or zip archive");
        ZipBundleCheck.check(path, where);
        try (FileSystem zip = FileSystems.newFileSystem(path)) {
            // Stage programs hold copies of the weights, so the archive can be closed afterwards.
            return new BundleReader(zip.getPath("/"), path).readVerified(path);
        } catch (ProviderNotFoundException | IOException e) {
            throw new BundleException(where + ": the file is a truncated or corrupt zip archive (" + oneLine(e.getMessage()) + ")");
        } catch (RuntimeException e) {
            // The JDK's zip file system throws unchecked exceptions on some malformed archives
            // (an ArrayIndexOutOfBoundsException for a truncated extended-timestamp extra field);
            // only those mean a corrupt archive, anything else is ppc's own bug.
            if (e instanceof IrException || !thrownByZipFileSystem(e)) throw e;
            throw new BundleException(where + ": the file is a truncated or corrupt zip archive (" + oneLine(String.valueOf(e)) + ")");
        }
    }

    /**
     * Whether the exception comes from inside the zip file system: the stack reaches the zip file
     * system's code before any of ppc's (above it there may be java.base, which it calls).
     */
    private static boolean thrownByZipFileSystem(RuntimeException e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            if ("jdk.zipfs".equals(frame.getModuleName())) return true;
            if (frame.getClassName().startsWith("dev.ppc.")) return false;
        }
        return false;
    }

    private BundleException error(String message) { return new BundleException(where + ": " + message); }

    private Bundle readVerified(Path shownAs) {
        byte[] manifestBytes = manifestBytes();
        BundleManifest manifest = ManifestReader.read(manifestBytes, where);
        for (BundleManifest.FileEntry f : manifest.files()) checkFile(f);
        Schedule schedule;
        try {
            schedule = ScheduleJson.read(Files.readString(dir.resolve("schedule.json"), StandardCharsets.UTF_8));
        } catch (ScheduleException e) {
            // The schedule module's messages name the file, except those about the schedule's shape.
            throw error(e.getMessage().startsWith("schedule.json") ? e.getMessage() : "schedule.json: " + e.getMessage());
        } catch (IOException e) {
            throw error("schedule.json cannot be read: " + oneLine(e.getMessage()));
        }
        ManifestValidator.checkSchedule(manifest, schedule, where);
        List<Module> stages = new ArrayList<>();
        for (BundleManifest.Stage s : manifest.stages()) stages.add(loadStage(s));
        checkTiedConstants(manifest, stages);
        // Files are checked, then read again to be parsed: a compile that replaced the bundle in between
        // would mix two bundles unnoticed, but it would also have replaced the manifest.
        if (!Arrays.equals(manifestBytes, manifestBytes())) {
            throw error("the bundle was replaced while it was being read (by a compile to the same path?); read it again");
        }
        return new Bundle(shownAs, manifest, stages, schedule);
    }

    private byte[] manifestBytes() {
        Path file = dir.resolve("manifest.json");
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) throw error("manifest.json is missing; this is not a ppc bundle");
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw error("manifest.json is not a regular file");
        try {
            long size = Files.size(file);
            if (size > BundleFiles.MAX_MANIFEST_BYTES) throw error("manifest.json is " + size + " bytes, more than a manifest has; this is not a ppc bundle");
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw error("manifest.json cannot be read: " + oneLine(e.getMessage()));
        }
    }

    /** The file exists as a regular file of the listed size and sha256. The manifest validator has checked the path. */
    private void checkFile(BundleManifest.FileEntry f) {
        String p = f.path();
        Path file = dir.resolve(p);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) throw error(p + " is missing");
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw error(p + " is not a regular file");
        try {
            long size = Files.size(file);
            if (size != f.size()) {
                throw error(p + ": " + size + " bytes, but the manifest says " + f.size() + " (the file is truncated or was replaced)");
            }
            if (!BundleFiles.sha256(file).equals(f.sha256())) throw error(p + ": sha256 mismatch (the file was modified after compile)");
        } catch (IOException e) {
            throw error(p + " cannot be read: " + oneLine(e.getMessage()));
        }
    }

    /** Every member of a tied group is a constant of its stage's program. */
    private void checkTiedConstants(BundleManifest manifest, List<Module> stages) {
        for (int g = 0; g < manifest.tiedGroups().size(); g++) {
            List<BundleManifest.TiedMember> members = manifest.tiedGroups().get(g).members();
            for (int i = 0; i < members.size(); i++) {
                BundleManifest.TiedMember t = members.get(i);
                if (!stages.get(t.stage()).constants().containsKey(t.constant())) {
                    throw error("manifest.json: tied_groups[" + g + "].members[" + i + "]: stage " + t.stage() + " has no constant '" + t.constant() + "'");
                }
            }
        }
    }

    private Module loadStage(BundleManifest.Stage s) {
        Module program;
        try {
            program = IrParser.parse(Files.readString(dir.resolve(s.program()), StandardCharsets.UTF_8), s.program());
        } catch (IrException e) {
            throw error(e.getMessage());
        } catch (IOException e) {
            throw error(s.program() + " cannot be read: " + oneLine(e.getMessage()));
        }
        if (program.functions().isEmpty()) throw error(s.program() + " has no function; a stage program is one @main");
        Map<String, TensorData> weights;
        try {
            weights = new HashMap<>(Safetensors.read(dir.resolve(s.weights())).tensors());
        } catch (IrException e) {
            throw error(s.weights() + ": " + e.getMessage());
        } catch (IOException e) {
            throw error(s.weights() + " cannot be read: " + oneLine(e.getMessage()));
        }
        for (Module.Constant c : new ArrayList<>(program.constants().values())) {
            if (c.data().hasData()) continue;
            TensorData d = weights.remove(c.name());
            if (d == null) throw error(s.weights() + " has no tensor '" + c.name() + "', which " + s.program() + " declares external");
            if (!d.type().equals(c.data().type())) {
                throw error(s.weights() + ": tensor '" + c.name() + "' is " + d.type() + ", but " + s.program() + " declares " + c.data().type());
            }
            program.putConstant(new Module.Constant(c.name(), d, c.parameter()));
        }
        if (!weights.isEmpty()) {
            throw error(s.weights() + " holds tensor '" + weights.keySet().stream().sorted().findFirst().orElseThrow() + "', which " + s.program()
                    + " does not declare external");
        }
        try {
            Verifier.verify(program);
        } catch (IrException e) {
            throw error(s.program() + ": " + e.getMessage());
        }
        checkSignature(s, program);
        return program;
    }

    /** The program's parameters, receives, sends and outputs must be the ports the manifest lists, in order. */
    private void checkSignature(BundleManifest.Stage s, Module program) {
        Function main = program.main();
        List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        for (Value p : main.params()) inputs.add("model " + p.name() + " " + p.type());
        for (Op op : main.ops()) {
            if (op.is("ppc", "recv")) inputs.add("channel " + op.intAttr("channel", -1) + " " + op.result().name() + " " + op.result().type());
            if (op.is("ppc", "send")) outputs.add("channel " + op.intAttr("channel", -1) + " " + op.operand(0).name() + " " + op.operand(0).type());
        }
        for (Function.Output o : main.outputs()) outputs.add("model " + o.name() + " " + o.value().type());
        if (!inputs.equals(ports(s.inputs())) || !outputs.equals(ports(s.outputs()))) {
            throw error(s.program() + ": the program's inputs " + inputs + " and outputs " + outputs + " do not match the manifest's stage "
                    + s.stage() + " (" + ports(s.inputs()) + " -> " + ports(s.outputs()) + ")");
        }
    }

    /** The ports as {@link #checkSignature} compares them; the manifest validator has checked their types. */
    private static List<String> ports(List<BundleManifest.Port> ports) {
        List<String> out = new ArrayList<>();
        for (BundleManifest.Port p : ports) {
            String type = new BundleManifest.TensorSpec(p.name(), p.dtype(), p.shape()).type().toString();
            out.add(p.kind() + (p.channel() != null ? " " + p.channel() : "") + " " + p.name() + " " + type);
        }
        return out;
    }

    private static String oneLine(String s) { return BundleJson.oneLine(s); }
}
