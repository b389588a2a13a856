package dev.ppc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ppc.compiler.ModelLoader;
import dev.ppc.compiler.ModelSummary;
import dev.ppc.files.OutputGuard;
import dev.ppc.ir.Module;
import dev.ppc.ir.text.IrPrinter;
import dev.ppc.passes.PassManager;
import dev.ppc.passes.SpecializeShapes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ppc inspect MODEL}: signature, op histogram, parameters; or the cleaned-up IR. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model's inputs/outputs, op histogram, parameter count and opset; --emit ir prints the IR after clean-up.")
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "an .onnx model, a .ppir IR file, or a compiled .ppc bundle")
    Path model;

    @Option(names = "--input", paramLabel = "NAME=SHAPE", description = "static shape of an input, e.g. input_ids=4x12 (repeatable)")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--emit", paramLabel = "KIND", defaultValue = "summary", description = "summary (default), ir or json")
    String emit;

    @Option(names = "--print-ir-after", paramLabel = "PASS", split = ",", description = "print the IR after these passes to stderr (or 'all')")
    List<String> printIrAfter = new ArrayList<>();

    @Option(names = "--dump-dir", paramLabel = "DIR", description = "write the IR before and after every pass into DIR")
    Path dumpDir;

    @Override
    public Integer call() throws Exception {
        if (!List.of("summary", "ir", "json").contains(emit)) {
            throw new UserError("--emit " + emit + ": expected summary, ir or json");
        }
        if (BundleCommands.isBundle(model)) {
            spec.commandLine().getOut().print(BundleCommands.inspect(model, emit));
            return 0;
        }
        ModelLoader loader = new ModelLoader().inputShapes(parseInputs(inputs));
        if (!printIrAfter.isEmpty()) {
            Set<String> names = new LinkedHashSet<>(printIrAfter);
            loader.printIrAfter(names, s -> spec.commandLine().getErr().print(s));
        }
        if (dumpDir != null) {
            OutputGuard guard = new OutputGuard(false).input("the model", model);
            ModelLoader.externalDataFiles(model).forEach(f -> guard.input("the model's external data", f));
            guard.outputFolder("--dump-dir", dumpDir, PassManager::isDumpFileName);
            loader.dumpDir(dumpDir);
        }
        Module m = loader.load(model);
        var out = spec.commandLine().getOut();
        switch (emit) {
            case "ir" -> out.print(IrPrinter.print(m));
            case "json" -> out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(ModelSummary.of(m)));
            default -> out.print(ModelSummary.of(m).toText());
        }
        return 0;
    }

    static java.util.Map<String, long[]> parseInputs(List<String> inputs) {
        try {
            return SpecializeShapes.parseInputs(inputs);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
