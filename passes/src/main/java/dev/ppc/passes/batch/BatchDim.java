package dev.ppc.passes.batch;

/**
 * Where a value carries the batch: along dim {@code axis}, whose size is
 * {@code outer * batch * inner}, index {@code i} belongs to sample {@code (i / inner) % batch}.
 *
 * <p>A model input carries it plainly ({@code outer = inner = 1}). Reshapes can merge the batch
 * with neighbouring dims without mixing samples: PyTorch's sequence-first attention turns
 * {@code [seq, batch, d]} into {@code [seq, batch * heads, d / heads]} (the batch merged with the
 * heads that follow it: {@code inner = heads}) and {@code [seq * batch, d]} for its output
 * projection (merged with the sequence before it: {@code outer = seq}). Such a value still keeps
 * each sample's elements apart; only ops that act along the merged dim would mix them, and the
 * analysis refuses those like any op that acts along the batch axis.
 *
 * @param axis  the dim that holds the batch
 * @param outer how many times the batch repeats along the dim, as its slowest-varying part
 * @param inner how many consecutive indices of the dim belong to one sample
 */
public record BatchDim(int axis, long outer, long inner) {
    public BatchDim {
        if (axis < 0 || outer < 1 || inner < 1) throw new IllegalArgumentException("bad batch dim: axis " + axis + ", outer " + outer + ", inner " + inner);
    }

    /** The batch as a whole dim of its own: how a model input carries it. */
    public static BatchDim plain(int axis) { return new BatchDim(axis, 1, 1); }

    /** The same batch digit at another axis (a transpose, an inserted or removed dim before it). */
    public BatchDim at(int newAxis) { return new BatchDim(newAxis, outer, inner); }

    /** The size of the dim for a batch of {@code batch} samples. */
    public long size(long batch) { return outer * batch * inner; }

    /** Whether the dim holds the batch and nothing else merged into it. */
    public boolean isPlain() { return outer == 1 && inner == 1; }

    /** {@code axis 1}, or {@code axis 0 (outer 6, inner 2)} for a merged dim. */
    @Override
    public String toString() { return "axis " + axis + (isPlain() ? "" : " (outer " + outer + ", inner " + inner + ")"); }
}
