package dev.ppc.compiler;

import dev.ppc.bundle.BundleManifest;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Value;
import dev.ppc.passes.batch.BatchAxisAnalysis;
import dev.ppc.passes.batch.BatchAxisChoice;
import dev.ppc.passes.batch.BatchAxisException;
import dev.ppc.passes.batch.Rebatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The compile driver's microbatching step, between clean-up and partitioning: checks that every
 * input's batch axis divides into the microbatch count, proves with {@link BatchAxisAnalysis} that
 * no op mixes samples along those axes, and turns the full-batch module into the module of one
 * microbatch with {@link Rebatch}. With one microbatch nothing is split at compile time, so a
 * failed proof is no error: the bundle records that its axes are unproven, and the runtime then
 * refuses to split it.
 */
final class Microbatching {
    private Microbatching() {}

    /**
     * Rewrites {@code module}, cleaned at the full batch, for one of {@code m} microbatches and
     * returns the batch axes the bundle records.
     *
     * @param given the batch axis of inputs by name; inputs not named use axis 0
     * @throws BatchAxisException if {@code m > 1} and the model mixes samples along those axes (the
     *                            message suggests another axis when one works)
     * @throws IrException        for a scalar input, an axis outside an input's rank, or a batch
     *                            that does not divide into {@code m}
     */
    static BundleManifest.Batch apply(Module module, Map<String, Integer> given, int m) {
        Function main = module.main();
        // Validates the names and axes; on a cleaned (static) module the default rule gives axis 0.
        Map<String, Integer> axes = BatchAxisChoice.choose(main, given);
        boolean allStatic = true;
        for (Value p : main.params()) {
            int axis = axes.get(p.name());
            if (!p.type().isStatic()) {
                allStatic = false;
                continue;
            }
            long[] shape = p.type().shape();
            if (shape.length == 0) throw new IrException("input '" + p.name() + "' is a scalar; it cannot be split into microbatches");
            if (shape[axis] % m != 0 || shape[axis] < m) {
                List<String> work = new ArrayList<>();
                for (long d = 1; d <= shape[axis]; d++) if (shape[axis] % d == 0) work.add(Long.toString(d));
                throw new IrException("--microbatches " + m + ": the batch of input '" + p.name() + "' (axis " + axis + ") is " + shape[axis]
                        + ", which does not divide into " + m + " microbatches; use one of " + String.join(", ", work));
            }
        }
        if (m == 1) {
            // Nothing is split now; a proof lets the runtime split the batch later.
            if (!allStatic || main.params().isEmpty() || batchOf(main, axes) < 2) return unproven(axes);
            try {
                return proven(BatchAxisAnalysis.analyze(module, axes));
            } catch (BatchAxisException e) {
                return unproven(axes);
            }
        }
        if (main.params().isEmpty()) throw new IrException("--microbatches " + m + ": the model has no inputs to split into microbatches; use --microbatches 1");
        if (!allStatic) throw new IrException("--microbatches " + m + ": every input needs a static shape to be split; give it with --input NAME=SHAPE");
        BatchAxisAnalysis.Result proof;
        try {
            proof = BatchAxisAnalysis.analyze(module, axes);
        } catch (BatchAxisException e) {
            throw withAdvice(module, axes, m, e);
        }
        Rebatch.apply(module, proof, m);
        return proven(proof);
    }

    private static long batchOf(Function main, Map<String, Integer> axes) {
        Value first = main.params().get(0);
        return first.type().shape()[axes.get(first.name())];
    }

    private static BundleManifest.Batch proven(BatchAxisAnalysis.Result proof) {
        return new BundleManifest.Batch(true, proof.inputAxes(), proof.outputAxes());
    }

    private static BundleManifest.Batch unproven(Map<String, Integer> axes) {
        return new BundleManifest.Batch(false, axes, Map.of());
    }

    /** The refusal, with the axis that works instead when the model has one input and another of its axes proves. */
    private static BatchAxisException withAdvice(Module module, Map<String, Integer> axes, int m, BatchAxisException e) {
        List<Value> params = module.main().params();
        if (params.size() != 1) {
            return new BatchAxisException(e.getMessage() + "; choose the batch axes with --batch-axis NAME=AXIS, or compile with --microbatches 1");
        }
        Value input = params.get(0);
        long[] shape = input.type().shape();
        for (int axis = 0; axis < shape.length; axis++) {
            if (axis == axes.get(input.name()) || shape[axis] < m || shape[axis] % m != 0) continue;
            try {
                BatchAxisAnalysis.analyze(module, Map.of(input.name(), axis));
                return new BatchAxisException(e.getMessage() + "; choose the batch axis with --batch-axis " + input.name() + "=" + axis);
            } catch (BatchAxisException other) {
                // That axis mixes samples too; try the next.
            }
        }
        return new BatchAxisException(e.getMessage() + "; no other axis of input '" + input.name() + "' keeps samples apart either, so compile "
                + "with --microbatches 1");
    }
}
