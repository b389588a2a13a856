package dev.ppc.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.StageOptions;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.text.IrParser;
import org.junit.jupiter.api.Test;

/**
 * What a CPU stage can hold, checked on types alone before anything is allocated: one value, the
 * arena, and the direct memory left (with the available bytes given, so no test needs a JVM that
 * is short of memory).
 */
class CpuLimitsTest {
    private static IrException compileFails(String ir, boolean fuse) {
        Module m = IrParser.parse(ir);
        return assertThrows(IrException.class, () -> CpuBackend.compile(m, m.main(), StageOptions.defaults(), fuse));
    }

    @Test
    void aValueLargerThanOneTensorIsRefusedByNameAtCompileAndByTheLimitCheck() {
        String ir = """
                module @m opsets {"" = 17} {
                  func @main(%x: f32[268435456,1]) {
                    %y = Concat(%x, %x, %x) {axis = 0} : f32[805306368,1] loc("/concat")
                    return y = %y
                  }
                }
                """;
        String expected = "Concat node '/concat': value %y is f32[805306368,1]: 3221225472 bytes, more than the 2147483520 bytes (2 GiB)"
                + " one tensor of the CPU backend holds; use more microbatches or a smaller batch";
        assertEquals(expected, compileFails(ir, true).getMessage());
        Module m = IrParser.parse(ir);
        assertEquals(expected, assertThrows(IrException.class, () -> new CpuBackend().checkLimits(m, m.main())).getMessage());
        String input = compileFails("""
                module @m opsets {"" = 17} {
                  func @main(%x: f32[536870912,2]) {
                    %y = Neg(%x) : f32[536870912,2] loc("/neg")
                    return y = %y
                  }
                }
                """, false).getMessage();
        assertTrue(input.startsWith("input %x is f32[536870912,2]: 4294967296 bytes, more than the 2147483520 bytes"), input);
    }

    @Test
    void anArenaLargerThanOneBufferIsRefusedNamingTheStage() {
        // Three 768 MiB intermediates live at once: each fits a tensor, together not one arena.
        String message = compileFails("""
                module @big opsets {"" = 17} {
                  func @main(%x: f32[201326592]) {
                    %a = Neg(%x) : f32[201326592] loc("/a")
                    %b = Abs(%x) : f32[201326592] loc("/b")
                    %c = Relu(%x) : f32[201326592] loc("/c")
                    %y = Sum(%a, %b, %c) : f32[201326592] loc("/sum")
                    return y = %y
                  }
                }
                """, false).getMessage();
        assertEquals("stage 'big' needs an arena of 2415919104 bytes for its intermediate values, more than the 2147483520 bytes (2 GiB)"
                + " the CPU backend's arena holds; use more microbatches or more stages", message);
    }

    @Test
    void aStageNeedingMoreDirectMemoryThanIsLeftIsRefusedWithWhatToRaise() {
        CpuLimits.Needs needs = new CpuLimits.Needs(1000, 200, 300);
        CpuLimits.checkDirectMemory("s", needs, 1500);
        String message = assertThrows(IrException.class, () -> CpuLimits.checkDirectMemory("s", needs, 1499)).getMessage();
        assertTrue(message.startsWith("stage 's' needs 1500 bytes of direct memory (arena 1000, constants 200, outputs 300) but the JVM has 1499 left;"
                + " raise the limit with PPC_JAVA_OPTS=-XX:MaxDirectMemorySize="), message);
        assertTrue(message.endsWith(", or use more microbatches or more stages"), message);
        assertTrue(CpuLimits.availableDirectMemory() <= CpuLimits.directMemoryLimit());
    }
}
