package dev.ppc.passes.batch;

import dev.ppc.ir.Attribute;
import dev.ppc.ir.Dim;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.schema.OpSchemas;
import dev.ppc.passes.PassManager;
import dev.ppc.passes.batch.BatchAxisAnalysis.Rewrite;
import dev.ppc.passes.batch.BatchAxisAnalysis.ShapeEntry;
import dev.ppc.passes.batch.BatchAxisAnalysis.UniformConstant;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a module proven by {@link BatchAxisAnalysis} for a batch of B samples into the same
 * module for a microbatch of B/m samples, in place.
 *
 * <p>Specializing a model at B folds its shape arithmetic into constants that hold B: the
 * {@code [2, 8, 4, 16]} shape of GPT-2's head split, or the fixed shapes of a model exported
 * without dynamic axes. The analysis knows which entry of which constant is the batch dim
 * ({@link ShapeEntry}) and which constants span the batch with the same values for every sample
 * ({@link UniformConstant}); this class gives each such operand a new constant for the
 * microbatch (a shared constant is rewritten once per distinct result), sets every batched
 * value's type to its microbatch size, and re-runs the clean-up passes, whose type inference
 * checks every op against the new shapes and whose dead-code elimination drops the old constants.
 */
public final class Rebatch {
    private Rebatch() {}

    /**
     * Rewrites {@code module} (whose entry function {@code proof} was computed on) for one of
     * {@code microbatches} microbatches.
     *
     * @throws IllegalArgumentException if the batch does not divide into {@code microbatches}
     */
    public static void apply(Module module, BatchAxisAnalysis.Result proof, int microbatches) {
        if (microbatches < 1 || proof.batch() % microbatches != 0)
            throw new IllegalArgumentException("a batch of " + proof.batch() + " does not split into " + microbatches + " microbatches");
        long b = proof.batch() / microbatches;
        Function f = module.main();
        Map<Value, List<Value>> replacements = new IdentityHashMap<>();
        for (Rewrite w : proof.rewrites()) {
            Value old = w.op().operand(w.operand());
            TensorData data = OpSchemas.constantValue(old, module);
            TensorData rewritten = w instanceof ShapeEntry s ? withEntry(data, s.entry(), s.dim().size(b))
                    : firstSamples(data, ((UniformConstant) w).dim(), proof.batch(), b);
            w.op().setOperand(w.operand(), constant(module, f, w.op(), old, rewritten, replacements.computeIfAbsent(old, k -> new ArrayList<>())));
        }
        for (Value p : f.params()) p.setType(resized(p.type(), proof.dims().get(p), b));
        for (Op op : f.ops()) {
            for (Value r : op.results()) {
                BatchDim d = proof.dims().get(r);
                if (d != null) r.setType(resized(r.type(), d, b));
            }
        }
        try {
            PassManager.cleanup(Map.of()).verify(true).run(module);
        } catch (IrException e) {
            // The proof accepted the model, so this is a case it does not foresee: say so, not just which type disagrees.
            throw new BatchAxisException("cannot rewrite the model for " + microbatches + " microbatches of " + b + " sample(s): "
                    + e.getMessage() + "; try another microbatch count or --batch-axis");
        }
    }

    private static TensorType resized(TensorType t, BatchDim d, long b) {
        List<Dim> dims = new ArrayList<>(t.dims());
        dims.set(d.axis(), Dim.of(d.size(b)));
        return TensorType.of(t.dtype(), dims);
    }

    /** A ppc.constant holding {@code data} before {@code user}, reusing one made earlier for the same old value and contents. */
    private static Value constant(Module module, Function f, Op user, Value old, TensorData data, List<Value> made) {
        for (Value v : made) if (OpSchemas.constantValue(v, module).sameContents(data)) return v;
        Op def = old.definingOp();
        String name = module.uniqueConstantName(def.stringAttr("name", old.name()));
        module.putConstant(new Module.Constant(name, data, false));
        Op c = f.insertBefore(user, "ppc", "constant", List.of(), List.of(data.type()), List.of(old.name()),
                Map.of("name", new Attribute.StringAttr(name)), def.location());
        made.add(c.result());
        return c.result();
    }

    private static TensorData withEntry(TensorData shape, int entry, long value) {
        long[] v = shape.toLongs();
        v[entry] = value;
        return TensorData.ofIntegers(shape.dtype(), shape.shape(), v);
    }

    /** The share of the first {@code b} samples of a constant that is the same for all {@code batch}. */
    private static TensorData firstSamples(TensorData c, BatchDim d, long batch, long b) {
        long[] s = c.shape();
        long prefix = d.outer();
        for (int k = 0; k < d.axis(); k++) prefix *= s[k];
        long block = d.inner() * c.dtype().byteSize();
        for (int k = d.axis() + 1; k < s.length; k++) block *= s[k];
        ByteBuffer from = c.bytes();
        ByteBuffer to = ByteBuffer.allocate(Math.toIntExact(prefix * b * block)).order(ByteOrder.LITTLE_ENDIAN);
        for (long p = 0; p < prefix; p++) to.put(from.slice(Math.toIntExact(p * batch * block), Math.toIntExact(b * block)));
        long[] shape = s.clone();
        shape[d.axis()] = d.size(b);
        return TensorData.ofBytes(TensorType.of(c.dtype(), shape), to.flip());
    }
}
