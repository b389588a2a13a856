package dev.ppc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.CpuBackend;
import dev.ppc.ir.Module;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU backend's execution modes do not change results: every fixture gives the same bits
 * with element-wise fusion on and off, and with 1, 2 and 3 threads. NaN payloads are not
 * compared (the fixtures produce no NaN, and Java leaves a computed NaN's payload unspecified).
 */
class CpuExecutionModesTest {
    static java.util.List<String> fixtures() { return Fixtures.NAMES; }

    @ParameterizedTest
    @MethodSource("fixtures")
    void fusionAndThreadCountsGiveTheSameBits(String name) {
        Map<String, Tensor> inputs = Fixtures.inputs(name);
        Module m = Fixtures.cleaned(name);
        Map<String, Tensor> reference = withFusion(false, () -> Fixtures.runOneStage(m, inputs, 1));
        for (int threads : new int[] {1, 2, 3}) {
            Map<String, Tensor> fused = withFusion(true, () -> Fixtures.runOneStage(m, inputs, threads));
            assertEquals(reference.keySet(), fused.keySet());
            for (String out : reference.keySet()) {
                assertTrue(Tensor.bitwiseEqual(reference.get(out), fused.get(out)),
                        name + " output " + out + ": fused with " + threads + " threads differs from unfused with 1 thread");
            }
        }
    }

    private static <T> T withFusion(boolean on, java.util.function.Supplier<T> body) {
        String old = System.getProperty(CpuBackend.FUSE_PROPERTY);
        System.setProperty(CpuBackend.FUSE_PROPERTY, Boolean.toString(on));
        try {
            return body.get();
        } finally {
            if (old == null) System.clearProperty(CpuBackend.FUSE_PROPERTY);
            else System.setProperty(CpuBackend.FUSE_PROPERTY, old);
        }
    }
}
