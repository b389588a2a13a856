package dev.ppc.passes.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.text.IrParser;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The default batch axis (a dim named like "batch", else 0) and the checks on --batch-axis. */
class BatchAxisChoiceTest {
    private static final Module MODEL = IrParser.parse("""
            module @m opsets {"" = 17} {
              func @main(%src: f32[seq,batch,16], %mask: bool[seq,Batch_Size], %ids: i64[N,8], %fixed: f32[6,4]) {
                %0 = Identity(%src) : f32[seq,batch,16]
                return out = %0
              }
            }
            """, "choice");

    @Test
    void aDimNamedLikeBatchWinsOverAxisZero() {
        Map<String, Integer> axes = BatchAxisChoice.choose(MODEL.main(), Map.of());
        assertEquals(Map.of("src", 1, "mask", 1, "ids", 0, "fixed", 0), axes);
    }

    @Test
    void aGivenAxisWins() {
        assertEquals(0, BatchAxisChoice.choose(MODEL.main(), Map.of("src", 0)).get("src"));
        assertEquals(1, BatchAxisChoice.choose(MODEL.main(), Map.of("fixed", 1)).get("fixed"));
    }

    @Test
    void unknownInputsAndAxesOutsideTheRankAreRefused() {
        IrException e = assertThrows(IrException.class, () -> BatchAxisChoice.choose(MODEL.main(), Map.of("sources", 1)));
        assertEquals("--batch-axis sources=1: the model has no input 'sources'; its inputs are src, mask, ids, fixed", e.getMessage());
        e = assertThrows(IrException.class, () -> BatchAxisChoice.choose(MODEL.main(), Map.of("src", 3)));
        assertEquals("--batch-axis src=3: input 'src' is f32[seq,batch,16], so its axes are 0 to 2", e.getMessage());
        e = assertThrows(IrException.class, () -> BatchAxisChoice.choose(MODEL.main(), Map.of("src", -1)));
        assertEquals("--batch-axis src=-1: input 'src' is f32[seq,batch,16], so its axes are 0 to 2", e.getMessage());
    }
}
