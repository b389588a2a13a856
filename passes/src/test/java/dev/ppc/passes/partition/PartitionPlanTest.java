package dev.ppc.passes.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ppc.ir.DType;
import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.text.IrParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan's validator catches each broken invariant, with the numbers in its message. */
class PartitionPlanTest {
    private static final String CHAIN = """
            module @m opsets {"" = 17} {
              constant @w : f32[8,8] param = external
              func @main(%x: f32[4,8]) {
                %w = ppc.constant() {name = "w"} : f32[8,8]
                %h0 = MatMul(%x, %w) : f32[4,8] loc("/l.0/MatMul")
                %h1 = MatMul(%h0, %w) : f32[4,8] loc("/l.1/MatMul")
                return y = %h1
              }
            }
            """;

    private static PartitionPass.Result partitioned() {
        return PartitionPass.run(IrParser.parse(CHAIN), CutSpec.parse("1"));
    }

    private static String invalid(PartitionPlan plan, Module m) {
        return assertThrows(IllegalStateException.class, () -> plan.validate(m)).getMessage();
    }

    @Test
    void theRealPlanIsValidAndTiesTheSharedWeight() {
        PartitionPass.Result r = partitioned();
        r.plan().validate(r.module());
        assertEquals(1, r.plan().channels().size());
        assertEquals(List.of(new PartitionPlan.TiedMember(0, "w", PartitionPlan.TieKind.SAME),
                new PartitionPlan.TiedMember(1, "w", PartitionPlan.TieKind.SAME)), r.plan().tiedGroups().get(0).members());
    }

    @Test
    void aMissingSendIsCaught() {
        PartitionPass.Result r = partitioned();
        Function s0 = r.module().function("stage0");
        Op send = s0.ops().stream().filter(op -> op.is("ppc", "send")).findFirst().orElseThrow();
        s0.erase(send);
        assertEquals("invalid partition plan: channel 0 (%h0, stage 0 -> 1) has 0 ppc.send ops; it needs exactly 1", invalid(r.plan(), r.module()));
    }

    @Test
    void aReceiveOfTheWrongTypeIsCaught() {
        PartitionPass.Result r = partitioned();
        Op recv = r.module().function("stage1").ops().get(0);
        recv.result().setType(TensorType.of(DType.F32, 4, 9));
        assertEquals("invalid partition plan: channel 0 receives f32[4,9], but the plan says f32[4,8]", invalid(r.plan(), r.module()));
    }

    @Test
    void aBackwardChannelIsCaught() {
        PartitionPass.Result r = partitioned();
        PartitionPlan p = r.plan();
        PartitionPlan.Channel c = p.channels().get(0);
        PartitionPlan bad = new PartitionPlan(p.model(), p.stages(), List.of(new PartitionPlan.Channel(0, 1, 0, c.value(), c.type())), p.tiedGroups());
        assertEquals("invalid partition plan: channel 0 runs from stage 1 to stage 0; channels must run from earlier to later stages,"
                + " or the stages do not form a forward DAG", invalid(bad, r.module()));
    }

    @Test
    void anEmptyStageIsCaught() {
        PartitionPass.Result r = partitioned();
        PartitionPlan p = r.plan();
        PartitionPlan.Stage s1 = p.stages().get(1);
        List<PartitionPlan.Stage> stages = List.of(p.stages().get(0),
                new PartitionPlan.Stage(1, s1.function(), List.of(), s1.inputs(), s1.outputs(), s1.constants()));
        assertEquals("invalid partition plan: stage 1 has no ops", invalid(new PartitionPlan(p.model(), stages, p.channels(), p.tiedGroups()), r.module()));
    }

    @Test
    void anOpInTwoStagesIsCaught() {
        PartitionPass.Result r = partitioned();
        PartitionPlan p = r.plan();
        PartitionPlan.Stage s1 = p.stages().get(1);
        List<PartitionPlan.OpRef> ops = new ArrayList<>(s1.ops());
        ops.add(p.stages().get(0).ops().get(0));
        List<PartitionPlan.Stage> stages = List.of(p.stages().get(0), new PartitionPlan.Stage(1, s1.function(), ops, s1.inputs(), s1.outputs(), s1.constants()));
        assertEquals("invalid partition plan: op #1 MatMul '/l.0/MatMul' is assigned to stage 0 and stage 1",
                invalid(new PartitionPlan(p.model(), stages, p.channels(), p.tiedGroups()), r.module()));
    }

    @Test
    void aTiedGroupWithinOneStageIsCaught() {
        PartitionPass.Result r = partitioned();
        PartitionPlan p = r.plan();
        PartitionPlan.TiedGroup g = new PartitionPlan.TiedGroup(0, List.of(new PartitionPlan.TiedMember(0, "w", PartitionPlan.TieKind.SAME)));
        assertEquals("invalid partition plan: tied group 0 spans 1 stage; a tied group spans at least 2",
                invalid(new PartitionPlan(p.model(), p.stages(), p.channels(), List.of(g)), r.module()));
    }

    @Test
    void partitioningTwiceIsRefused() {
        PartitionPass.Result r = partitioned();
        Exception e = assertThrows(RuntimeException.class, () -> PartitionPass.run(r.module(), CutSpec.parse("1")));
        assertEquals("module @m is already partitioned: @stage0 has ppc.send ops", e.getMessage());
    }

    @Test
    void blocksAreListedInOrderWithTheirSource() {
        BlockStructure b = BlockStructure.of(IrParser.parse(CHAIN).main());
        assertEquals(BlockStructure.Source.SCOPES, b.source());
        assertEquals(List.of(new BlockStructure.Block(0, "l.0"), new BlockStructure.Block(1, "l.1")), b.blocks());
        assertEquals("2 blocks (l.0 .. l.1)", b.describe());
        assertEquals(false, b.hasOpsAfterLastBlock());
    }

    @Test
    void cutSpecItemsParseByKind() {
        CutSpec spec = CutSpec.parse(" 2, layers.5 ,@/h.0/Add_output_0,/layers.7 ");
        assertEquals(5, spec.stageCount());
        assertEquals(new CutSpec.AfterBlock(2, "2"), spec.cuts().get(0));
        assertEquals(new CutSpec.AfterScope("layers.5", "layers.5"), spec.cuts().get(1));
        assertEquals(new CutSpec.AtValue("/h.0/Add_output_0", "@/h.0/Add_output_0"), spec.cuts().get(2));
        assertEquals(new CutSpec.AfterScope("layers.7", "/layers.7"), spec.cuts().get(3));
        assertInstanceOf(dev.ppc.ir.IrException.class, assertThrows(CutSpecException.class, () -> CutSpec.automatic(4)));
    }
}
