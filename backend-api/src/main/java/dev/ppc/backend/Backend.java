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
     * Checks, without compiling or allocating anything, that every value of {@code function}
     * fits what this backend can hold (one tensor's bytes, for instance). The compiler asks before
     * it writes a bundle, so that a model this backend could never run is refused at compile
     * time; {@link #compile} checks the same and more. The default accepts everything.
     *
     * @throws dev.ppc.ir.IrException naming the value, its size and the limit
     */
    default void checkLimits(Module module, Function function) {}

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
