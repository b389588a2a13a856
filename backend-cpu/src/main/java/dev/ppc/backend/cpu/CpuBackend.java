package dev.ppc.backend.cpu;

import dev.ppc.backend.Backend;
import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.StageOptions;
import dev.ppc.backend.UnsupportedOp;
import dev.ppc.backend.cpu.kernels.Fused;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import dev.ppc.passes.FuseElementwise;
import dev.ppc.passes.PassManager;
import dev.ppc.passes.partition.StageModules;

/**
 * The CPU backend: each op becomes a kernel from {@code dev.ppc.backend.cpu.kernels}, tensors live
 * off-heap in one planned arena per stage, GEMMs go through OpenBLAS.
 *
 * <p>Before binding kernels, {@link #compile} runs {@code fuse-elementwise} on its own copy of the
 * stage, so that chains of element-wise ops (GELU, the attention mask, bias and residual adds)
 * run as one generated kernel each; the caller's module is not changed, and the IR that bundles
 * store and export stays plain ONNX. Batched MatMuls also read and write through strides where
 * that saves the Split/Reshape/Transpose copies around them (see {@code MatMulViews}). Setting
 * the system property {@value #FUSE_PROPERTY} to {@code false} turns both off, so that every op
 * runs as its own kernel (to compare or to debug; the results are bitwise the same).
 */
public final class CpuBackend implements Backend {
    /** System property that turns fusion (element-wise chains, strided MatMuls) off when set to {@code false}. */
    public static final String FUSE_PROPERTY = "ppc.cpu.fuse";

    @Override
    public String name() { return "cpu"; }

    @Override
    public boolean isOpSupported(Op op) { return KernelBinder.unsupportedReason(op) == null; }

    /**
     * Binds every op of the function to its kernel as {@link #compile} would (without fusion,
     * which only regroups ops that bind on their own), collecting the ops that fail instead of
     * stopping at the first.
     */
    @Override
    public List<UnsupportedOp> unsupportedOps(Module module, Function function) {
        List<UnsupportedOp> unsupported = new ArrayList<>();
        for (Op op : function.ops()) {
            if (!isOpSupported(op)) {
                unsupported.add(new UnsupportedOp(op, null));
                continue;
            }
            String why = KernelBinder.bindingFailure(op, module);
            if (why != null) unsupported.add(new UnsupportedOp(op, why));
        }
        return unsupported;
    }

    /**
     * The default-domain ONNX op names this backend has a kernel (or a view) for, sorted, so that
     * tools can decide before import whether a model can run here. Whether a particular node runs
     * also depends on its dtypes and attributes; the kernel's constructor decides that.
     */
    public static SortedSet<String> supportedOnnxOps() { return KernelBinder.knownOps(); }

    /** Every value must fit one tensor ({@link dev.ppc.backend.Tensor#MAX_BYTES}, 2 GiB). */
    @Override
    public void checkLimits(Module module, Function function) { CpuLimits.checkValues(function); }

    @Override
    public ExecutableStage compile(Module module, Function function, StageOptions options) {
        return compile(module, function, options, !"false".equals(System.getProperty(FUSE_PROPERTY)));
    }

    /** Compiles with fusion on or off, whatever the system property says (for tests). */
    static ExecutableStage compile(Module module, Function function, StageOptions options, boolean fuse) {
        if (!fuse) return new CpuExecutableStage(module, function, options, false);
        Module copy = new Module(module.name());
        module.opsetImports().forEach(copy::setOpset);
        module.constants().values().forEach(copy::putConstant);
        Function f = StageModules.copy(function, function.name());
        copy.addFunction(f);
        // Each fused op becomes one generated method, which must stay small enough for the JIT.
        PassManager.parse(FuseElementwise.NAME + "{max-steps=" + Fused.MAX_STEPS + "}").run(copy);
        return new CpuExecutableStage(copy, f, options, true);
    }
}
