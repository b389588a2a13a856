package dev.ppc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a caller of {@link Pipeline#run} sees: input checks, zero-copy views, buffer reuse, lifecycle. */
class PipelineRunTest {
    private final ChainModel model = new ChainModel(3, 4, 2);

    private static String rejected(Pipeline p, Map<String, Tensor> inputs) {
        return assertThrows(IllegalArgumentException.class, () -> p.run(inputs)).getMessage();
    }

    @Test
    void missingAndUnknownInputsAreNamed() {
        try (Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(3, 4), model.newStages()))) {
            Map<String, Tensor> inputs = new HashMap<>(model.inputs(1));
            inputs.remove("scale");
            inputs.put("mask", inputs.get("x"));
            inputs.put("bias", inputs.get("x"));
            String m = rejected(p, inputs);
            assertTrue(m.contains("missing input 'scale'"), m);
            assertTrue(m.contains("unknown inputs") && m.contains("'mask'") && m.contains("'bias'"), m);
            assertTrue(m.contains("the model's inputs are 'x', 'scale'"), m);
            // A rejected call runs nothing and leaves the pipeline usable.
            Map<String, Tensor> good = model.inputs(1);
            assertTrue(Tensor.bitwiseEqual(model.reference(good).get("y"), p.run(good).get("y")));
        }
    }

    @Test
    void aBatchThatDoesNotSplitSaysWhichSizeWorks() {
        try (Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(3, 4), model.newStages()))) {
            Map<String, Tensor> inputs = new LinkedHashMap<>(model.inputs(1));
            inputs.put("x", Tensor.allocate(DType.F32, 10, ChainModel.FEATURES));
            String m = rejected(p, inputs);
            assertTrue(m.contains("input 'x' has batch size 10, but this pipeline runs 4 microbatches of 2"), m);
            assertTrue(m.contains("10 does not split into 4 microbatches"), m);
            assertTrue(m.contains("the batch size that works is 8"), m);
            inputs.put("x", Tensor.allocate(DType.F32, 12, ChainModel.FEATURES));
            m = rejected(p, inputs);
            assertTrue(m.contains("12 splits into 4 microbatches of 3, not of 2") && m.contains("the batch size that works is 8"), m);
        }
    }

    @Test
    void wrongDtypeOrRowShapeIsRejected() {
        try (Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(3, 4), model.newStages()))) {
            Map<String, Tensor> inputs = new LinkedHashMap<>(model.inputs(1));
            inputs.put("scale", Tensor.allocate(DType.F64, 8, ChainModel.FEATURES));
            assertTrue(rejected(p, inputs).contains("input 'scale' is f64 [8, 3], but the model expects f32[8,3]"));
            inputs.put("scale", Tensor.allocate(DType.F32, 8, 4));
            assertTrue(rejected(p, inputs).contains("input 'scale' has shape [8, 4], but the model expects [8, 3]"));
            inputs.put("scale", null);
            assertTrue(rejected(p, inputs).contains("input 'scale' is null"));
        }
    }

    @Test
    void inputsAndOutputsAreViewsOfTheCallersTensors() {
        List<AffineStage> stages = model.newStages();
        stages.get(0).recording();
        stages.get(2).recording();
        try (Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(3, 4), stages))) {
            Map<String, Tensor> inputs = model.inputs(3);
            Map<String, Tensor> out = p.run(inputs);
            // Stage 0 read microbatch 1 of x through a view: a later write to x shows in it.
            Tensor xView = stages.get(0).seenInputs().get(1)[0];
            long row1 = 2L * ChainModel.FEATURES;
            inputs.get("x").setFloat(row1, 1234.5f);
            assertEquals(1234.5f, xView.getFloat(0));
            // Stage 2 wrote microbatch 3 of y into a view of the returned tensor.
            Tensor yView = stages.get(2).seenOutputs().get(3)[0];
            yView.setFloat(0, -42f);
            assertEquals(-42f, out.get("y").getFloat(3 * row1));
        }
    }

    @Test
    void runIntoCallerOutputsMatchesRunAndRejectsAliasing() {
        try (Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(3, 4), model.newStages()))) {
            Map<String, Tensor> inputs = model.inputs(4);
            Map<String, Tensor> outputs = new LinkedHashMap<>();
            outputs.put("y", Tensor.allocate(DType.F32, 8, ChainModel.FEATURES));
            outputs.put("aux", Tensor.allocate(DType.F32, 8, ChainModel.FEATURES));
            p.run(inputs, outputs);
            Map<String, Tensor> expected = model.reference(inputs);
            assertTrue(Tensor.bitwiseEqual(expected.get("y"), outputs.get("y")));
            assertTrue(Tensor.bitwiseEqual(expected.get("aux"), outputs.get("aux")));
            Map<String, Tensor> aliased = new LinkedHashMap<>(outputs);
            aliased.put("aux", inputs.get("x"));
            String m = assertThrows(IllegalArgumentException.class, () -> p.run(inputs, aliased)).getMessage();
            assertTrue(m.contains("output 'aux' is the same tensor as input 'x'"), m);
            Map<String, Tensor> missing = Map.of("y", outputs.get("y"));
            m = assertThrows(IllegalArgumentException.class, () -> p.run(inputs, missing)).getMessage();
            assertTrue(m.contains("missing output 'aux'"), m);
        }
    }

    @Test
    void returnedOutputsAreFreshForEveryRun() {
        try (Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(3, 4), model.newStages()))) {
            Map<String, Tensor> first = p.run(model.inputs(5));
            Tensor firstY = first.get("y").copy();
            Map<String, Tensor> second = p.run(model.inputs(6));
            assertNotSame(first.get("y"), second.get("y"));
            assertTrue(Tensor.bitwiseEqual(firstY, first.get("y")), "a later run must not overwrite an earlier run's outputs");
            assertEquals(List.of("y", "aux"), List.copyOf(second.keySet()));
        }
    }

    @Test
    void channelBuffersAreRecycledAfterTheConsumersForward() {
        // All stages on one core: each F consumes what the previous F of the same microbatch produced,
        // so one buffer per channel serves all 8 microbatches, run after run.
        ChainModel wide = new ChainModel(4, 8, 2);
        try (Pipeline p = Pipeline.create(wide.spec(TestSchedules.forwardVirtual(1, 8, 4), wide.newStages()))) {
            for (int run = 0; run < 3; run++) p.run(wide.inputs(run));
            assertEquals(4, p.allocatedChannelBuffers()); // channels 10, 11, 12 and the skip channel 90
        }
    }

    @Test
    void crossCoreBuffersStayWithinOnePerMicrobatchAcrossManyRuns() {
        ChainModel deep = new ChainModel(4, 8, 2);
        try (Pipeline p = Pipeline.create(deep.spec(TestSchedules.forward(4, 8), deep.newStages()))) {
            for (int run = 0; run < 5; run++) {
                Map<String, Tensor> inputs = deep.inputs(run);
                assertTrue(Tensor.bitwiseEqual(deep.reference(inputs).get("y"), p.run(inputs).get("y")));
            }
            int allocated = p.allocatedChannelBuffers();
            assertTrue(allocated >= 4 && allocated <= 4 * 8, "allocated " + allocated);
        }
    }

    @Test
    void stagesRunOnlyOnTheirCoresThreads() {
        List<AffineStage> stages = model.newStages();
        try (Pipeline p = Pipeline.create(model.spec(TestSchedules.forwardVirtual(1, 4, 3), stages))) {
            p.run(model.inputs(1));
            for (AffineStage s : stages) assertEquals(Pipeline.THREAD_PREFIX + "0", s.runner().getName());
        }
        List<AffineStage> spread = model.newStages();
        try (Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(3, 4), spread))) {
            p.run(model.inputs(1));
            for (int k = 0; k < 3; k++) assertEquals(Pipeline.THREAD_PREFIX + k, spread.get(k).runner().getName());
        }
    }

    @Test
    void closeClosesTheStagesEndsTheThreadsAndIsIdempotent() {
        List<AffineStage> stages = model.newStages();
        Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(3, 4), stages));
        p.run(model.inputs(1));
        assertFalse(PipelineFailureTest.liveWorkerThreads().isEmpty());
        p.close();
        p.close();
        for (AffineStage s : stages) assertTrue(s.closed());
        assertEquals(List.of(), PipelineFailureTest.liveWorkerThreads());
        String m = assertThrows(IllegalStateException.class, () -> p.run(model.inputs(1))).getMessage();
        assertTrue(m.contains("closed"), m);
    }

    @Test
    void statsAndTraceAreUnavailableBeforeTheFirstRun() {
        try (Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(3, 4), model.newStages()))) {
            assertTrue(assertThrows(IllegalStateException.class, p::lastRunStats).getMessage().contains("has not run yet"));
            assertThrows(IllegalStateException.class, p::lastTrace);
        }
    }
}
