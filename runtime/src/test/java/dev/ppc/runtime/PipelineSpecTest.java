package dev.ppc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Port;
import dev.ppc.ir.DType;
import dev.ppc.ir.TensorType;
import dev.ppc.schedule.Action;
import dev.ppc.schedule.Schedule;
import dev.ppc.schedule.ScheduleKind;
import dev.ppc.schedule.Schedules;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PipelineSpecTest {
    private static final TensorType MB = TensorType.of(DType.F32, 2, 3);
    private static final TensorType FULL = TensorType.of(DType.F32, 8, 3);

    private static String problem(Supplier<?> build) {
        return assertThrows(IllegalArgumentException.class, build::get).getMessage();
    }

    private static AffineStage stage(String op, List<Port> in, List<Port> out) {
        float[] w = new float[in.size()];
        Arrays.fill(w, 1f);
        return new AffineStage(op, in, out, w, 0f);
    }

    /** Two stages on two cores, 4 microbatches of 2 rows: x -> [stage 0] -channel 5-> [stage 1] -> y. */
    private static PipelineSpec.Builder twoStages() {
        return PipelineSpec.builder(TestSchedules.forward(2, 4))
                .input("x", FULL).output("y", FULL).channel(5, 0, 1, MB)
                .stage(0, stage("a", List.of(Port.parameter("x", MB)), List.of(Port.send("h", MB, 5))))
                .stage(1, stage("b", List.of(Port.receive("h", MB, 5)), List.of(Port.output("y", MB))));
    }

    @Test
    void aConsistentSpecBuildsAndBindsPortsByTheirNamesAndChannels() {
        PipelineSpec spec = twoStages().build();
        assertEquals(4, spec.microbatches());
        assertEquals(2, spec.cores());
        assertEquals(List.of(PortBinding.model("x")), spec.stage(0).inputs());
        assertEquals(List.of(PortBinding.channel(5)), spec.stage(0).outputs());
        assertEquals(1, spec.stage(1).core());
        assertEquals(MB, spec.microbatchType("y"));
    }

    @Test
    void aBatchWhoseOutputOneTensorCannotHoldIsRefusedAndItsStagesClosed() {
        // 4 microbatches of 2^27 x 3 floats: 1.5 GiB each, 6 GiB for the whole batch's output.
        TensorType mb = TensorType.of(DType.F32, 1L << 27, 3);
        TensorType full = TensorType.of(DType.F32, 1L << 29, 3);
        AffineStage only = stage("a", List.of(Port.parameter("x", mb)), List.of(Port.output("y", mb)));
        PipelineSpec spec = PipelineSpec.builder(TestSchedules.forward(1, 4)).input("x", full).output("y", full).stage(0, only).build();
        InputMismatchException e = assertThrows(InputMismatchException.class, () -> Pipeline.create(spec));
        assertEquals("a batch of 4 microbatches makes output 'y' f32[536870912,3], 6442450944 bytes, more than the 2147483520 bytes (2 GiB)"
                + " one tensor holds; run fewer microbatches per batch (--microbatches)", e.getMessage());
        assertTrue(only.closed(), "the stages of a pipeline that cannot start are closed");
    }

    @Test
    void trainingSchedulesAreRejectedNamingTheFirstTrainingAction() {
        String m = problem(() -> PipelineSpec.builder(Schedules.generate(ScheduleKind.ONE_F_ONE_B, 1, 2, 1))
                .input("x", TensorType.of(DType.F32, 4, 3)).output("y", TensorType.of(DType.F32, 4, 3))
                .stage(0, stage("a", List.of(Port.parameter("x", MB)), List.of(Port.output("y", MB)))).build());
        assertTrue(m.contains("LOSS(stage 0, mb 0) at core 0, step 1"), m);
        assertTrue(m.contains("inference only") && m.contains("training is not supported yet"), m);
    }

    @Test
    void anInvalidScheduleIsRejectedWithTheValidatorsReport() {
        // Stage 1 receives microbatch 0 twice and never microbatch 1.
        Schedule broken = new Schedule(ScheduleKind.CUSTOM, 1, 2, false, new int[] {0, 1}, List.of(
                List.of(Action.forward(0, 0), Action.sendForward(0, 0),
                        Action.forward(0, 1), Action.sendForward(0, 1)),
                List.of(Action.recvForward(1, 0), Action.forward(1, 0),
                        Action.recvForward(1, 0), Action.forward(1, 1))));
        String m = problem(() -> PipelineSpec.builder(broken).input("x", TensorType.of(DType.F32, 4, 3))
                .output("y", TensorType.of(DType.F32, 4, 3)).channel(5, 0, 1, MB)
                .stage(0, stage("a", List.of(Port.parameter("x", MB)), List.of(Port.send("h", MB, 5))))
                .stage(1, stage("b", List.of(Port.receive("h", MB, 5)), List.of(Port.output("y", MB)))).build());
        assertTrue(m.contains("invalid schedule") && m.contains("runs twice"), m);
    }

    @Test
    void stagesMustMatchTheSchedulesStagesAndPlacement() {
        PipelineSpec ok = twoStages().build();
        String m = problem(() -> new PipelineSpec(ok.schedule(), List.of(ok.stage(0)), ok.channels(), ok.inputs(), ok.outputs()));
        assertTrue(m.contains("stage 1 of the schedule has no StageSpec"), m);
        StageSpec misplaced = new StageSpec(1, 0, ok.stage(1).executable(), ok.stage(1).inputs(), ok.stage(1).outputs());
        m = problem(() -> new PipelineSpec(ok.schedule(), List.of(ok.stage(0), misplaced), ok.channels(), ok.inputs(), ok.outputs()));
        assertTrue(m.contains("stage 1 is placed on core 0, but the schedule runs it on core 1"), m);
        m = problem(() -> new PipelineSpec(ok.schedule(), List.of(ok.stage(0), ok.stage(1), ok.stage(1)), ok.channels(), ok.inputs(), ok.outputs()));
        assertTrue(m.contains("stage 1 is given twice"), m);
    }

    @Test
    void everyBindingMustExistAndHaveThePortsType() {
        TensorType other = TensorType.of(DType.F32, 2, 4);
        String m = problem(() -> PipelineSpec.builder(TestSchedules.forward(2, 4))
                .input("x", FULL).output("y", FULL).channel(5, 0, 1, other)
                .stage(0, stage("a", List.of(Port.parameter("x", MB)), List.of(Port.send("h", MB, 5))))
                .stage(1, stage("b", List.of(Port.receive("h", MB, 5), Port.parameter("mask", MB)), List.of(Port.output("z", MB))))
                .build());
        assertTrue(m.contains("stage 0 output port 0 ('h', f32[2,3]) is bound to channel 5 of microbatch type f32[2,4]"), m);
        assertTrue(m.contains("stage 1 input port 1 ('mask', f32[2,3]) is bound to model input 'mask', which is not declared (declared: 'x')"), m);
        assertTrue(m.contains("model output 'z', which is not declared"), m);
        assertTrue(m.contains("model output 'y' is not produced by any stage"), m);
    }

    @Test
    void channelsNeedOneSenderAndOneReceiverAtTheirDeclaredStages() {
        String m = problem(() -> PipelineSpec.builder(TestSchedules.forward(2, 4))
                .input("x", FULL).output("y", FULL).channel(5, 0, 1, MB).channel(6, 0, 1, MB)
                .stage(0, stage("a", List.of(Port.parameter("x", MB)), List.of(Port.send("h", MB, 5), Port.send("g", MB, 7))))
                .stage(1, stage("b", List.of(Port.receive("h", MB, 5)), List.of(Port.output("y", MB))))
                .build());
        assertTrue(m.contains("channel 6 has no sender") && m.contains("channel 6 has no receiver"), m);
        assertTrue(m.contains("is bound to channel 7, which is not declared"), m);
        IllegalArgumentException backwards = assertThrows(IllegalArgumentException.class, () -> new ChannelSpec(3, 1, 0, MB));
        assertTrue(backwards.getMessage().contains("only flow forward"), backwards.getMessage());
    }

    @Test
    void explicitBindingsMayUseOtherNamesThanThePorts() {
        AffineStage only = stage("a", List.of(Port.parameter("input_0", MB)), List.of(Port.output("out_0", MB)));
        PipelineSpec spec = PipelineSpec.builder(TestSchedules.forward(1, 4)).input("x", FULL).output("y", FULL)
                .stage(new StageSpec(0, 0, only, List.of(PortBinding.model("x")), List.of(PortBinding.model("y")))).build();
        assertEquals("x", spec.stage(0).inputs().get(0).modelName());
        String m = problem(() -> PipelineSpec.builder(TestSchedules.forward(1, 4)).input("x", FULL).output("y", FULL)
                .stage(new StageSpec(0, 0, only, List.of(), List.of(PortBinding.model("y")))).build());
        assertTrue(m.contains("stage 0 has 1 input ports but 0 input bindings"), m);
    }

    @Test
    void modelValuesMustSplitIntoTheSchedulesMicrobatches() {
        String m = problem(() -> PipelineSpec.builder(TestSchedules.forward(1, 4)).input("x", TensorType.of(DType.F32, 10, 3))
                .output("y", FULL).stage(0, stage("a", List.of(Port.parameter("x", MB)), List.of(Port.output("y", MB)))).build());
        assertTrue(m.contains("model input 'x' has batch 10 along axis 0 (f32[10,3]), which does not split into the schedule's 4 microbatches"), m);
    }

    @Test
    void oneExecutableCannotServeStagesOnTwoCores() {
        AffineStage shared = stage("a", List.of(Port.parameter("x", MB)), List.of(Port.output("y", MB)));
        Schedule schedule = TestSchedules.forward(2, 4);
        String m = problem(() -> new PipelineSpec(schedule, List.of(
                new StageSpec(0, 0, shared, List.of(PortBinding.model("x")), List.of(PortBinding.model("y"))),
                new StageSpec(1, 1, shared, List.of(PortBinding.model("x")), List.of(PortBinding.model("y")))),
                List.of(), Map.of("x", FULL), Map.of("y", FULL)));
        assertTrue(m.contains("stages 0 and 1 share one ExecutableStage but run on different cores"), m);
    }

    @Test
    void portBindingsAreEitherAModelValueOrAChannel() {
        assertThrows(IllegalArgumentException.class, () -> new PortBinding("x", 3));
        assertThrows(IllegalArgumentException.class, () -> new PortBinding(null, -1));
        assertEquals("channel 3", PortBinding.channel(3).toString());
        assertEquals("model value 'x'", PortBinding.model("x").toString());
    }
}
