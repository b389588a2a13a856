package dev.ppc.cli;

import dev.ppc.bundle.BundleFiles;
import dev.ppc.compiler.CompileOptions;
import dev.ppc.compiler.CompileResult;
import dev.ppc.compiler.ModelLoader;
import dev.ppc.files.OutputGuard;
import dev.ppc.ir.Dim;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Value;
import dev.ppc.passes.batch.BatchAxisChoice;
import dev.ppc.schedule.ScheduleException;
import dev.ppc.schedule.ScheduleKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ppc compile MODEL --cuts SPEC -o OUT.ppc}: specializes the model to the full batch, cleans
 * it up, and hands it to the compile driver, which proves the batch axes, rewrites the model for one
 * microbatch, cuts it into stages with paired sends and receives, and writes the bundle.
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Cut a model into pipeline stages and write a per-core bundle with its schedule.")
public final class CompileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "an .onnx model (or .ppir IR)")
    Path model;

    static final class Partitioning {
        @Option(names = "--cuts", required = true, paramLabel = "SPEC",
                description = "where to cut: 3 (after the 3rd block), 2,5, layers.2,layers.5 (after named scopes), @tensor (at a value); mixed lists work")
        String cuts;

        @Option(names = "--stages", required = true, paramLabel = "N", description = "choose the cuts automatically (not implemented yet)")
        Integer stages;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Partitioning partitioning;

    @Option(names = "--input", paramLabel = "NAME=SHAPE", description = "full-batch shape of an input, e.g. input_ids=8x128 (repeatable)")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--microbatches", defaultValue = "1", paramLabel = "M", description = "microbatches per batch (default 1); each input's batch axis must divide by M")
    int microbatches;

    @Option(names = "--batch-axis", paramLabel = "NAME=AXIS",
            description = "the axis of input NAME that holds the batch, e.g. src=1 (repeatable; default: the axis whose symbolic name contains 'batch', else 0)")
    List<String> batchAxes = new ArrayList<>();

    @Option(names = "--schedule", defaultValue = "forward", paramLabel = "KIND", description = "pipeline schedule; inference bundles run 'forward'")
    String schedule;

    @Option(names = "--target", defaultValue = "cpu", paramLabel = "TARGET", description = "cpu (default)")
    String target;

    @Option(names = "--emit", paramLabel = "WHAT", description = "onnx-stages: also write each stage as a standalone core-K/stage.onnx")
    String emit;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.ppc", description = "the bundle directory to write (a zipped bundle if it ends in .zip)")
    Path out;

    @Option(names = "--force", description = "replace whatever is at -o, not only a previous bundle")
    boolean force;

    @Override
    public Integer call() {
        if (emit != null && !emit.equals("onnx-stages")) throw new UserError("--emit " + emit + ": the only extra output is onnx-stages");
        if (!target.equals("cpu")) throw new UserError("--target " + target + ": this build of ppc compiles for the cpu target only");
        ScheduleKind kind;
        try {
            kind = ScheduleKind.parse(schedule);
        } catch (ScheduleException e) {
            throw new UserError("--schedule " + schedule + ": " + e.getMessage());
        }
        if (kind.isTraining()) {
            throw new UserError("--schedule " + schedule + ": that is a training schedule; the runtime executes inference bundles, which use --schedule forward");
        }
        if (microbatches < 1) throw new UserError("--microbatches " + microbatches + ": must be at least 1");
        OutputGuard guard = new OutputGuard(force).input("the model", model);
        ModelLoader.externalDataFiles(model).forEach(f -> guard.input("the model's external data", f));
        guard.outputCreatingFolders("-o", out, dev.ppc.compiler.Compiler.writesZip(out) ? BundleFiles.ARCHIVE : BundleFiles.DIRECTORY);
        Module m = ModelLoader.read(model);
        // The default axis reads the symbolic dim names, which specialization replaces by sizes.
        Map<String, Integer> axes = BatchAxisChoice.choose(m.main(), parseBatchAxes(batchAxes));
        Map<String, long[]> fullBatchShapes = fullBatchShapes(m.main(), InspectCommand.parseInputs(inputs));
        new ModelLoader().inputShapes(fullBatchShapes).cleanup(m);
        CompileOptions options = new CompileOptions(partitioning.cuts, partitioning.stages, microbatches, emit != null, model, axes, force);
        CompileResult r = dev.ppc.compiler.Compiler.compile(m, options, out);
        var o = spec.commandLine().getOut();
        o.print(r.summary().toText());
        o.println("wrote " + out);
        return 0;
    }

    /** Parses {@code --batch-axis NAME=AXIS} arguments (the name is everything before the last {@code =}). */
    static Map<String, Integer> parseBatchAxes(List<String> args) {
        Map<String, Integer> axes = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.lastIndexOf('=');
            if (eq <= 0 || !a.substring(eq + 1).matches("-?[0-9]{1,9}")) {
                throw new UserError("--batch-axis " + a + ": expected NAME=AXIS, e.g. src=1");
            }
            if (axes.put(a.substring(0, eq), Integer.parseInt(a.substring(eq + 1))) != null) {
                throw new UserError("--batch-axis " + a + ": input '" + a.substring(0, eq) + "' is given twice");
            }
        }
        return axes;
    }

    /**
     * The full-batch shape of every input: from --input, or the model's static shape. The compiler
     * divides each input's batch axis by the microbatch count.
     */
    static Map<String, long[]> fullBatchShapes(Function f, Map<String, long[]> given) {
        for (String name : given.keySet()) {
            if (f.params().stream().noneMatch(p -> p.name().equals(name))) {
                throw new UserError("--input " + name + ": the model has no input '" + name + "'; its inputs are "
                        + String.join(", ", f.params().stream().map(Value::name).toList()));
            }
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Value p : f.params()) {
            long[] shape = given.get(p.name());
            if (shape == null) {
                if (!p.type().isStatic()) {
                    throw new UserError("input '" + p.name() + "' has shape " + p.type() + "; give its full-batch shape with --input "
                            + p.name() + "=" + example(p));
                }
                shape = p.type().shape();
            }
            shapes.put(p.name(), shape);
        }
        return shapes;
    }

    private static String example(Value p) {
        if (!p.type().isRanked()) return "8x128";
        List<String> parts = new ArrayList<>();
        for (Dim d : p.type().dims()) parts.add(d.isStatic() ? Long.toString(d.size()) : "N");
        return String.join("x", parts);
    }
}
