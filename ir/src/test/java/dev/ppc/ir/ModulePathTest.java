package dev.ppc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The forms of node-name scopes and of {@code --cuts} names that mean the same PyTorch module. */
class ModulePathTest {
    @Test
    void nodeNamesOfEveryExportStyleGiveTheQualifiedModuleName() {
        // ModuleList item inside a called module (torch.onnx 1.13).
        assertEquals(List.of("encoder", "layers", "0", "self_attn"), ModulePath.ofLocation("/encoder/layers.0/self_attn/MatMul"));
        // The list index as a segment of its own.
        assertEquals(List.of("model", "layers", "1", "mlp"), ModulePath.ofLocation("/model/layers/1/mlp/Gemm"));
        // A called nn.Sequential repeats its name in its items' segments, at any nesting.
        assertEquals(List.of("layer1", "0", "conv1"), ModulePath.ofLocation("/layer1/layer1.0/conv1/Conv"));
        assertEquals(List.of("blocks", "0", "1"), ModulePath.ofLocation("/blocks/blocks.0/blocks.0.1/Relu"));
        // A module whose name merely equals its parent's adds its own atom.
        assertEquals(List.of("attn", "attn"), ModulePath.ofLocation("/attn/attn/MatMul"));
        // Names without scopes have no module path.
        assertEquals(List.of(), ModulePath.ofLocation("/MatMul"));
        assertEquals(List.of(), ModulePath.ofLocation("fc1"));
        assertEquals(List.of(), ModulePath.ofLocation("//x/MatMul"));
    }

    @Test
    void userNamesAreReadAsDottedPathsOrAsSegments() {
        assertEquals("encoder.layers.3", ModulePath.ofUserText("encoder.layers.3"));
        assertEquals("encoder.layers.3", ModulePath.ofUserText("encoder/layers.3"));
        assertEquals("encoder.layers.3", ModulePath.ofUserText("/encoder/layers/3"));
        assertEquals("layer1.0", ModulePath.ofUserText("layer1/layer1.0"));
        assertEquals("layers.2.attn", ModulePath.ofUserText("layers.2/attn"));
        assertEquals("h.0", ModulePath.ofUserText("/h.0"));
    }
}
