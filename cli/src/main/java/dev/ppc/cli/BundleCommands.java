package dev.ppc.cli;

import dev.ppc.backend.Tensor;
import dev.ppc.bundle.BundleFiles;
import dev.ppc.bundle.BundleReader;
import dev.ppc.bundle.BundleSummary;
import dev.ppc.runtime.LoadOptions;
import dev.ppc.runtime.Pipeline;
import dev.ppc.runtime.RunStats;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The bundle side of {@code inspect} and {@code run}. */
final class BundleCommands {
    private BundleCommands() {}

    /**
     * Whether {@code p} is read as a bundle. Contents decide ({@link BundleReader#isBundle}: a
     * directory with a manifest.json, or a zip archive, whatever its name); a path named like a
     * bundle ({@code .ppc}, {@code .zip}) that is none goes to the bundle reader too, whose message
     * says what is wrong with it, rather than to the model importer. A directory whose
     * replacement by {@code ppc compile} was interrupted is put back first, so it counts as the
     * bundle it was ({@link BundleFiles#recover}).
     */
    static boolean isBundle(Path p) {
        if (!Files.isRegularFile(p)) BundleFiles.recover(p);
        if (BundleReader.isBundle(p)) return true;
        Path name = p.getFileName();
        return name != null && (name.toString().endsWith(".ppc") || name.toString().endsWith(".zip"));
    }

    static String inspect(Path bundle, String emit) {
        if (emit.equals("ir")) throw new UserError("--emit ir applies to models; a bundle's stage programs are in " + bundle + "/core-K/program.ppir");
        BundleSummary s = BundleSummary.of(BundleReader.read(bundle));
        return emit.equals("json") ? new String(s.toJson(), StandardCharsets.UTF_8) + "\n" : s.toText();
    }

    static Map<String, Tensor> run(Path bundle, InputFiles inputs, int threads, Integer microbatches, Integer cores,
                                   Path trace, PrintWriter out) {
        LoadOptions options = LoadOptions.defaults().withThreadsPerCore(threads).withMicrobatches(microbatches).withCores(cores);
        try (Pipeline pipeline = Pipeline.load(bundle, options)) {
            Map<String, Tensor> result = pipeline.run(inputs.forInputs(pipeline.spec().inputs().keySet()));
            RunStats stats = pipeline.lastRunStats();
            out.printf("ran %s: %d stage(s) on %d core(s), %d microbatch(es) in %.2f ms, %.1f samples/s, measured bubble %.3f%n",
                    bundle, pipeline.spec().stages().size(), pipeline.spec().cores(), pipeline.spec().microbatches(),
                    stats.wallNanos() / 1e6, stats.samplesPerSecond(), stats.bubble());
            if (trace != null) {
                pipeline.writeTrace(trace);
                out.println("wrote trace " + trace);
            }
            return result;
        }
    }
}
