package dev.ppc.compiler;

import dev.ppc.bundle.BundleFiles;
import dev.ppc.bundle.BundleManifest;
import dev.ppc.bundle.BundleSummary;
import dev.ppc.compiler.bundle.BundleWriter;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.passes.partition.CutSpec;
import dev.ppc.passes.partition.CutSpecException;
import dev.ppc.passes.partition.PartitionPass;
import dev.ppc.passes.partition.PartitionPlan;
import dev.ppc.passes.partition.StageModules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The compile driver behind {@code ppc compile}: partitions a cleaned module at the given cuts,
 * inserts the sends and receives, and writes the bundle. The module must already have been
 * through the clean-up passes (specialize-shapes with the shapes of one microbatch,
 * fold-constants, dce, cse): every value has a static type.
 */
public final class Compiler {
    private Compiler() {}

    /**
     * Compiles {@code cleaned} into the bundle directory {@code out}. The argument is not changed
     * (the partitioner works on a copy), so callers can still run the unpartitioned module.
     * Bad options and cuts are {@link IrException}s with one-line messages
     * ({@link CutSpecException} for {@code --cuts}/{@code --stages}, {@code BundleException} for the bundle).
     */
    public static CompileResult compile(Module cleaned, CompileOptions opts, Path out) {
        BackendSupport.requireRunnable(cleaned, opts.sourceModel());
        CutSpec spec;
        if (opts.stages() != null) {
            spec = CutSpec.automatic(opts.stages());
        } else if (opts.cuts() != null) {
            spec = CutSpec.parse(opts.cuts());
        } else {
            throw new CutSpecException("say where to cut the pipeline: --cuts SPEC (e.g. --cuts 3 or --cuts layers.2,layers.5)");
        }
        if (opts.microbatches() < 1) throw new IrException("--microbatches " + opts.microbatches() + ": the microbatch count must be at least 1");
        PartitionPass.Result partitioned = PartitionPass.run(copy(cleaned), spec);
        BundleWriter.Options writerOptions = new BundleWriter.Options(opts.microbatches(), opts.emitOnnxStages(), opts.sourceModel());
        BundleManifest manifest;
        if (out.getFileName() != null && out.getFileName().toString().endsWith(".zip")) {
            manifest = writeZip(partitioned, writerOptions, out);
        } else {
            manifest = BundleWriter.write(partitioned.module(), partitioned.plan(), writerOptions, out);
        }
        BundleSummary summary = BundleSummary.of(manifest, stagePrograms(partitioned));
        return new CompileResult(out, partitioned.plan(), manifest, summary);
    }

    /** Writes the bundle directory next to {@code zip}, archives it, and removes the directory. */
    private static BundleManifest writeZip(PartitionPass.Result partitioned, BundleWriter.Options options, Path zip) {
        Path parent = zip.toAbsolutePath().getParent();
        Path dir = parent.resolve(zip.getFileName() + ".tmp-dir");
        try {
            BundleManifest manifest = BundleWriter.write(partitioned.module(), partitioned.plan(), options, dir);
            BundleFiles.zip(dir, zip);
            return manifest;
        } catch (java.io.IOException e) {
            throw new IrException("cannot write " + zip + ": " + e.getMessage());
        } finally {
            try {
                BundleFiles.deleteRecursively(dir);
            } catch (java.io.IOException ignored) {
                // A leftover temporary folder is harmless; the archive is complete or the error above says why.
            }
        }
    }

    private static List<Module> stagePrograms(PartitionPass.Result r) {
        List<Module> programs = new ArrayList<>();
        for (PartitionPlan.Stage s : r.plan().stages()) programs.add(StageModules.extract(r.module(), s.function(), r.plan().model() + ".stage" + s.index()));
        return programs;
    }

    /** A copy sharing the (immutable) constant data, with fresh functions. */
    private static Module copy(Module m) {
        Module c = new Module(m.name());
        m.opsetImports().forEach(c::setOpset);
        m.constants().values().forEach(c::putConstant);
        for (Function f : m.functions().values()) c.addFunction(StageModules.copy(f, f.name()));
        return c;
    }
}
