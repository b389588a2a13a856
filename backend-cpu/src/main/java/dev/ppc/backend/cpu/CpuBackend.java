package dev.ppc.backend.cpu;

import dev.ppc.backend.Backend;
import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.StageOptions;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;

/**
 * The CPU backend: each op becomes a kernel from {@code dev.ppc.backend.cpu.kernels}, tensors live
 * off-heap in one planned arena per stage, GEMMs go through OpenBLAS.
 */
public final class CpuBackend implements Backend {
    @Override
    public String name() { return "cpu"; }

    @Override
    public boolean isOpSupported(Op op) { return KernelBinder.unsupportedReason(op) == null; }

    @Override
    public ExecutableStage compile(Module module, Function function, StageOptions options) {
        return new CpuExecutableStage(module, function, options);
    }
}
