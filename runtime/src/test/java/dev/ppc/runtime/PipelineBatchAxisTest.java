package dev.ppc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Port;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import dev.ppc.ir.TensorType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model batched along axis 1 (as a sequence-first transformer is): each microbatch is a block of
 * columns of every row, copied out of the input and back into the output, and the samples count
 * along axis 1.
 */
class PipelineBatchAxisTest {
    private static final int ROWS = 3, BATCH = 4, M = 2;
    private static final TensorType MB = TensorType.of(DType.F32, ROWS, BATCH / M);
    private static final TensorType FULL = TensorType.of(DType.F32, ROWS, BATCH);

    /** Stage 0: h = 2x + 1; stage 1: y = 3h - 2. Elementwise, so y[r, c] depends on x[r, c] alone. */
    private static PipelineSpec spec() {
        AffineStage first = new AffineStage("first", List.of(Port.parameter("x", MB)), List.of(Port.send("h", MB, 10)), new float[] {2}, 1);
        AffineStage second = new AffineStage("second", List.of(Port.receive("h", MB, 10)), List.of(Port.output("y", MB)), new float[] {3}, -2);
        return PipelineSpec.builder(TestSchedules.forward(2, M))
                .input("x", FULL, 1).output("y", FULL, 1).channel(10, 0, 1, MB)
                .stage(0, first).stage(1, second).build();
    }

    private static Tensor input() {
        Tensor x = Tensor.allocate(DType.F32, ROWS, BATCH);
        for (int i = 0; i < ROWS * BATCH; i++) x.setFloat(i, i);
        return x;
    }

    private static void assertEachElementMapped(Tensor x, Tensor y) {
        assertTrue(y.hasShape(new long[] {ROWS, BATCH}), y.toString());
        for (int i = 0; i < ROWS * BATCH; i++) assertEquals(3 * (2 * x.getFloat(i) + 1) - 2, y.getFloat(i), "element " + i);
    }

    @Test
    void microbatchesAreColumnBlocksCopiedOutAndBack() {
        try (Pipeline p = Pipeline.create(spec())) {
            Tensor x = input();
            assertEachElementMapped(x, p.run(Map.of("x", x)).get("y"));
            assertEquals(BATCH, p.lastRunStats().batchSize(), "samples are counted along the batch axis, not axis 0");
            Tensor y = Tensor.allocate(DType.F32, ROWS, BATCH);
            p.run(Map.of("x", x), Map.of("y", y));
            assertEachElementMapped(x, y);
            assertEquals(MB, p.spec().microbatchType("x"));
        }
    }

    @Test
    void aBatchThatDoesNotFitNamesTheAxis() {
        try (Pipeline p = Pipeline.create(spec())) {
            Tensor wrong = Tensor.allocate(DType.F32, ROWS, 6);
            String m = assertThrows(InputMismatchException.class, () -> p.run(Map.of("x", wrong))).getMessage();
            assertTrue(m.contains("input 'x' has batch size 6 (along axis 1), but this pipeline runs 2 microbatches of 2"), m);
            assertTrue(m.contains("the batch size that works is 4"), m);
            Tensor rows = Tensor.allocate(DType.F32, 5, BATCH);
            m = assertThrows(InputMismatchException.class, () -> p.run(Map.of("x", rows))).getMessage();
            assertTrue(m.contains("input 'x' has shape [5, 4], but the model expects [3, 4]"), m);
        }
    }
}
