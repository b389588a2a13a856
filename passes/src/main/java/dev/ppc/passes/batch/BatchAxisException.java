package dev.ppc.passes.batch;

import dev.ppc.ir.IrException;

/**
 * The model cannot be split into microbatches along the chosen batch axes: an op mixes samples
 * (it contracts, reduces, normalizes, gathers or slices along the batch axis, or pairs samples
 * as attention over that axis does), a constant differs from sample to sample, an output does not
 * carry the batch, or a constant holds the batch size where the analysis cannot tell which entry.
 * The message is one line that names the input axes, the op and its location, and why; the CLI
 * prints it and exits with status 2.
 */
public final class BatchAxisException extends IrException {
    public BatchAxisException(String message) { super(message); }
}
