package dev.ppc.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.StageOptions;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.kernels.Fused;
import dev.ppc.backend.cpu.kernels.Kernel;
import dev.ppc.ir.Attribute;
import dev.ppc.ir.DType;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Chains of 10,000 and 100,000 element-wise ops, built in code: with fusion on they compile into
 * fused ops of at most {@link Fused#MAX_STEPS} steps each (before the cap, one generated method
 * per chain: too large for the JVM at 10,000 ops, minutes of quadratic grouping at 100,000), and
 * give the same bits as the unfused ops.
 */
class LongChainFusionTest {
    private static final long[] SHAPE = {2, 550};

    @Test
    void tenThousandOpsRunAsCappedFusedOpsWithTheUnfusedBits() {
        check(10_000);
    }

    @Test
    void hundredThousandOpsRunAsCappedFusedOpsWithTheUnfusedBits() {
        check(100_000);
    }

    private static void check(int length) {
        Module m = chain(length);
        Tensor x = Tensor.allocate(DType.F32, SHAPE);
        Random r = new Random(length);
        for (int i = 0; i < x.numel(); i++) x.setFloat(i, (float) r.nextGaussian());
        Tensor unfused = run(m, x, false);
        try (CpuExecutableStage stage = (CpuExecutableStage) CpuBackend.compile(m, m.main(), StageOptions.defaults(), true)) {
            List<Kernel> kernels = stage.kernels();
            // Groups of MAX_STEPS ops from the end; the chains' lengths leave a remainder of more than one op.
            assertTrue(length % Fused.MAX_STEPS > 1);
            assertEquals((length + Fused.MAX_STEPS - 1) / Fused.MAX_STEPS, kernels.size());
            int maxSteps = 0;
            for (Kernel k : kernels) {
                assertTrue(k instanceof Fused, k + " is not a fused kernel");
                maxSteps = Math.max(maxSteps, ((Fused) k).program().steps().size());
            }
            assertEquals(Fused.MAX_STEPS, maxSteps);
            Tensor fused = Tensor.allocate(DType.F32, SHAPE);
            stage.run(new Tensor[] {x}, new Tensor[] {fused});
            assertTrue(Tensor.bitwiseEqual(unfused, fused), "fused and unfused chains of " + length + " ops differ");
        }
    }

    private static Tensor run(Module m, Tensor x, boolean fuse) {
        try (ExecutableStage stage = CpuBackend.compile(m, m.main(), StageOptions.defaults(), fuse)) {
            return stage.run(Map.of("x", x)).get("y");
        }
    }

    /**
     * {@code y = ...Sub(Tanh(Add(Mul(y, 0.5), x)), 0.25)...}, {@code length} ops: the input is read
     * by every fourth op, so every fused op takes it as an operand, and the result depends on it.
     */
    private static Module chain(int length) {
        Module m = new Module("chain");
        m.setOpset("", 17);
        m.putConstant(new Module.Constant("half", TensorData.ofFloats(new long[0], 0.5f), false));
        m.putConstant(new Module.Constant("quarter", TensorData.ofFloats(new long[0], 0.25f), false));
        Function f = new Function("main");
        m.addFunction(f);
        TensorType type = TensorType.of(DType.F32, SHAPE);
        Value x = f.addParam("x", type);
        Value half = constant(f, "half");
        Value quarter = constant(f, "quarter");
        Value v = x;
        for (int i = 0; i < length; i++) {
            String op = switch (i % 4) {
                case 0 -> "Mul";
                case 1 -> "Add";
                case 2 -> "Tanh";
                default -> "Sub";
            };
            List<Value> operands = switch (i % 4) {
                case 0 -> List.of(v, half);
                case 1 -> List.of(v, x);
                case 2 -> List.of(v);
                default -> List.of(v, quarter);
            };
            v = f.append("", op, operands, List.of(type), List.of("v" + i), Map.of(), "/chain/" + op + "_" + i).result();
        }
        f.addOutput("y", v);
        return m;
    }

    private static Value constant(Function f, String name) {
        return f.append("ppc", "constant", List.of(), List.of(TensorType.of(DType.F32)), List.of(name),
                Map.of("name", new Attribute.StringAttr(name)), name).result();
    }
}
