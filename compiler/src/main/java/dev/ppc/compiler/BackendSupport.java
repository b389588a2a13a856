package dev.ppc.compiler;

import dev.ppc.backend.Backend;
import dev.ppc.backend.UnsupportedOp;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Names;
import java.nio.file.Path;
import java.util.List;

/**
 * Refuses, before anything is written, a model that the target backend cannot run, naming every
 * op it would refuse (types, counts, first node) in one line, or one whose microbatch holds a
 * value larger than the backend can. Without this, a bundle of such a
 * model is written and only {@code ppc run} finds out, one op at a time.
 *
 * <p>The whole cleaned function is asked about, not each stage after partitioning: every op of a
 * stage is a copy of one of its ops (plus sends, receives and constants, which every backend
 * runs), so the answer is the same, and each node is counted once however many stages copy it.
 */
final class BackendSupport {
    /** The target bundles are written for (the manifest's {@code target}); the only one this build compiles for. */
    static final String TARGET = "cpu";

    private BackendSupport() {}

    /** Throws an {@link IrException} naming every op of {@code cleaned}'s entry function that {@link #TARGET} cannot run. */
    static void requireRunnable(Module cleaned, Path source) {
        String unsupported = unsupportedOps(cleaned);
        if (unsupported == null) return;
        String model = source != null ? source.toString() : "model @" + cleaned.name();
        throw new IrException(model + ": " + unsupported + "; no bundle was written");
    }

    /**
     * Throws an {@link IrException} naming the first value of one microbatch that {@link #TARGET}
     * cannot hold (a tensor over its size limit), before anything is written. Every stage's values
     * are the microbatch model's values, so checking the whole function covers every stage.
     */
    static void requireWithinLimits(Module microbatch) {
        Backend.find(TARGET).checkLimits(microbatch, microbatch.main());
    }

    /**
     * {@code 2 op types are not supported by the cpu backend: Sin (2 nodes, first '/a/Sin'), ...}
     * for the ops of {@code m}'s entry function that {@link #TARGET} cannot run, or null when it
     * runs them all.
     */
    static String unsupportedOps(Module m) {
        List<UnsupportedOp> refused = Backend.find(TARGET).unsupportedOps(m, m.main());
        if (refused.isEmpty()) return null;
        UnsupportedOps tally = new UnsupportedOps();
        for (UnsupportedOp u : refused) {
            String where = u.op().location() != null ? Names.printable(u.op().location()) : u.op().describe();
            tally.add(u.op().qualifiedName(), where, u.reason());
        }
        return tally.describe("not supported by the " + TARGET + " backend");
    }
}
