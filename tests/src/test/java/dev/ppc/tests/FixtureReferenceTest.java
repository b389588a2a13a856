package dev.ppc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.Value;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every fixture against outside references: after clean-up the graph is fully static with no
 * Shape/Identity/Constant op; ppc's CPU backend matches ONNX Runtime (≤ 1e-4) and PyTorch's
 * recorded outputs (≤ 1e-4).
 */
class FixtureReferenceTest {
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "gpt2", "llama", "bert"})
    void cleanupLeavesAStaticGraphWithoutShapeIdentityOrConstant(String name) {
        Module m = Fixtures.cleaned(name);
        for (Op op : m.main().ops()) {
            assertTrue(!op.isOnnx("Shape") && !op.isOnnx("Identity") && !op.isOnnx("Constant"), name + ": " + op.describe() + " left after clean-up");
            for (Value r : op.results()) assertTrue(r.type().isStatic(), name + ": %" + r.name() + " is " + r.type());
        }
        for (Value p : m.main().params()) assertTrue(p.type().isStatic(), name + ": input " + p.name() + " is " + p.type());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "gpt2", "llama", "bert"})
    void matchesOnnxRuntimeAndPyTorch(String name) throws Exception {
        Map<String, Tensor> in = Fixtures.inputs(name);
        Map<String, Tensor> ppc = Fixtures.runOneStage(Fixtures.cleaned(name), in, 1);
        Map<String, Tensor> ort = OrtRunner.runOnce(Fixtures.model(name), in);
        Map<String, Tensor> torch = Fixtures.torchOutputs(name);
        assertEquals(torch.keySet(), ppc.keySet());
        for (String k : torch.keySet()) {
            double vsOrt = Fixtures.maxAbsDiff(ppc.get(k), ort.get(k));
            double vsTorch = Fixtures.maxAbsDiff(ppc.get(k), torch.get(k));
            System.out.printf("%s/%s: max |ppc - ORT| = %.3g, max |ppc - PyTorch| = %.3g%n", name, k, vsOrt, vsTorch);
            assertTrue(vsOrt <= 1e-4, name + "/" + k + " differs from ONNX Runtime by " + vsOrt);
            assertTrue(vsTorch <= 1e-4, name + "/" + k + " differs from PyTorch by " + vsTorch);
        }
    }
}
