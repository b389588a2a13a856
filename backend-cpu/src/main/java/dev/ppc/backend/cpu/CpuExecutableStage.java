package dev.ppc.backend.cpu;

import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.ExecutionException;
import dev.ppc.backend.Port;
import dev.ppc.backend.StageOptions;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.kernels.Fused;
import dev.ppc.backend.cpu.kernels.Kernel;
import dev.ppc.backend.cpu.kernels.Parallel;
import dev.ppc.backend.cpu.kernels.ParallelKernel;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.schema.FusedProgram;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stage function compiled for the CPU: a straight list of kernel steps over values that live
 * in one of four places: an input port, a preloaded constant, the caller's output tensor (the
 * producing kernel writes there directly), or a slot of one arena planned by liveness so that a
 * run allocates nothing. Shape-only ops are views of their operand's storage.
 *
 * <p>With {@code threads > 1} the stage owns a {@link Parallel} pool of that many threads (the
 * caller included) and hands it to every kernel that can split its work ({@link ParallelKernel}:
 * GEMMs, fused element-wise kernels, Softmax, LayerNorm, Transpose, Split, binary arithmetic);
 * results have the same bits with any thread count. OpenBLAS is kept at one thread.
 */
final class CpuExecutableStage implements ExecutableStage {
    private enum Storage { INPUT, CONSTANT, OUTPUT, ARENA, VIEW }

    private record Step(Op op, Kernel kernel, int[] inputSlots, int[] outputSlots, Tensor[] in, Tensor[] out) {}

    private record FinalCopy(int outputPort, int slot) {}

    private final List<Port> inputs = new ArrayList<>();
    private final List<Port> outputs = new ArrayList<>();
    private final long[][] inputShapes;
    private final long[][] outputShapes;
    private final Storage[] storage;
    private final int[] portOf;        // INPUT/OUTPUT: port index; VIEW: root slot
    private final long[][] shapes;
    private final Tensor[] slots;       // fixed tensors (constants, arena, views of those); per-run ones filled in run()
    private final List<Step> steps = new ArrayList<>();
    private final List<FinalCopy> finalCopies = new ArrayList<>();
    private final int[] runtimeViewSlots;
    private final ByteBuffer arena;
    private final long arenaBytes;
    private final int threads;
    /** The stage's worker pool when it runs on more than one thread, else null. */
    private final Parallel parallel;
    private final long[] stepNanos;
    private boolean closed;

    /** @param stridedMatMuls whether batched MatMuls may absorb the copies around them ({@link MatMulViews}) */
    CpuExecutableStage(Module module, Function f, StageOptions options, boolean stridedMatMuls) {
        this.threads = options.threads();
        CpuLimits.checkValues(f);
        Map<Value, Integer> slotOf = new IdentityHashMap<>();
        List<Value> values = new ArrayList<>();
        for (Value p : f.params()) addValue(p, slotOf, values);
        for (Op op : f.ops()) for (Value r : op.results()) addValue(r, slotOf, values);
        int n = values.size();
        storage = new Storage[n];
        portOf = new int[n];
        shapes = new long[n][];
        slots = new Tensor[n];
        for (int i = 0; i < n; i++) {
            TensorType t = values.get(i).type();
            if (!t.isStatic()) throw new IrException("value %" + values.get(i).name() + " has type " + t + "; the CPU backend needs static shapes");
            shapes[i] = t.shape();
        }

        // Ports: parameters, then received values; named outputs, then sent values.
        for (Value p : f.params()) {
            int s = slotOf.get(p);
            storage[s] = Storage.INPUT;
            portOf[s] = inputs.size();
            inputs.add(Port.parameter(p.name(), p.type()));
        }
        List<Value> outputValues = new ArrayList<>();
        for (Function.Output o : f.outputs()) {
            outputs.add(Port.output(o.name(), o.value().type()));
            outputValues.add(o.value());
        }
        List<Op> kernelOps = new ArrayList<>();
        Map<Op, KernelBinder.Binding> bindings = new IdentityHashMap<>();
        Map<Integer, Module.Constant> constants = new LinkedHashMap<>();
        // Attention's head split/merge: MatMuls that read and write through strides make the
        // Split, Reshape and Transpose copies around them unnecessary; those ops get no step.
        MatMulViews.Plan strided = stridedMatMuls ? MatMulViews.plan(f) : new MatMulViews.Plan(Map.of(), java.util.Set.of());
        for (Op op : f.ops()) {
            if (strided.skipped().contains(op)) continue;
            if (op.is("ppc", "recv")) {
                int s = slotOf.get(op.result());
                storage[s] = Storage.INPUT;
                portOf[s] = inputs.size();
                inputs.add(Port.receive(op.result().name(), op.result().type(), (int) op.intAttr("channel", -1)));
            } else if (op.is("ppc", "send")) {
                outputs.add(Port.send(op.operand(0).name(), op.operand(0).type(), (int) op.intAttr("channel", -1)));
                outputValues.add(op.operand(0));
            } else if (op.is("ppc", "constant")) {
                int s = slotOf.get(op.result());
                storage[s] = Storage.CONSTANT;
                Module.Constant c = module.constant(op.stringAttr("name", ""));
                if (c == null || !c.data().hasData()) throw IrException.at(op, "constant @" + op.stringAttr("name", "") + " has no data");
                // Loaded once the stage's memory is known to fit (below).
                constants.put(s, c);
            } else {
                MatMulViews.Absorbed sm = strided.matmuls().get(op);
                KernelBinder.Binding b = sm == null ? KernelBinder.bind(op, module)
                        : KernelBinder.Binding.rerouted(sm.kernel(), List.of(sm.aRoot(), sm.bRoot()), List.of(sm.target()));
                bindings.put(op, b);
                kernelOps.add(op);
                if (b.view()) {
                    int s = slotOf.get(op.result());
                    int src = slotOf.get(op.operand(0));
                    storage[s] = Storage.VIEW;
                    portOf[s] = storage[src] == Storage.VIEW ? portOf[src] : src;
                }
            }
        }
        // A kernel-produced value that leaves the stage is written straight into the caller's tensor.
        boolean[] portTaken = new boolean[outputs.size()];
        for (int j = 0; j < outputValues.size(); j++) {
            int s = slotOf.get(outputValues.get(j));
            if (storage[s] == null) {
                storage[s] = Storage.OUTPUT;
                portOf[s] = j;
                portTaken[j] = true;
            }
        }
        for (int j = 0; j < outputValues.size(); j++) {
            if (!portTaken[j]) finalCopies.add(new FinalCopy(j, slotOf.get(outputValues.get(j))));
        }

        // Liveness of arena values, in kernel-step indices; views extend their root's lifetime.
        int numSteps = kernelOps.size();
        int[] first = new int[n], last = new int[n];
        Arrays.fill(first, -1);
        for (int step = 0; step < numSteps; step++) {
            Op op = kernelOps.get(step);
            KernelBinder.Binding binding = bindings.get(op);
            for (Value r : binding.view() ? op.results() : binding.outputs(op)) {
                int s = slotOf.get(r);
                if (storage[s] == null) {
                    storage[s] = Storage.ARENA;
                    first[s] = step;
                    last[s] = step;
                }
            }
            for (Value v : binding.view() ? op.operands() : binding.inputs(op)) {
                if (v == null) continue;
                int s = rootSlot(slotOf.get(v));
                if (storage[s] == Storage.ARENA) last[s] = Math.max(last[s], step);
            }
        }
        for (FinalCopy c : finalCopies) {
            int s = rootSlot(c.slot());
            if (storage[s] == Storage.ARENA) last[s] = numSteps;
        }
        List<MemoryPlanner.Request> requests = new ArrayList<>();
        List<Integer> requestSlots = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            if (storage[s] != Storage.ARENA) continue;
            requests.add(new MemoryPlanner.Request(Math.max(1, values.get(s).type().byteSize()), first[s], last[s]));
            requestSlots.add(s);
        }
        MemoryPlanner.Plan plan = MemoryPlanner.plan(requests);
        arenaBytes = plan.arenaSize();
        arena = allocateMemory(module.name(), plan, constants);
        for (int i = 0; i < requestSlots.size(); i++) {
            int s = requestSlots.get(i);
            Value v = values.get(s);
            ByteBuffer slice = arena.slice((int) plan.offset(i), (int) v.type().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            slots[s] = Tensor.wrap(v.type().dtype(), shapes[s], slice);
        }
        List<Integer> runtimeViews = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            if (storage[s] != Storage.VIEW) continue;
            int root = portOf[s];
            if (storage[root] == Storage.CONSTANT || storage[root] == Storage.ARENA) slots[s] = slots[root].reshape(shapes[s]);
            else runtimeViews.add(s);
        }
        runtimeViewSlots = runtimeViews.stream().mapToInt(Integer::intValue).toArray();
        inputShapes = inputs.stream().map(p -> p.type().shape()).toArray(long[][]::new);
        outputShapes = outputs.stream().map(p -> p.type().shape()).toArray(long[][]::new);

        for (Op op : kernelOps) {
            KernelBinder.Binding b = bindings.get(op);
            if (b.view()) continue;
            List<Value> reads = b.inputs(op), writes = b.outputs(op);
            int[] in = new int[reads.size()];
            for (int i = 0; i < in.length; i++) {
                Value v = reads.get(i);
                in[i] = v == null ? -1 : slotOf.get(v);
            }
            int[] out = new int[writes.size()];
            for (int i = 0; i < out.length; i++) out[i] = slotOf.get(writes.get(i));
            steps.add(new Step(op, b.kernel(), in, out, new Tensor[in.length], new Tensor[out.length]));
        }
        stepNanos = options.profile() ? new long[steps.size()] : null;
        // More than one thread: kernels that can split their work share one pool for the stage's
        // lifetime, GEMMs included (OpenBLAS itself then runs single-threaded, see run()).
        parallel = threads > 1 ? new Parallel(threads) : null;
        if (parallel != null) {
            for (Step st : steps) if (st.kernel() instanceof ParallelKernel pk) pk.useParallel(parallel);
        }
    }

    /**
     * Loads the constants into their slots and allocates the arena, once {@link CpuLimits} has
     * found that they fit: the arena in one buffer, and arena, constants and the outputs the
     * caller will allocate in the direct memory the JVM has left. An allocation that fails all
     * the same (another thread took the memory) is the same error.
     */
    private ByteBuffer allocateMemory(String stage, MemoryPlanner.Plan plan, Map<Integer, Module.Constant> constants) {
        CpuLimits.checkArena(stage, plan.arenaSize());
        long constantBytes = 0;
        for (Module.Constant c : constants.values()) constantBytes += c.data().type().byteSize();
        long outputBytes = 0;
        for (Port p : outputs) outputBytes += p.type().byteSize();
        CpuLimits.Needs needs = new CpuLimits.Needs(plan.arenaSize(), constantBytes, outputBytes);
        long available = CpuLimits.availableDirectMemory();
        CpuLimits.checkDirectMemory(stage, needs, available);
        try {
            for (Map.Entry<Integer, Module.Constant> c : constants.entrySet()) slots[c.getKey()] = CpuTensors.fromData(c.getValue().data());
            return plan.allocateArena();
        } catch (OutOfMemoryError e) {
            Arrays.fill(slots, null);
            throw CpuLimits.outOfDirectMemory(stage, needs, available);
        }
    }

    @Override
    public Map<String, Long> profileNanos() {
        if (stepNanos == null) return Map.of();
        Map<String, Long> byOp = new java.util.TreeMap<>();
        for (int i = 0; i < steps.size(); i++) byOp.merge(profileKey(steps.get(i)), stepNanos[i], Long::sum);
        return byOp;
    }

    /** The op's name; a fused op also lists the kinds of op it fused, e.g. {@code ppc.fused(Add,Mul,Pow,Tanh)}. */
    private static String profileKey(Step step) {
        if (!(step.kernel() instanceof Fused f)) return step.op().qualifiedName();
        StringBuilder sb = new StringBuilder("ppc.fused(");
        for (FusedProgram.Kind k : f.program().kinds()) sb.append(sb.charAt(sb.length() - 1) == '(' ? "" : ",").append(k.onnxName());
        return sb.append(')').toString();
    }

    private static void addValue(Value v, Map<Value, Integer> slotOf, List<Value> values) {
        slotOf.put(v, values.size());
        values.add(v);
    }

    private int rootSlot(int s) { return storage[s] == Storage.VIEW ? portOf[s] : s; }

    @Override
    public List<Port> inputs() { return List.copyOf(inputs); }

    @Override
    public List<Port> outputs() { return List.copyOf(outputs); }

    @Override
    public long arenaBytes() { return arenaBytes; }

    @Override
    public void run(Tensor[] in, Tensor[] out) {
        if (closed) throw new IllegalStateException("stage is closed");
        checkPorts("input", inputs, inputShapes, in);
        checkPorts("output", outputs, outputShapes, out);
        // The stage's pool does the parallel work; OpenBLAS's own threads would spin after every
        // GEMM and compete with the pool for the same cores.
        if (Blas.threads() != 1) Blas.setThreads(1);
        for (int s = 0; s < storage.length; s++) {
            if (storage[s] == Storage.INPUT) slots[s] = in[portOf[s]];
            else if (storage[s] == Storage.OUTPUT) slots[s] = out[portOf[s]];
        }
        for (int s : runtimeViewSlots) {
            Tensor root = slots[portOf[s]];
            if (slots[s] == null || slots[s].data() != root.data()) slots[s] = root.reshape(shapes[s]);
        }
        for (int k = 0; k < steps.size(); k++) {
            Step step = steps.get(k);
            long t0 = stepNanos == null ? 0 : System.nanoTime();
            for (int i = 0; i < step.in().length; i++) step.in()[i] = step.inputSlots()[i] < 0 ? null : slots[step.inputSlots()[i]];
            for (int i = 0; i < step.out().length; i++) step.out()[i] = slots[step.outputSlots()[i]];
            try {
                step.kernel().run(step.in(), step.out());
            } catch (RuntimeException e) {
                // The data's fault: shapes or values a kernel refuses, and integer division by zero.
                boolean badInput = e instanceof IllegalArgumentException || e instanceof ArithmeticException;
                throw new ExecutionException(step.op().describe() + ": " + e.getMessage(), badInput, e);
            }
            if (stepNanos != null) stepNanos[k] += System.nanoTime() - t0;
        }
        for (FinalCopy c : finalCopies) copy(slots[c.slot()], out[c.outputPort()]);
    }

    private static void copy(Tensor src, Tensor dst) {
        ByteBuffer s = src.data().duplicate();
        s.clear();
        s.limit((int) src.byteSize());
        ByteBuffer d = dst.data().duplicate();
        d.clear();
        d.put(s);
    }

    /** Checks the tensors against the ports; the shapes are the ports' shapes, computed once at compile time. */
    private static void checkPorts(String what, List<Port> ports, long[][] shapes, Tensor[] ts) {
        if (ts.length != ports.size()) {
            throw new ExecutionException("the stage takes " + ports.size() + " " + what + "s, got " + ts.length, true, null);
        }
        for (int i = 0; i < ts.length; i++) {
            Port p = ports.get(i);
            Tensor t = ts[i];
            if (t == null || t.dtype() != p.type().dtype() || !t.hasShape(shapes[i])) {
                throw new ExecutionException(what + " '" + p.name() + "' must be " + p.type() + ", got "
                        + (t == null ? "nothing" : t.dtype() + Arrays.toString(t.shape())), true, null);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (parallel != null) parallel.close();
        Arrays.fill(slots, null);
    }

    /** Number of kernel launches per run (views and constants excluded), for tests and reports. */
    int kernelSteps() { return steps.size(); }

    /** The kernels in launch order, for tests of what a stage was compiled into. */
    List<Kernel> kernels() { return steps.stream().map(Step::kernel).toList(); }

    static Map<String, Integer> histogram(List<Op> ops) {
        Map<String, Integer> h = new HashMap<>();
        for (Op op : ops) h.merge(op.qualifiedName(), 1, Integer::sum);
        return h;
    }
}
