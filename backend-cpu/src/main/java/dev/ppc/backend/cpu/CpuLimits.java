package dev.ppc.backend.cpu;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * What the CPU backend can hold, checked before a stage allocates anything, so that a model too
 * large for it is refused with one line naming the value or stage, its bytes and the limit,
 * instead of failing inside an allocation.
 *
 * <ul>
 *   <li>A tensor is one direct {@code ByteBuffer}, indexed by {@code int}: at most
 *       {@link Tensor#MAX_BYTES} (2 GiB) per value.</li>
 *   <li>A stage's intermediate values share one arena, also one buffer: at most
 *       {@link Tensor#MAX_BYTES} in all.</li>
 *   <li>The arena, the stage's constants and the tensors its outputs go to are direct memory,
 *       which the JVM bounds by {@code -XX:MaxDirectMemorySize} (by default the heap's maximum
 *       size).</li>
 * </ul>
 * The remedy for the first two is a smaller microbatch (more microbatches, or a smaller batch);
 * for the third also more direct memory ({@code PPC_JAVA_OPTS=-XX:MaxDirectMemorySize=...}) or
 * more stages.
 */
final class CpuLimits {
    private CpuLimits() {}

    /**
     * Refuses a value of {@code f} larger than one tensor holds.
     *
     * @throws IrException naming the value (and the op that makes it), its type, bytes and the limit
     */
    static void checkValues(Function f) {
        for (Value p : f.params()) checkValue(p, null);
        for (Op op : f.ops()) for (Value r : op.results()) checkValue(r, op);
    }

    /** Whether static-typed {@code v} fits one tensor; {@link #checkValues} names the first that does not. */
    static boolean fits(Value v) {
        return v.type().hasLongSize() && v.type().byteSize() <= Tensor.MAX_BYTES;
    }

    private static void checkValue(Value v, Op op) {
        TensorType t = v.type();
        if (!t.isStatic() || fits(v)) return;
        long bytes = t.byteSize();
        String message = (op == null ? "input %" : "value %") + v.name() + " is " + t + ": " + bytes + " bytes, more than the " + Tensor.MAX_BYTES
                + " bytes (2 GiB) one tensor of the CPU backend holds; use more microbatches or a smaller batch";
        throw op == null ? new IrException(message) : IrException.at(op, message);
    }

    /**
     * Refuses an arena larger than one buffer holds.
     *
     * @throws IrException naming the stage, the arena's bytes and the limit
     */
    static void checkArena(String stage, long arenaBytes) {
        if (arenaBytes <= Tensor.MAX_BYTES) return;
        throw new IrException("stage '" + stage + "' needs an arena of " + arenaBytes + " bytes for its intermediate values, more than the "
                + Tensor.MAX_BYTES + " bytes (2 GiB) the CPU backend's arena holds; use more microbatches or more stages");
    }

    /**
     * Refuses a stage whose arena, constants and outputs need more direct memory than
     * {@code available}. The outputs are the caller's (the runtime's channels and result tensors),
     * but they are allocated for this stage all the same.
     *
     * @throws IrException naming the stage, the bytes it needs and the bytes available
     */
    static void checkDirectMemory(String stage, Needs needs, long available) {
        if (needs.total() <= available) return;
        throw outOfDirectMemory(stage, needs, available);
    }

    /** The direct memory a stage allocates: its arena, its constants, and the outputs it fills. */
    record Needs(long arena, long constants, long outputs) {
        long total() { return arena + constants + outputs; }
    }

    /** The error for a stage that does not fit the direct memory the JVM has left. */
    static IrException outOfDirectMemory(String stage, Needs needs, long available) {
        long target = directMemoryLimit() - available + needs.total();
        String suggestion = target < (1L << 30) ? ceilDiv(target, 1L << 20) + "m" : ceilDiv(target, 1L << 30) + "g";
        return new IrException("stage '" + stage + "' needs " + needs.total() + " bytes of direct memory (arena " + needs.arena()
                + ", constants " + needs.constants() + ", outputs " + needs.outputs() + ") but the JVM has " + Math.max(0, available)
                + " left; raise the limit with PPC_JAVA_OPTS=-XX:MaxDirectMemorySize=" + suggestion + ", or use more microbatches or more stages");
    }

    private static long ceilDiv(long a, long b) { return (a + b - 1) / b; }

    /** Direct memory the JVM may still allocate: its limit less what direct buffers hold now. */
    static long availableDirectMemory() { return directMemoryLimit() - directMemoryUsed(); }

    /**
     * The JVM's direct memory limit: {@code -XX:MaxDirectMemorySize} when given, else the maximum
     * heap size, which is the JDK's default for it.
     */
    static long directMemoryLimit() {
        long limit = 0;
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotSpot != null) limit = Long.parseLong(hotSpot.getVMOption("MaxDirectMemorySize").getValue());
        } catch (RuntimeException e) {
            // Not HotSpot, or no such option: the JDK's default below is what applies.
        }
        return limit > 0 ? limit : Runtime.getRuntime().maxMemory();
    }

    private static long directMemoryUsed() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) return pool.getMemoryUsed();
        }
        return 0;
    }
}
