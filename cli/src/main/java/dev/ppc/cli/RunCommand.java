package dev.ppc.cli;

import dev.ppc.backend.StageOptions;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.io.Npz;
import dev.ppc.compiler.ModelLoader;
import dev.ppc.files.FileKind;
import dev.ppc.files.OutputGuard;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ppc run MODEL|BUNDLE --inputs IN.npz}: runs a model as one stage, or a compiled bundle. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an ONNX model (as one stage on the CPU backend) or a compiled .ppc bundle on NumPy inputs.")
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL|BUNDLE")
    Path model;

    @Option(names = "--inputs", required = true, paramLabel = "IN.npz", description = "inputs keyed by the model's input names (.npz, or .npy for a one-input model)")
    Path inputs;

    @Option(names = "--output", paramLabel = "OUT.npz", description = "write the outputs here")
    Path output;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "threads per stage (a worker pool that splits GEMMs and element-wise kernels), 1 to " + StageOptions.MAX_THREADS + ", default 1")
    int threads;

    @Option(names = "--microbatches", paramLabel = "M", description = "microbatches per batch (bundles; default: the bundle's)")
    Integer microbatches;

    @Option(names = "--cores", paramLabel = "N", description = "worker cores for a bundle (default: one per stage); stage s runs on core s mod N")
    Integer cores;

    @Option(names = "--trace", paramLabel = "T.json", description = "write a Chrome-trace/Perfetto JSON of the execution (bundles)")
    Path trace;

    @Option(names = "--force", description = "replace an existing --output or --trace file even if it is not an .npz/.npy or JSON file")
    boolean force;

    @Override
    public Integer call() {
        if (threads < 1 || threads > StageOptions.MAX_THREADS) {
            throw new UserError("--threads " + threads + ": must be between 1 and " + StageOptions.MAX_THREADS
                    + " (threads per stage; more than the machine's cores only add overhead)");
        }
        if (microbatches != null && microbatches < 1) throw new UserError("--microbatches " + microbatches + ": must be at least 1");
        if (cores != null && cores < 1) throw new UserError("--cores " + cores + ": must be at least 1");
        boolean bundle = BundleCommands.isBundle(model);
        checkOutputs(bundle);
        InputFiles in = InputFiles.read(inputs);
        var out = spec.commandLine().getOut();
        Map<String, Tensor> results;
        if (bundle) {
            results = BundleCommands.run(model, in, threads, microbatches, cores, trace, out);
        } else {
            if (microbatches != null || trace != null || cores != null) {
                throw new UserError("--microbatches, --cores and --trace apply to compiled bundles; compile the model with 'ppc compile' first");
            }
            results = SingleStageRun.run(model, in, threads, out);
        }
        for (Map.Entry<String, Tensor> e : results.entrySet()) out.println(OutputDigest.describe(e.getKey(), e.getValue()));
        if (output != null) {
            Npz.write(output, results, false);
            out.println("wrote " + output);
        }
        return 0;
    }

    /** Refuses, before any work, outputs that would overwrite an input or something that is not an old output. */
    private void checkOutputs(boolean bundle) {
        if (output == null && trace == null) return;
        OutputGuard guard = new OutputGuard(force).input(bundle ? "the bundle" : "the model", model).input("--inputs", inputs);
        if (!bundle) ModelLoader.externalDataFiles(model).forEach(f -> guard.input("the model's external data", f));
        if (output != null) guard.output("--output", output, FileKind.NUMPY);
        if (trace != null) guard.output("--trace", trace, FileKind.JSON);
    }
}
