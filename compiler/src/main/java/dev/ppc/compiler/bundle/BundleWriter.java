package dev.ppc.compiler.bundle;

import dev.ppc.bundle.*;
import dev.ppc.schedule.Schedule;
import dev.ppc.schedule.ScheduleJson;
import dev.ppc.schedule.ScheduleKind;
import dev.ppc.schedule.Schedules;

import dev.ppc.compiler.onnx.OnnxExporter;
import dev.ppc.files.AtomicDirectory;
import dev.ppc.files.CrashPoint;
import dev.ppc.files.OutputFileException;
import dev.ppc.ir.DType;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.text.IrPrinter;
import dev.ppc.passes.partition.PartitionPlan;
import dev.ppc.passes.partition.StageModules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes a partitioned module as a bundle directory:
 * <pre>
 * OUT.ppc/
 *   manifest.json               format, model name and sha256, target, stages -> cores, stage signatures,
 *                               channels, tied groups, microbatching, size + sha256 of every other file
 *   schedule.json               per-core action lists (the schedule module's forward-only schedule, as ScheduleJson)
 *   report.json                 per-stage figures ({@link BundleSummary})
 *   core-K/program.ppir         stage K as IR text: its function renamed @main, its constants, the
 *                               ones over {@value #INLINE_BYTES} bytes printed as {@code external}
 *   core-K/weights.safetensors  the data of those external constants ({@link Safetensors})
 *   core-K/stage.onnx           with {@code emitOnnxStages}: stage K as a standalone ONNX model
 * </pre>
 * Every file is a function of the inputs only (no timestamps, no absolute paths, sorted keys and
 * tensors), so compiling the same model twice gives identical bytes. The bundle is assembled in a
 * temp sibling directory and moved into place by {@link AtomicDirectory}, so {@code out} always
 * holds a whole bundle, the previous one or the new one, even if the process is killed or the
 * disk fills up; an existing bundle at {@code out} is replaced, anything else there is refused
 * unless {@link Options#force}.
 */
public final class BundleWriter {
    /** Constants up to this many bytes stay inline in program.ppir; larger ones go to weights.safetensors. */
    public static final long INLINE_BYTES = IrPrinter.DEFAULT_MAX_INLINE_BYTES;

    /**
     * @param microbatches   how many microbatches a batch is split into (the stage programs are compiled for one)
     * @param batch          the batch axes of the model's inputs and outputs, and whether they were proven
     * @param emitOnnxStages also write core-K/stage.onnx
     * @param sourceModel    the model file compiled, whose name and sha256 the manifest records; may be null
     * @param force          replace whatever is at the output path, not only a previous bundle
     */
    public record Options(int microbatches, BundleManifest.Batch batch, boolean emitOnnxStages, Path sourceModel, boolean force) {
        public Options(int microbatches, BundleManifest.Batch batch, boolean emitOnnxStages, Path sourceModel) {
            this(microbatches, batch, emitOnnxStages, sourceModel, false);
        }
    }

    private BundleWriter() {}

    /** Writes the bundle directory {@code out} (creating missing parent folders) and returns its manifest. */
    public static BundleManifest write(Module partitioned, PartitionPlan plan, Options options, Path out) {
        Path parent = out.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw OutputFileException.cannotWrite(out, e, false);
        }
        BundleFiles.recover(out);
        if (!options.force()) checkReplaceable(out, "bundle " + out);
        return AtomicDirectory.write(out, BundleFiles::isComplete, dir -> assemble(partitioned, plan, options, dir, out));
    }

    /**
     * Writes the files of the bundle into the empty directory {@code dir} and returns its
     * manifest; moving it into place is the caller's ({@link #write}, or the zip writer).
     *
     * @param shownAs the bundle's path as the user gave it, for messages
     */
    public static BundleManifest assemble(Module partitioned, PartitionPlan plan, Options options, Path dir, Path shownAs) throws IOException {
        String where = "bundle " + shownAs;
        if (options.microbatches() < 1) throw new BundleException(where + ": the microbatch count must be at least 1, got " + options.microbatches());
        BundleManifest.Model model = model(plan.model(), options.sourceModel(), where);
        List<BundleManifest.Stage> stages = new ArrayList<>();
        List<Module> programs = new ArrayList<>();
        Map<String, BundleManifest.TensorSpec> microbatchInputs = new LinkedHashMap<>();
        for (PartitionPlan.Stage ps : plan.stages()) {
            int k = ps.index();
            Module program = StageModules.extract(partitioned, ps.function(), plan.model() + ".stage" + k);
            programs.add(program);
            String stageDir = "core-" + k;
            Files.createDirectories(dir.resolve(stageDir));
            Files.writeString(dir.resolve(stageDir + "/program.ppir"), new IrPrinter(INLINE_BYTES).printModule(program), StandardCharsets.UTF_8);
            Safetensors.write(dir.resolve(stageDir + "/weights.safetensors"), externalWeights(program, where, stageDir),
                    Map.of("ppc.model", plan.model(), "ppc.stage", Integer.toString(k)));
            String onnx = null;
            if (options.emitOnnxStages()) {
                onnx = stageDir + "/stage.onnx";
                Files.write(dir.resolve(onnx), OnnxExporter.export(program, program.main()).toByteArray());
            }
            List<BundleManifest.Port> inputs = new ArrayList<>(), outputs = new ArrayList<>();
            Function main = program.main();
            for (Value p : main.params()) {
                inputs.add(BundleManifest.Port.model(p.name(), staticType(p.type(), k, p.name(), where)));
                microbatchInputs.putIfAbsent(p.name(), BundleManifest.TensorSpec.of(p.name(), p.type()));
            }
            for (Op op : main.ops()) {
                if (op.is("ppc", "recv")) {
                    Value r = op.result();
                    inputs.add(BundleManifest.Port.channel(r.name(), staticType(r.type(), k, r.name(), where), (int) op.intAttr("channel", -1)));
                } else if (op.is("ppc", "send")) {
                    Value v = op.operand(0);
                    outputs.add(BundleManifest.Port.channel(v.name(), staticType(v.type(), k, v.name(), where), (int) op.intAttr("channel", -1)));
                }
            }
            for (Function.Output o : main.outputs()) outputs.add(BundleManifest.Port.model(o.name(), staticType(o.value().type(), k, o.name(), where)));
            stages.add(new BundleManifest.Stage(k, k, stageDir + "/program.ppir", stageDir + "/weights.safetensors", onnx, inputs, outputs));
            if (k == 0) CrashPoint.ASSEMBLY_PARTIAL.reach();
        }
        List<BundleManifest.Channel> channels = new ArrayList<>();
        for (PartitionPlan.Channel c : plan.channels()) {
            TensorType t = staticType(c.type(), c.src(), c.value(), where);
            channels.add(new BundleManifest.Channel(c.id(), c.src(), c.dst(), c.value(), t.dtype().textName(), BundleManifest.shapeOf(t), t.byteSize()));
        }
        List<BundleManifest.TiedGroup> tied = new ArrayList<>();
        for (PartitionPlan.TiedGroup g : plan.tiedGroups()) {
            List<BundleManifest.TiedMember> members = new ArrayList<>();
            for (PartitionPlan.TiedMember m : g.members()) members.add(new BundleManifest.TiedMember(m.stage(), m.constant(), m.kind().label()));
            tied.add(new BundleManifest.TiedGroup(g.id(), members));
        }
        BundleManifest draft = new BundleManifest(BundleManifest.FORMAT, BundleManifest.VERSION, model, "cpu", options.microbatches(), options.batch(),
                new ArrayList<>(microbatchInputs.values()), stages, channels, tied, List.of());
        // Inference bundles run the forward-only schedule: one stage per core, every microbatch in order.
        Schedule schedule = Schedules.generate(ScheduleKind.FORWARD, stages.size(), options.microbatches(), 1);
        Files.writeString(dir.resolve("schedule.json"), ScheduleJson.write(schedule));
        Files.write(dir.resolve("report.json"), BundleSummary.of(draft, programs).toJson());

        BundleManifest manifest = new BundleManifest(draft.format(), draft.formatVersion(), model, draft.target(), draft.microbatches(),
                draft.batch(), draft.microbatchInputs(), stages, channels, tied, fileEntries(dir));
        // The manifest goes last: a directory with a manifest.json is a whole bundle (BundleFiles.isComplete).
        Files.write(dir.resolve("manifest.json"), ManifestSeal.sealed(manifest));
        return manifest;
    }

    private static BundleManifest.Model model(String name, Path source, String where) {
        if (source == null) return new BundleManifest.Model(name, null, null);
        if (!Files.isRegularFile(source)) throw new BundleException(where + ": the source model " + source + " is not a file");
        try {
            return new BundleManifest.Model(name, source.getFileName().toString(), BundleFiles.sha256(source));
        } catch (IOException e) {
            throw new BundleException(where + ": cannot read the source model " + source + ": " + OutputFileException.reason(e), e);
        }
    }

    /** Writing over a previous bundle is fine; writing over anything else (a file, a non-empty directory) is refused. */
    private static void checkReplaceable(Path out, String where) {
        if (!Files.exists(out) || BundleFiles.DIRECTORY.accepts(out)) return;
        throw new BundleException(where + ": the path exists and is not " + BundleFiles.DIRECTORY.description() + "; refusing to overwrite it");
    }

    /** The constants printed as {@code external} in program.ppir (same rule as {@link IrPrinter}), by name. */
    private static SortedMap<String, TensorData> externalWeights(Module program, String where, String dir) {
        SortedMap<String, TensorData> weights = new TreeMap<>();
        for (Module.Constant c : program.constants().values()) {
            TensorData d = c.data();
            if (!d.hasData()) throw new BundleException(where + ": " + dir + ": constant @" + c.name() + " has no data (its weights were never loaded)");
            if (d.dtype() == DType.STRING || TensorData.expectedBytes(d.type()) <= INLINE_BYTES) continue;
            if (!Safetensors.supports(d.dtype())) {
                throw new BundleException(where + ": " + dir + ": constant @" + c.name() + " is " + d.dtype() + " and over " + INLINE_BYTES
                        + " bytes, and safetensors has no such dtype");
            }
            weights.put(c.name(), d);
        }
        return weights;
    }

    private static TensorType staticType(TensorType t, int stage, String name, String where) {
        if (!t.isStatic()) {
            throw new BundleException(where + ": stage " + stage + ": %" + name + " has type " + IrPrinter.type(t)
                    + "; a bundle needs static shapes, so specialize the model's input shapes first (--input NAME=SHAPE)");
        }
        return t;
    }

    private static List<BundleManifest.FileEntry> fileEntries(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        TreeMap<String, Path> byName = new TreeMap<>();
        for (Path p : files) byName.put(root.relativize(p).toString().replace('\\', '/'), p);
        List<BundleManifest.FileEntry> entries = new ArrayList<>();
        for (Map.Entry<String, Path> e : byName.entrySet()) {
            entries.add(new BundleManifest.FileEntry(e.getKey(), Files.size(e.getValue()), BundleFiles.sha256(e.getValue())));
        }
        return entries;
    }
}
