package dev.ppc.runtime;

/**
 * The tensors given to {@link Pipeline#run} do not fit the pipeline (a missing or unknown name,
 * a wrong dtype, a batch that does not split into the compiled microbatches). Nothing has run;
 * the message says what fits.
 */
public class InputMismatchException extends IllegalArgumentException {
    public InputMismatchException(String message) { super(message); }
}
