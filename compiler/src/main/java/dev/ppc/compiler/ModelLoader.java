package dev.ppc.compiler;

import dev.ppc.compiler.onnx.OnnxImporter;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.text.IrParser;
import dev.ppc.ir.verify.Verifier;
import dev.ppc.passes.PassManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The front half of every command: reads a model (ONNX, or ppc IR text with a {@code .ppir}
 * suffix), then runs the clean-up pipeline (specialize-shapes with the given input shapes,
 * fold-constants, dce, cse), verifying after every pass.
 */
public final class ModelLoader {
    private final Map<String, long[]> inputShapes = new LinkedHashMap<>();
    private Set<String> printIrAfter = Set.of();
    private Consumer<String> irSink = s -> { };
    private Path dumpDir;

    public ModelLoader inputShapes(Map<String, long[]> shapes) {
        inputShapes.putAll(shapes);
        return this;
    }

    /** Prints the IR after each named pass ({@code all} for every pass) to {@code sink}. */
    public ModelLoader printIrAfter(Set<String> passes, Consumer<String> sink) {
        this.printIrAfter = passes;
        this.irSink = sink;
        return this;
    }

    public ModelLoader dumpDir(Path dir) {
        this.dumpDir = dir;
        return this;
    }

    /** Reads the model without any pass. */
    public static Module read(Path model) {
        String name = model.getFileName() == null ? "" : model.getFileName().toString();
        if (name.endsWith(".ppir")) {
            try {
                Module m = IrParser.parse(Files.readString(model), model.toString());
                Verifier.verify(m);
                return m;
            } catch (IOException e) {
                throw new IrException(model + ": cannot read: " + e.getMessage());
            }
        }
        if (Files.isDirectory(model)) {
            throw new IrException(model + " is a directory; give an .onnx model file (or a compiled .ppc bundle to 'ppc run')");
        }
        return OnnxImporter.importModel(model);
    }

    /**
     * The files besides {@code model} itself that reading it touches: an ONNX model's
     * external-data files. Commands register them as inputs so that no output overwrites them.
     */
    public static List<Path> externalDataFiles(Path model) {
        String name = model.getFileName() == null ? "" : model.getFileName().toString();
        if (name.endsWith(".ppir") || !Files.isRegularFile(model)) return List.of();
        return OnnxImporter.externalDataFiles(model);
    }

    /** Reads the model and runs the clean-up pipeline. */
    public Module load(Path model) {
        Module m = read(model);
        cleanup(m);
        return m;
    }

    /** Runs the clean-up pipeline on an already read module. */
    public void cleanup(Module m) {
        PassManager pm = PassManager.cleanup(inputShapes).verify(true);
        if (!printIrAfter.isEmpty()) {
            try {
                pm.printIrAfter(printIrAfter, irSink);
            } catch (IllegalArgumentException e) {
                throw new IrException(e.getMessage());
            }
        }
        if (dumpDir != null) pm.dumpTo(dumpDir);
        pm.run(m);
    }
}
