package dev.ppc.backend.cpu;

import dev.ppc.backend.Backend;
import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.StageOptions;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import java.util.SortedSet;

/**
 * The CPU backend: each op becomes a kernel from {@code dev.ppc.backend.cpu.kernels}, tensors live
 * off-heap in one planned arena per stage, GEMMs go through OpenBLAS.
 */
public final class CpuBackend implements Backend {
    @Override
    public String name() { return "cpu"; }

    @Override
    public boolean isOpSupported(Op op) { return KernelBinder.unsupportedReason(op) == null; }

    /**
     * The default-domain ONNX op names this backend has a kernel (or a view) for, sorted, so that
     * tools can decide before import whether a model can run here. Whether a particular node runs
     * also depends on its dtypes and attributes; the kernel's constructor decides that.
     */
    public static SortedSet<String> supportedOnnxOps() { return KernelBinder.knownOps(); }

    @Override
    public ExecutableStage compile(Module module, Function function, StageOptions options) {
        return new CpuExecutableStage(module, function, options);
    }
}
