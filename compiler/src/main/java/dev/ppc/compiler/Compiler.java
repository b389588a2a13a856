package dev.ppc.compiler;

import dev.ppc.bundle.BundleException;
import dev.ppc.bundle.BundleFiles;
import dev.ppc.bundle.BundleManifest;
import dev.ppc.bundle.BundleSummary;
import dev.ppc.compiler.bundle.BundleWriter;
import dev.ppc.files.AtomicFile;
import dev.ppc.files.OutputFileException;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.passes.partition.CutSpec;
import dev.ppc.passes.partition.CutSpecException;
import dev.ppc.passes.partition.PartitionPass;
import dev.ppc.passes.partition.PartitionPlan;
import dev.ppc.passes.partition.StageModules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The compile driver behind {@code ppc compile}: proves the batch axes and rewrites a cleaned module
 * for one microbatch ({@link Microbatching}), partitions it at the given cuts, inserts the sends and
 * receives, and writes the bundle. The module must already have been through the clean-up passes
 * (specialize-shapes with the shapes of the full batch, fold-constants, dce, cse): every value has
 * a static type.
 */
public final class Compiler {
    private Compiler() {}

    /**
     * Compiles {@code cleaned}, specialized for the full batch, into the bundle directory
     * {@code out} (a zipped bundle if its name ends in {@code .zip}), each stage program for one of
     * {@code opts.microbatches()} microbatches split along {@code opts.batchAxes()}. The argument
     * is not changed (the compiler works on a copy), so callers can still run the unpartitioned
     * model. Bad options and cuts are {@link IrException}s with one-line messages
     * ({@link CutSpecException} for {@code --cuts}/{@code --stages}, {@code BatchAxisException}
     * for a batch axis along which the model mixes samples, {@code BundleException} for the bundle).
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
        Module microbatch = copy(cleaned);
        BundleManifest.Batch batch = Microbatching.apply(microbatch, opts.batchAxes(), opts.microbatches());
        BackendSupport.requireWithinLimits(microbatch);
        PartitionPass.Result partitioned = PartitionPass.run(microbatch, spec);
        BundleWriter.Options writerOptions = new BundleWriter.Options(opts.microbatches(), batch, opts.emitOnnxStages(), opts.sourceModel(), opts.force());
        BundleManifest manifest;
        if (writesZip(out)) {
            manifest = writeZip(partitioned, writerOptions, out);
        } else {
            manifest = BundleWriter.write(partitioned.module(), partitioned.plan(), writerOptions, out);
        }
        BundleSummary summary = BundleSummary.of(manifest, stagePrograms(partitioned));
        return new CompileResult(out, partitioned.plan(), manifest, summary);
    }

    /** Whether {@link #compile} writes {@code out} as a zipped bundle (its name ends in {@code .zip}) rather than a directory. */
    public static boolean writesZip(Path out) {
        return out.getFileName() != null && out.getFileName().toString().endsWith(".zip");
    }

    /**
     * Assembles the bundle in a scratch directory beside {@code zip}, archives it into {@code zip}
     * atomically (the previous archive stays whole until the new one is complete), and removes
     * the scratch directory. Anything at {@code zip} other than a zipped bundle is refused unless
     * {@code force}.
     */
    private static BundleManifest writeZip(PartitionPass.Result partitioned, BundleWriter.Options options, Path zip) {
        if (!options.force() && Files.exists(zip) && !BundleFiles.ARCHIVE.accepts(zip)) {
            throw new BundleException("bundle " + zip + ": the path exists and is not " + BundleFiles.ARCHIVE.description() + "; refusing to overwrite it");
        }
        try {
            Files.createDirectories(zip.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw OutputFileException.cannotWrite(zip, e, false);
        }
        Path scratch = AtomicFile.scratchDirectory(zip);
        try {
            BundleManifest manifest = BundleWriter.assemble(partitioned.module(), partitioned.plan(), options, scratch, zip);
            BundleFiles.zip(scratch, zip);
            return manifest;
        } catch (IOException e) {
            throw OutputFileException.cannotWrite(zip, e, Files.exists(zip));
        } finally {
            AtomicFile.deleteScratch(scratch);
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
