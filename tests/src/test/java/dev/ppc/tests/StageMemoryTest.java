package dev.ppc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Backend;
import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.Port;
import dev.ppc.backend.StageOptions;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.Module;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A compiled stage plans its memory: after warm-up a forward pass allocates no tensor memory
 * (direct buffers stay the same in count and bytes). What remains on the heap are small,
 * short-lived view objects (JavaCPP pointers per BLAS call, buffer slices in element-wise loops),
 * bounded here at 1 KiB per op.
 */
class StageMemoryTest {
    @Test
    void forwardPassAllocatesNothingAfterWarmUp() {
        Module m = Fixtures.cleaned("gpt2");
        Map<String, Tensor> inputs = Fixtures.inputs("gpt2");
        try (ExecutableStage stage = Backend.find("cpu").compile(m, m.main(), new StageOptions(1, false))) {
            List<Port> ports = stage.inputs();
            Tensor[] in = new Tensor[ports.size()];
            for (int i = 0; i < in.length; i++) in[i] = inputs.get(ports.get(i).name());
            Tensor[] out = stage.allocateOutputs();
            for (int i = 0; i < 5; i++) stage.run(in, out);

            BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long directCount = direct.getCount(), directBytes = direct.getMemoryUsed();
            long heapBefore = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            int runs = 20;
            for (int i = 0; i < runs; i++) stage.run(in, out);
            long heapPerRun = (threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - heapBefore) / runs;

            assertEquals(directCount, direct.getCount(), "direct buffers were allocated during runs");
            assertEquals(directBytes, direct.getMemoryUsed(), "direct memory grew during runs");
            System.out.printf("gpt2 stage: arena %d bytes, heap allocated per run %d bytes%n", stage.arenaBytes(), heapPerRun);
            long ops = m.main().ops().stream().filter(op -> !op.domain().equals("ppc")).count();
            assertTrue(heapPerRun < 1024 * ops, "a run allocated " + heapPerRun + " heap bytes for " + ops + " ops");
        }
    }
}
