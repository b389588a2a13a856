package dev.ppc.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.Value;
import dev.ppc.ir.text.IrParser;
import dev.ppc.ir.verify.Verifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a bundle back and refuses anything it cannot vouch for, with a one-line
 * {@link BundleException} that names the bundle and the file:
 * <ul>
 *   <li>a missing or unparsable manifest, another format, a format version it does not know;</li>
 *   <li>a file listed in the manifest that is missing, has another size (truncated or replaced)
 *       or another sha256 (modified after compile); a stage file the manifest does not list;</li>
 *   <li>a program that does not parse or verify, weights whose names, dtypes or shapes do not
 *       match the program's {@code external} constants, a program whose parameters, receives or
 *       sends disagree with the manifest.</li>
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
     * Reads and verifies the bundle at {@code path}: a bundle directory, or a zip archive of one
     * (its entries at the archive's root).
     */
    public static Bundle read(Path path) {
        if (!Files.isRegularFile(path)) return new BundleReader(path, path).readVerified(path);
        try (java.nio.file.FileSystem zip = java.nio.file.FileSystems.newFileSystem(path)) {
            // Stage programs hold copies of the weights, so the archive can be closed afterwards.
            return new BundleReader(zip.getPath("/"), path).readVerified(path);
        } catch (java.nio.file.ProviderNotFoundException | java.util.zip.ZipException e) {
            throw new BundleException("bundle " + path + ": not a bundle directory or zip archive");
        } catch (java.io.IOException e) {
            throw new BundleException("bundle " + path + ": cannot open the archive: " + e.getMessage());
        } catch (RuntimeException e) {
            // The JDK's zip file system throws unchecked exceptions on some malformed archives
            // (an ArrayIndexOutOfBoundsException for a truncated extended-timestamp extra field);
            // only those mean a corrupt archive, anything else is ppc's own bug.
            if (e instanceof IrException || !thrownByZipFileSystem(e)) throw e;
            throw new BundleException("bundle " + path + ": corrupt zip archive (" + e + ")");
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
        if (!Files.isDirectory(dir)) throw error(Files.exists(dir) ? "not a directory; a ppc bundle is a directory" : "no such directory");
        BundleManifest manifest = manifest();
        Set<String> listed = new LinkedHashSet<>();
        for (BundleManifest.FileEntry f : manifest.files()) {
            if (!listed.add(f.path())) throw error("manifest.json lists " + f.path() + " twice");
            checkFile(f);
        }
        List<Module> stages = new ArrayList<>();
        for (int k = 0; k < manifest.stages().size(); k++) {
            BundleManifest.Stage s = manifest.stages().get(k);
            if (s.stage() != k) throw error("manifest.json: stage entry " + k + " is numbered " + s.stage());
            for (String p : new String[] {s.program(), s.weights(), s.onnx()}) {
                if (p != null && !listed.contains(p)) throw error("manifest.json: stage " + k + "'s file " + p + " is not listed under files, so it cannot be verified");
            }
            stages.add(loadStage(manifest, s));
        }
        if (!listed.contains("schedule.json")) throw error("manifest.json does not list schedule.json, so it cannot be verified");
        String schedule;
        try {
            schedule = Files.readString(dir.resolve("schedule.json"), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw error("cannot read schedule.json: " + e.getMessage());
        }
        return new Bundle(shownAs, manifest, stages, schedule);
    }

    private BundleManifest manifest() {
        Path file = dir.resolve("manifest.json");
        if (!Files.isRegularFile(file)) throw error("manifest.json is missing; this is not a ppc bundle");
        JsonNode tree;
        try {
            tree = BundleJson.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw error("manifest.json is not valid JSON (" + oneLine(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            throw error("manifest.json cannot be read: " + oneLine(e.getMessage()));
        }
        if (tree == null || !tree.isObject()) throw error("manifest.json is not a JSON object");
        String format = tree.path("format").asText("");
        if (!format.equals(BundleManifest.FORMAT)) throw error("manifest.json: format is '" + format + "', not '" + BundleManifest.FORMAT + "'");
        JsonNode version = tree.path("format_version");
        if (!version.isInt() || version.asInt() != BundleManifest.VERSION) {
            throw error("manifest.json: format version " + version + " is not supported (this ppc reads version " + BundleManifest.VERSION + ")");
        }
        BundleManifest m;
        try {
            m = BundleJson.MAPPER.treeToValue(tree, BundleManifest.class);
        } catch (JsonProcessingException e) {
            throw error("manifest.json is malformed (" + oneLine(e.getOriginalMessage()) + ")");
        }
        if (m.model() == null || m.stages() == null || m.stages().isEmpty() || m.channels() == null || m.tiedGroups() == null || m.files() == null
                || m.microbatchInputs() == null || m.microbatches() < 1) {
            throw error("manifest.json is incomplete: it needs model, microbatches, microbatch_inputs, stages, channels, tied_groups and files");
        }
        return m;
    }

    private void checkFile(BundleManifest.FileEntry f) {
        String p = f.path();
        if (p == null || p.isEmpty() || p.startsWith("/") || p.contains("\\") || p.contains(":") || List.of(p.split("/")).contains("..")
                || p.equals("manifest.json")) {
            throw error("manifest.json lists the path '" + p + "', which is not a file inside the bundle");
        }
        Path file = dir.resolve(p);
        if (!Files.isRegularFile(file)) throw error(p + " is missing");
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

    private Module loadStage(BundleManifest manifest, BundleManifest.Stage s) {
        Module program;
        try {
            program = IrParser.parse(Files.readString(dir.resolve(s.program()), StandardCharsets.UTF_8), s.program());
        } catch (IrException e) {
            throw error(e.getMessage());
        } catch (IOException e) {
            throw error(s.program() + " cannot be read: " + oneLine(e.getMessage()));
        }
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
        checkSignature(manifest, s, program);
        return program;
    }

    /** The program's parameters, receives, sends and outputs must be the ports the manifest lists, in order. */
    private void checkSignature(BundleManifest manifest, BundleManifest.Stage s, Module program) {
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
        for (BundleManifest.Port p : s.inputs()) {
            if (p.channel() != null) checkChannel(manifest, p.channel(), -1, s.stage());
        }
        for (BundleManifest.Port p : s.outputs()) {
            if (p.channel() != null) checkChannel(manifest, p.channel(), s.stage(), -1);
        }
    }

    private void checkChannel(BundleManifest manifest, int id, int src, int dst) {
        for (BundleManifest.Channel c : manifest.channels()) {
            if (c.id() == id && (src < 0 || c.src() == src) && (dst < 0 || c.dst() == dst)) return;
        }
        throw error("manifest.json: channel " + id + " is used by stage " + Math.max(src, dst) + " but not listed with that stage under channels");
    }

    private List<String> ports(List<BundleManifest.Port> ports) {
        List<String> out = new ArrayList<>();
        for (BundleManifest.Port p : ports) {
            String type;
            try {
                type = new BundleManifest.TensorSpec(p.name(), p.dtype(), p.shape()).type().toString();
            } catch (RuntimeException e) {
                throw error("manifest.json: port " + p.name() + " has a malformed dtype or shape (" + p.dtype() + ", " + p.shape() + ")");
            }
            out.add(p.kind() + (p.channel() != null ? " " + p.channel() : "") + " " + p.name() + " " + type);
        }
        return out;
    }

    private static String oneLine(String s) { return s == null ? "" : s.replace('\n', ' ').trim(); }
}
