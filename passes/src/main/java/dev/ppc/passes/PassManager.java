package dev.ppc.passes;

import dev.ppc.files.AtomicFile;
import dev.ppc.files.OutputFileException;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.text.IrPrinter;
import dev.ppc.ir.verify.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Runs a pipeline of passes over a module, as MLIR's pass manager and XLA's
 * {@code HloPassPipeline} do: the pipeline is data (a list of passes, usually parsed from text by
 * a {@link PassRegistry}), the verifier runs on the input and after every pass, and the IR can be
 * printed after chosen passes or dumped after all of them.
 *
 * <pre>{@code
 * PassManager pm = PassManager.cleanup(Map.of("input_ids", new long[] {4, 12}))
 *         .printIrAfter(Set.of("fold-constants"), System.err::print)
 *         .dumpTo(Path.of("dump"));                 // dump/00-input.ppir, 01-specialize-shapes.ppir, ...
 * boolean changed = pm.run(module);
 * }</pre>
 *
 * <p>Verification is on by default and should stay on in tests; turning it off saves time on big
 * models once the passes are trusted. A pass that leaves the IR invalid is a bug in the pass,
 * reported as an {@link IrException} that names the pass. Errors a pass reports about the user's
 * model are passed through unchanged.
 *
 * <p>{@link #checkChangeReports(boolean)} additionally checks each pass's claim of not having
 * changed anything by comparing the printed IR before and after it; tests turn it on.
 */
public final class PassManager {
    private static final Pattern DUMP_FILE_NAME = Pattern.compile("\\d{2,}-[A-Za-z0-9_.-]+\\.ppir");
    private final PassRegistry registry;
    private final List<Pass> passes = new ArrayList<>();
    private boolean verify = true;
    private boolean checkChangeReports;
    private Set<String> printAfter = Set.of();
    private Consumer<String> printSink;
    private Path dumpDir;

    /** A manager with an empty pipeline whose pipeline text is resolved by {@link PassRegistry#standard()}. */
    public PassManager() { this(PassRegistry.standard()); }

    /** A manager with an empty pipeline whose pipeline text is resolved by {@code registry}. */
    public PassManager(PassRegistry registry) { this.registry = registry; }

    /** A manager for pipeline text such as {@code "specialize-shapes{x=2x8},fold-constants,dce,cse"}. */
    public static PassManager parse(String pipeline) { return new PassManager().addPipeline(pipeline); }

    /**
     * The standard clean-up pipeline ({@value PassRegistry#CLEANUP_PIPELINE}) with the given input
     * shapes for {@code specialize-shapes}: after it, with every input's shape given, no
     * {@code Shape}, {@code Identity} or {@code Constant} op is left and every value is static.
     */
    public static PassManager cleanup(Map<String, long[]> inputShapes) {
        PassManager pm = new PassManager().add(new SpecializeShapes(inputShapes));
        for (PassRegistry.Entry e : PassRegistry.parse(PassRegistry.CLEANUP_PIPELINE)) {
            if (!e.name().equals(SpecializeShapes.NAME)) pm.add(pm.registry.create(e.name(), e.options()));
        }
        return pm;
    }

    /** Appends one pass. */
    public PassManager add(Pass pass) {
        passes.add(pass);
        return this;
    }

    /** Appends the passes of pipeline text (see {@link PassRegistry} for the syntax). */
    public PassManager addPipeline(String pipeline) {
        passes.addAll(registry.createPipeline(pipeline));
        return this;
    }

    /** The passes in order. */
    public List<Pass> passes() { return Collections.unmodifiableList(passes); }

    /** The pass names in order, comma-separated (options are not shown). */
    public String pipelineNames() {
        List<String> names = new ArrayList<>();
        for (Pass p : passes) names.add(p.name());
        return String.join(",", names);
    }

    /** Whether to verify the input and the IR after every pass (default true). */
    public PassManager verify(boolean on) {
        this.verify = on;
        return this;
    }

    /** Whether to check that a pass returning {@code false} left the printed IR unchanged (default false). */
    public PassManager checkChangeReports(boolean on) {
        this.checkChangeReports = on;
        return this;
    }

    /** The name that {@link #printIrAfter} takes to mean every pass. */
    public static final String ALL_PASSES = "all";

    /**
     * Prints the module to {@code sink} after each run of a pass named in {@code passNames}
     * ({@value #ALL_PASSES} for every pass), preceded by a line {@code // ----- IR after NAME -----}.
     *
     * @throws IllegalArgumentException for a name that the registry does not know and no pass in
     *     this pipeline has, so that a typo does not silently print nothing
     */
    public PassManager printIrAfter(Set<String> passNames, Consumer<String> sink) {
        Set<String> known = new TreeSet<>(registry.names());
        for (Pass p : passes) known.add(p.name());
        for (String n : passNames) {
            if (!known.contains(n) && !n.equals(ALL_PASSES)) {
                throw new IllegalArgumentException("--print-ir-after: unknown pass '" + n + "'; known passes: " + String.join(", ", known)
                        + " (or " + ALL_PASSES + ")");
            }
        }
        this.printAfter = Set.copyOf(passNames);
        this.printSink = sink;
        return this;
    }

    /**
     * Writes the IR to {@code dir} before the first pass ({@code 00-input.ppir}) and after every
     * pass ({@code NN-NAME.ppir}, NN counting passes from 01); the directory is created if needed.
     */
    public PassManager dumpTo(Path dir) {
        this.dumpDir = dir;
        return this;
    }

    /**
     * Runs the pipeline on {@code module}.
     *
     * @return whether any pass changed the module
     * @throws IrException from a pass (the user's model is at fault), or naming the pass whose
     *     output does not verify
     */
    public boolean run(Module module) {
        if (verify) {
            try {
                Verifier.verify(module);
            } catch (IrException e) {
                throw new IrException("the input IR does not verify: " + e.getMessage(), e);
            }
        }
        dump(module, "00-input.ppir");
        boolean changed = false;
        for (int i = 0; i < passes.size(); i++) {
            Pass pass = passes.get(i);
            String before = checkChangeReports ? IrPrinter.print(module) : null;
            boolean passChanged = pass.run(module);
            if (verify) {
                try {
                    Verifier.verify(module);
                } catch (IrException e) {
                    throw new IrException("the IR after pass '" + pass.name() + "' does not verify (a bug in the pass): " + e.getMessage(), e);
                }
            }
            if (before != null && !passChanged && !before.equals(IrPrinter.print(module))) {
                throw new IllegalStateException("pass '" + pass.name() + "' reported no change but changed the IR");
            }
            if (printAfter.contains(pass.name()) || printAfter.contains(ALL_PASSES)) printSink.accept("// ----- IR after " + pass.name() + " -----\n" + IrPrinter.print(module));
            dump(module, String.format("%02d-%s.ppir", i + 1, pass.name()));
            changed |= passChanged;
        }
        return changed;
    }

    private void dump(Module module, String fileName) {
        if (dumpDir == null) return;
        try {
            Files.createDirectories(dumpDir);
        } catch (IOException e) {
            throw new OutputFileException("cannot create the IR dump directory " + dumpDir + ": " + OutputFileException.reason(e), e);
        }
        AtomicFile.writeString(dumpDir.resolve(fileName), IrPrinter.print(module));
    }

    /** Whether {@link #dumpTo} may write a file of this name: {@code NN-NAME.ppir}. */
    public static boolean isDumpFileName(String name) {
        return DUMP_FILE_NAME.matcher(name).matches();
    }
}
