package dev.ppc.runtime;

import dev.ppc.backend.Backend;
import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.StageOptions;
import dev.ppc.bundle.Bundle;
import dev.ppc.bundle.BundleException;
import dev.ppc.bundle.BundleManifest;
import dev.ppc.bundle.BundleReader;
import dev.ppc.ir.Dim;
import dev.ppc.ir.Module;
import dev.ppc.ir.TensorType;
import dev.ppc.schedule.Schedule;
import dev.ppc.schedule.ScheduleKind;
import dev.ppc.schedule.Schedules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a verified bundle into a {@link PipelineSpec}: each stage program is compiled by the
 * bundle's target backend, the manifest's channels and model signature become the spec's, and
 * the schedule comes from {@code schedule.json} (or is regenerated for another microbatch count).
 */
final class BundleLoader {
    private BundleLoader() {}

    static PipelineSpec load(Path dir, LoadOptions options) {
        Bundle bundle = BundleReader.read(dir);
        BundleManifest manifest = bundle.manifest();
        int m = options.microbatches() == null ? manifest.microbatches() : options.microbatches();
        BundleManifest.Batch batch = manifest.batch();
        if (!batch.proven() && m != 1) {
            throw new InputMismatchException("--microbatches " + m + ": bundle " + dir + " was compiled for 1 microbatch without a proof that "
                    + "its batch axes keep samples apart, so it runs as 1 microbatch; compile it with --microbatches " + m + " to split batches");
        }
        int stages = manifest.stages().size();
        int cores = options.cores() == null ? stages : options.cores();
        if (cores > stages || stages % cores != 0) {
            throw new InputMismatchException("--cores " + cores + ": the bundle has " + stages + " stages, which run on a number of cores that divides "
                    + stages + "; use one of " + divisors(stages));
        }
        Schedule schedule = m == manifest.microbatches() && cores == stages ? bundle.schedule()
                // Schedules are data derived from (kind, cores, microbatches, stages per core); other
                // counts regenerate it: stage s then runs on core s mod cores.
                : Schedules.generate(ScheduleKind.FORWARD, cores, m, stages / cores);
        Backend backend;
        try {
            backend = Backend.find(manifest.target());
        } catch (IllegalArgumentException e) {
            throw new BundleException("bundle " + dir + ": manifest.json: target is '" + manifest.target()
                    + "', and this ppc has no backend of that name; recompile the model for cpu");
        }
        PipelineSpec.Builder b = PipelineSpec.builder(schedule);
        for (BundleManifest.TensorSpec in : manifest.microbatchInputs()) {
            int axis = batch.axisOf(in.name());
            b.input(in.name(), fullBatch(in.type(), m, axis, dir), axis);
        }
        for (BundleManifest.Stage s : manifest.stages()) {
            for (BundleManifest.Port p : s.outputs()) {
                if (!"model".equals(p.kind())) continue;
                int axis = batch.axisOf(p.name());
                b.output(p.name(), fullBatch(new BundleManifest.TensorSpec(p.name(), p.dtype(), p.shape()).type(), m, axis, dir), axis);
            }
        }
        for (BundleManifest.Channel c : manifest.channels()) {
            b.channel(c.id(), c.src(), c.dst(), new BundleManifest.TensorSpec(c.value(), c.dtype(), c.shape()).type());
        }
        List<ExecutableStage> compiled = new ArrayList<>();
        try {
            for (int k = 0; k < bundle.stages().size(); k++) {
                Module program = bundle.stages().get(k);
                ExecutableStage exe = backend.compile(program, program.main(), new StageOptions(options.threadsPerCore(), false));
                compiled.add(exe);
                b.stage(StageSpec.fromPorts(k, schedule.stageToCore(k), exe));
            }
            return build(b, dir);
        } catch (RuntimeException e) {
            compiled.forEach(ExecutableStage::close);
            throw e;
        }
    }

    /**
     * The validated spec. The reader has checked the bundle against everything the spec checks, so
     * a refusal here still comes from the bundle's contents, and is reported as the bundle's.
     */
    private static PipelineSpec build(PipelineSpec.Builder b, Path dir) {
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new BundleException("bundle " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String divisors(int n) {
        StringBuilder sb = new StringBuilder();
        for (int d = 1; d <= n; d++) if (n % d == 0) sb.append(sb.length() == 0 ? "" : ", ").append(d);
        return sb.toString();
    }

    /** The full-batch type of a microbatch type: the batch axis times m. */
    static TensorType fullBatch(TensorType microbatch, int m, int axis, Path dir) {
        if (microbatch.rank() == 0) throw new BundleException("bundle " + dir + ": a scalar model input or output cannot be split into microbatches");
        if (axis < 0 || axis >= microbatch.rank())
            throw new BundleException("bundle " + dir + ": manifest.json gives a model value of type " + microbatch + " the batch axis " + axis);
        List<Dim> dims = new ArrayList<>(microbatch.dims());
        dims.set(axis, Dim.of(microbatch.dim(axis).size() * m));
        return TensorType.of(microbatch.dtype(), dims);
    }
}
