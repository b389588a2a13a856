package dev.ppc.backend;

import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A compilation target. Backends are found with {@link ServiceLoader} by {@link #name()}; they
 * answer which ops they support and turn a stage function (static shapes) into an
 * {@link ExecutableStage}.
 */
public interface Backend {
    /** The name used by {@code --target}, e.g. {@code cpu}. */
    String name();

    /** Whether this backend has a kernel for {@code op}'s type (its dtypes and attributes may still rule a node out). */
    boolean isOpSupported(Op op);

    /**
     * Every op of {@code function} (of {@code module}) that {@link #compile} would refuse, in
     * program order; empty when the whole function can run. Drivers ask before they write
     * anything, so that a model the target cannot run is refused up front with all of its
     * unsupported ops named, not at load time one op at a time. Ops whose types are not static
     * yet are judged by their type alone.
     */
    List<UnsupportedOp> unsupportedOps(Module module, Function function);

    /** Compiles {@code function} of {@code module}; every value must have a static type. */
    ExecutableStage compile(Module module, Function function, StageOptions options);

    /** Finds the backend called {@code name} on the class path. */
    static Backend find(String name) {
        for (Backend b : ServiceLoader.load(Backend.class)) {
            if (b.name().equals(name)) return b;
        }
        throw new IllegalArgumentException("no backend named '" + name + "' is on the class path");
    }
}
