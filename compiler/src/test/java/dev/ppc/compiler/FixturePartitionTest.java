package dev.ppc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.passes.partition.CutSpec;
import dev.ppc.passes.partition.CutSpecException;
import dev.ppc.passes.partition.PartitionPass;
import dev.ppc.passes.partition.PartitionPlan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The partitioner on the imported (unfolded) fixtures: blocks from scopes, ties, masks, errors naming the model's scopes. */
class FixturePartitionTest {
    private static PartitionPlan plan(String fixture, String cuts) {
        return PartitionPass.run(Fixtures.importModel(fixture), CutSpec.parse(cuts)).plan();
    }

    private static List<String> channelValues(PartitionPlan p) {
        List<String> out = new ArrayList<>();
        for (PartitionPlan.Channel c : p.channels()) out.add(c.src() + "->" + c.dst() + " " + c.value());
        return out;
    }

    @Test
    void gpt2ByNameAndByNumberAgreeAndSendOnlyTheResidualStream() {
        PartitionPlan byName = plan("gpt2", "h.0,h.1");
        PartitionPlan byNumber = plan("gpt2", "1,2");
        assertEquals(byName.stages(), byNumber.stages());
        assertEquals(List.of("0->1 /h.0/Add_1_output_0", "1->2 /h.1/Add_1_output_0"), channelValues(byName));
        for (PartitionPlan.OpRef op : byName.stages().get(1).ops()) assertTrue(op.location().startsWith("/h.1/"), op.toString());
        List<String> last = byName.stages().get(2).ops().stream().map(PartitionPlan.OpRef::location).toList();
        assertTrue(last.contains("/ln_f/LayerNormalization") && last.contains("/lm_head/MatMul"), last.toString());
    }

    @Test
    void gpt2TiedEmbeddingIsFoundThroughTheTransposedCopy() {
        PartitionPlan p = plan("gpt2", "1,2");
        PartitionPlan.TiedGroup wte = p.tiedGroups().stream().filter(g -> g.members().get(0).constant().equals("wte.weight")).findFirst().orElseThrow();
        assertEquals(List.of(new PartitionPlan.TiedMember(0, "wte.weight", PartitionPlan.TieKind.SAME),
                new PartitionPlan.TiedMember(2, "onnx::MatMul_437", PartitionPlan.TieKind.TRANSPOSED_COPY)), wte.members());
        // The other transposed weights (onnx::MatMul_404 = h.0.attn.c_attn.weight.T, ...) are used by one stage each: not ties.
        for (PartitionPlan.TiedGroup g : p.tiedGroups()) {
            for (PartitionPlan.TiedMember m : g.members()) {
                assertTrue(!m.constant().startsWith("onnx::MatMul") || m.constant().equals("onnx::MatMul_437"), m.toString());
            }
        }
    }

    @Test
    void aCutAfterTheLastBlockGivesTheHeadItsOwnStage() {
        PartitionPlan p = plan("gpt2", "3");
        List<String> head = p.stages().get(1).ops().stream().map(PartitionPlan.OpRef::location).toList();
        assertEquals(List.of("/ln_f/LayerNormalization", "/lm_head/MatMul"), head);
    }

    @Test
    void bertSendsTheAttentionMaskWithTheHiddenState() {
        PartitionPlan p = plan("bert", "layer.0");
        assertEquals(List.of("0->1 /Mul_output_0", "0->1 /layer.0/output_ln/Add_1_output_0"), channelValues(p));
        assertEquals(List.of("input_ids", "attention_mask"), p.stages().get(0).inputs());
        assertEquals(List.of("last_hidden_state", "pooler_output"), p.stages().get(1).outputs());
    }

    @Test
    void llamaCutsAtAValueInsideALayer() {
        PartitionPlan p = plan("llama", "@/layers.1/Add_output_0");
        // Inside layer 1, after attention: the residual stream is what crosses.
        assertEquals(List.of("0->1 /layers.1/Add_output_0"), channelValues(p));
    }

    @Test
    void mlpStagesHoldTheirLinears() {
        PartitionPlan p = plan("mlp", "3");
        assertEquals(List.of("/linears.0/Gemm", "/Relu", "/linears.1/Gemm", "/Relu_1", "/linears.2/Gemm"),
                p.stages().get(0).ops().stream().map(PartitionPlan.OpRef::location).toList());
        assertEquals(List.of("/Relu_2", "/linears.3/Gemm", "/Relu_3", "/linears.4/Gemm"),
                p.stages().get(1).ops().stream().map(PartitionPlan.OpRef::location).toList());
    }

    @Test
    void errorsNameTheModelsOwnScopes() {
        CutSpecException e = assertThrows(CutSpecException.class, () -> plan("llama", "layers.9"));
        assertEquals("--cuts layers.9: no module scope is named 'layers.9' (nearest: layers.0, layers.1, layers.2);"
                + " the model's repeated blocks are layers.0 .. layers.2 (use --cuts 1..3 or a name)", e.getMessage());
        e = assertThrows(CutSpecException.class, () -> plan("mlp", "1,2,3,4,5,6"));
        assertEquals("--cuts 1,2,3,4,5,6: 7 stages are more than the model's 5 blocks (linears.0 .. linears.4) can fill;"
                + " cut between blocks at most 4 times, or also cut at values (@name)", e.getMessage());
        // gpt2 has a head after its 3 blocks, so 4 stages fit, 5 do not.
        assertEquals(4, plan("gpt2", "h.0,h.1,h.2").stageCount());
        e = assertThrows(CutSpecException.class, () -> plan("gpt2", "1,2,3,3"));
        assertEquals("--cuts 1,2,3,3: 5 stages are more than the model's 3 blocks (h.0 .. h.2) and the ops after the last block can fill;"
                + " cut between blocks at most 3 times, or also cut at values (@name)", e.getMessage());
    }
}
