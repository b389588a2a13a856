package dev.ppc.passes;

import dev.ppc.ir.Module;

/**
 * One IR-to-IR transformation. A pass has a stable {@link #name()} (used in pipeline strings,
 * {@code --print-ir-after} and dump file names) and a one-line {@link #summary()}, and reports
 * from {@link #run} whether it changed the module, as XLA's {@code HloPassInterface::Run} does:
 * a pass that returns {@code false} must have left the module exactly as it found it.
 *
 * <p>Passes throw {@link dev.ppc.ir.IrException} for problems in the user's model (a bad input
 * shape, a contradiction found by type inference); the message names the offending node.
 * Options are given to a pass's constructor, so an instance is immutable configuration plus
 * {@link #run}.
 */
public interface Pass {
    /** The stable, lower-case, dash-separated name, e.g. {@code fold-constants}. */
    String name();

    /** One sentence saying what the pass does, for {@code --help} and diagnostics. */
    String summary();

    /**
     * Transforms {@code module} in place.
     *
     * @return whether anything changed (an op, a type, a constant, an output)
     */
    boolean run(Module module);
}
