package dev.ppc.compiler;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link Compiler#compile} is asked to do, as the CLI's options give it.
 *
 * @param cuts           the {@code --cuts} argument (e.g. {@code "3"}, {@code "layers.2,layers.5"}, {@code "@x"}); null with {@code stages}
 * @param stages         the {@code --stages} argument, or null; automatic partitioning is not implemented, so a value is refused
 * @param microbatches   the {@code --microbatches} argument, at least 1
 * @param emitOnnxStages {@code --emit onnx-stages}: also write each stage as core-K/stage.onnx
 * @param sourceModel    the model file that was imported, recorded by name and sha256 in the manifest; may be null
 * @param batchAxes      the batch axis of model inputs, by name ({@code --batch-axis}, or the default rule of
 *                       {@code dev.ppc.passes.batch.BatchAxisChoice} applied before specialization); inputs not
 *                       named here use axis 0
 * @param force          {@code --force}: replace whatever is at the output path, not only a previous bundle
 */
public record CompileOptions(String cuts, Integer stages, int microbatches, boolean emitOnnxStages, Path sourceModel,
                             Map<String, Integer> batchAxes, boolean force) {
    public CompileOptions {
        batchAxes = Collections.unmodifiableMap(new LinkedHashMap<>(batchAxes));
    }

    /** Options with every input batched along axis 0, replacing only a previous bundle at the output path. */
    public CompileOptions(String cuts, Integer stages, int microbatches, boolean emitOnnxStages, Path sourceModel) {
        this(cuts, stages, microbatches, emitOnnxStages, sourceModel, Map.of(), false);
    }

    /** Options for {@code --cuts SPEC} with one microbatch, no ONNX stages and no source file. */
    public static CompileOptions withCuts(String cuts) { return new CompileOptions(cuts, null, 1, false, null); }

    public CompileOptions microbatches(int m) { return new CompileOptions(cuts, stages, m, emitOnnxStages, sourceModel, batchAxes, force); }

    public CompileOptions emitOnnxStages(boolean emit) { return new CompileOptions(cuts, stages, microbatches, emit, sourceModel, batchAxes, force); }

    public CompileOptions sourceModel(Path p) { return new CompileOptions(cuts, stages, microbatches, emitOnnxStages, p, batchAxes, force); }

    public CompileOptions batchAxes(Map<String, Integer> axes) { return new CompileOptions(cuts, stages, microbatches, emitOnnxStages, sourceModel, axes, force); }

    public CompileOptions force(boolean f) { return new CompileOptions(cuts, stages, microbatches, emitOnnxStages, sourceModel, batchAxes, f); }
}
