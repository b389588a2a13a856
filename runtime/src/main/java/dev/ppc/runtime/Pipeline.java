package dev.ppc.runtime;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.TensorType;
import dev.ppc.schedule.Schedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A pipelined model, ready to run: one worker thread per core, each holding its core's stages and
 * running its action list of the schedule for every {@link #run}.
 *
 * <p>A run splits every model input along its batch axis into the schedule's m microbatches, as
 * views that share the caller's memory where the batch axis is 0 (copies into buffers the pipeline
 * keeps otherwise); lets the workers execute the schedule, the stages handing values to one another
 * through {@link Channel}s whose buffers are recycled; and returns the model outputs, which the
 * stages producing them wrote microbatch by microbatch into views of the full output (or into kept
 * buffers that are copied into it at the end). The result equals running the stages one after
 * another on each microbatch, bit for bit: each stage sees the same inputs either way, and the
 * runtime never touches the numbers.
 *
 * <p>Failures: the first exception in any worker cancels the run; every worker stops at its next
 * action or wakes from its wait, and {@code run} throws a {@link PipelineException} that names the
 * core, stage and microbatch, with the stage's message (which names the op). A run in which no core
 * finishes an action for {@link PipelineOptions#watchdogTimeout()} fails as stalled, with what every
 * core is doing. After a failed run the pipeline cannot run again; {@link #close()} it. Inputs that
 * do not fit (missing or unknown names, wrong dtype or shape, a batch that does not split) are
 * rejected with an {@link InputMismatchException} before anything runs, and do not break the
 * pipeline.
 *
 * <p>Runs are serialized: concurrent callers take turns. The pipeline owns the stages of its spec and
 * closes them in {@link #close()}.
 *
 * <pre>{@code
 * try (Pipeline p = Pipeline.create(spec, PipelineOptions.defaults())) {
 *     Map<String, Tensor> out = p.run(Map.of("x", x));
 *     System.out.println(p.lastRunStats());
 *     p.writeTrace(Path.of("trace.json"));
 * }
 * }</pre>
 */
public final class Pipeline implements AutoCloseable {
    /** Worker threads are named this plus their core number: {@code ppc-core-0}, {@code ppc-core-1}, ... */
    public static final String THREAD_PREFIX = "ppc-core-";

    private final PipelineSpec spec;
    private final PipelineOptions options;
    private final ChannelTable channels;
    private final List<Worker> workers;
    private final Watchdog watchdog;
    private final List<String> inputNames;
    private final List<String> outputNames;
    /** Per model input and output (by position), the m microbatch buffers of a value batched along an axis other than 0; else null. */
    private final Tensor[][] inputStaging;
    private final Tensor[][] outputStaging;
    private final int batchSize;
    private final Object runLock = new Object();
    private final Object closeLock = new Object();
    private volatile boolean closed;
    private volatile RunControl active;
    private volatile PipelineException brokenBy;
    private volatile ExecutionTrace lastTrace;
    private volatile RunStats lastStats;

    private Pipeline(PipelineSpec spec, PipelineOptions options) {
        this.spec = spec;
        this.options = options;
        this.channels = new ChannelTable(spec);
        this.watchdog = new Watchdog(options.watchdogTimeout());
        this.inputNames = List.copyOf(spec.inputs().keySet());
        this.outputNames = List.copyOf(spec.outputs().keySet());
        Map<String, Integer> inputIndex = index(inputNames);
        Map<String, Integer> outputIndex = index(outputNames);
        Schedule schedule = spec.schedule();
        List<Map<Integer, BoundStage>> stagesByCore = new ArrayList<>();
        for (int c = 0; c < schedule.cores(); c++) stagesByCore.add(new LinkedHashMap<>());
        for (int s = 0; s < schedule.stageCount(); s++) {
            StageSpec st = spec.stage(s);
            stagesByCore.get(st.core()).put(s, new BoundStage(st, schedule, channels, inputIndex, outputIndex));
        }
        List<Worker> ws = new ArrayList<>();
        for (int c = 0; c < schedule.cores(); c++) ws.add(new Worker(c, schedule.actions(c), stagesByCore.get(c)));
        this.workers = List.copyOf(ws);
        this.inputStaging = staging(spec, inputNames);
        this.outputStaging = staging(spec, outputNames);
        String first = !inputNames.isEmpty() ? inputNames.get(0) : outputNames.isEmpty() ? null : outputNames.get(0);
        // Samples are counted along the batch axis: a sequence-first model's axis 0 holds positions.
        TensorType firstType = first == null ? null : spec.inputs().containsKey(first) ? spec.inputs().get(first) : spec.outputs().get(first);
        this.batchSize = first == null ? 0 : (int) firstType.shape()[spec.batchAxis(first)];
    }

    /** Microbatch buffers for the values batched along an axis other than 0, which have no zero-copy views. */
    private static Tensor[][] staging(PipelineSpec spec, List<String> names) {
        Tensor[][] buffers = new Tensor[names.size()][];
        for (int i = 0; i < buffers.length; i++) {
            String name = names.get(i);
            if (spec.batchAxis(name) == 0) continue;
            TensorType t = spec.microbatchType(name);
            buffers[i] = new Tensor[spec.microbatches()];
            for (int k = 0; k < buffers[i].length; k++) buffers[i][k] = Tensor.allocate(t.dtype(), t.shape());
        }
        return buffers;
    }

    /**
     * Refuses a batch whose outputs {@link #run} could not allocate: each output of the whole
     * batch is one tensor, so at most {@link Tensor#MAX_BYTES} (2 GiB).
     */
    private static void checkOutputSizes(PipelineSpec spec) {
        for (Map.Entry<String, TensorType> o : spec.outputs().entrySet()) {
            TensorType t = o.getValue();
            if (!t.isStatic()) continue;
            if (!t.hasLongSize() || t.byteSize() > Tensor.MAX_BYTES) {
                throw new InputMismatchException("a batch of " + spec.microbatches() + " microbatches makes output '" + o.getKey() + "' "
                        + t + ", " + t.exactByteSize() + " bytes, more than the " + Tensor.MAX_BYTES
                        + " bytes (2 GiB) one tensor holds; run fewer microbatches per batch (--microbatches)");
            }
        }
    }

    /**
     * Starts a pipeline for {@code spec}: one thread per core of its schedule. The pipeline owns the
     * spec's executable stages from now on.
     */
    public static Pipeline create(PipelineSpec spec, PipelineOptions options) {
        if (spec == null || options == null) throw new IllegalArgumentException("a spec and options are required");
        Pipeline p;
        try {
            checkOutputSizes(spec);
            p = new Pipeline(spec, options);
        } catch (RuntimeException | Error e) {
            // The pipeline owns the stages from here on: a pipeline that cannot start closes them.
            for (StageSpec st : spec.stages()) st.executable().close();
            throw e;
        }
        for (Worker w : p.workers) w.start();
        return p;
    }

    /** {@link #create(PipelineSpec, PipelineOptions)} with {@link PipelineOptions#defaults()}. */
    public static Pipeline create(PipelineSpec spec) { return create(spec, PipelineOptions.defaults()); }

    /**
     * Loads a compiled bundle: verifies its format and checksums, compiles every stage for the
     * bundle's target (one worker per core) and returns the ready pipeline.
     */
    public static Pipeline load(Path bundle, LoadOptions options) {
        return create(BundleLoader.load(bundle, options), options.pipeline());
    }

    public static Pipeline load(Path bundle) { return load(bundle, LoadOptions.defaults()); }

    public PipelineSpec spec() { return spec; }

    public PipelineOptions options() { return options; }

    /**
     * Runs the model on one batch and returns its outputs, newly allocated, by name in the spec's
     * order. {@code inputs} must hold every model input, and nothing else, with its full-batch type.
     *
     * @throws IllegalArgumentException if the inputs do not fit; nothing has run then
     * @throws PipelineException        if the run failed or stalled
     * @throws IllegalStateException    if the pipeline is closed or broken by an earlier failure
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        synchronized (runLock) {
            long wallStart = System.nanoTime();
            checkUsable();
            Tensor[][] in = splitInputs(inputs);
            Map<String, Tensor> result = new LinkedHashMap<>();
            Tensor[][] out = new Tensor[outputNames.size()][];
            Tensor[] full = new Tensor[outputNames.size()];
            for (int i = 0; i < out.length; i++) {
                TensorType t = spec.outputs().get(outputNames.get(i));
                full[i] = Tensor.allocate(t.dtype(), t.shape());
                result.put(outputNames.get(i), full[i]);
                out[i] = outputStaging[i] != null ? outputStaging[i] : MicrobatchSplitter.split(full[i], spec.microbatches());
            }
            execute(in, out, wallStart);
            gatherOutputs(full);
            return result;
        }
    }

    /**
     * Runs the model on one batch, writing the outputs into the caller's tensors (every model output,
     * with its full-batch type), so that a loop of runs allocates nothing. The outputs must not
     * overlap the inputs.
     *
     * @throws IllegalArgumentException if inputs or outputs do not fit; nothing has run then
     * @throws PipelineException        if the run failed or stalled
     * @throws IllegalStateException    if the pipeline is closed or broken by an earlier failure
     */
    public void run(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
        synchronized (runLock) {
            long wallStart = System.nanoTime();
            checkUsable();
            Tensor[][] in = split("input", inputs, spec.inputs(), inputNames, inputStaging);
            Tensor[][] out = split("output", outputs, spec.outputs(), outputNames, outputStaging);
            Map<Tensor, String> given = new IdentityHashMap<>();
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) given.put(e.getValue(), e.getKey());
            for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
                if (given.containsKey(e.getValue()))
                    throw new InputMismatchException("output '" + e.getKey() + "' is the same tensor as input '" + given.get(e.getValue())
                            + "'; outputs must not overlap inputs");
            }
            stageInputs(inputs, in);
            execute(in, out, wallStart);
            Tensor[] full = new Tensor[outputNames.size()];
            for (int i = 0; i < full.length; i++) full[i] = outputs.get(outputNames.get(i));
            gatherOutputs(full);
        }
    }

    /**
     * Measurements of the last run.
     *
     * @throws IllegalStateException if no run has happened yet or the last one failed
     */
    public RunStats lastRunStats() {
        RunStats s = lastStats;
        if (s != null) return s;
        PipelineException broken = brokenBy;
        if (broken != null) throw new IllegalStateException("the last run failed: " + broken.getMessage(), broken);
        throw new IllegalStateException(lastTrace == null ? "the pipeline has not run yet" : "a run is in progress");
    }

    /**
     * The trace of the last run, failed or not (a failed run's holds the actions that completed).
     *
     * @throws IllegalStateException if the pipeline has not run yet
     */
    public ExecutionTrace lastTrace() {
        ExecutionTrace t = lastTrace;
        if (t == null) throw new IllegalStateException("the pipeline has not run yet, so there is no trace");
        return t;
    }

    /**
     * Writes {@link #lastTrace()} as Chrome trace JSON (with the run's stats if it succeeded) to
     * {@code file}, atomically; a failure is an {@link dev.ppc.files.OutputFileException}.
     */
    public void writeTrace(Path file) {
        ExecutionTrace t = lastTrace();
        RunStats s = lastStats;
        t.write(file, t.complete() ? s : null);
    }

    /**
     * Stops the workers and releases the stages and buffers. A run in progress in another thread
     * fails. Idempotent.
     *
     * @throws PipelineException if a worker did not stop within {@link PipelineOptions#shutdownTimeout()}
     *                           (its thread is left running as a daemon and its stages are not closed)
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) return;
            closed = true;
        }
        RunControl run = active;
        if (run != null) run.fail(new PipelineException("the pipeline was closed during a run"));
        for (Worker w : workers) w.thread().interrupt();
        List<Worker> stuck = join(options.shutdownTimeout().toNanos());
        RuntimeException closeFailure = null;
        for (Worker w : workers) {
            if (stuck.contains(w)) continue;
            for (BoundStage st : w.stages()) {
                try {
                    st.executable.close();
                } catch (RuntimeException e) {
                    if (closeFailure == null) closeFailure = e;
                    else closeFailure.addSuppressed(e);
                }
            }
        }
        channels.release();
        if (!stuck.isEmpty()) {
            PipelineException e = new PipelineException("could not stop " + describeStuck(stuck) + "; the thread is left running as a "
                    + "daemon and its stages are not closed");
            if (closeFailure != null) e.addSuppressed(closeFailure);
            throw e;
        }
        if (closeFailure != null) throw closeFailure;
    }

    /** Buffers allocated by all channels so far (they are recycled across microbatches and runs). */
    int allocatedChannelBuffers() { return channels.allocatedBuffers(); }

    private void checkUsable() {
        if (closed) throw new IllegalStateException("the pipeline is closed");
        PipelineException broken = brokenBy;
        if (broken != null)
            throw new IllegalStateException("the pipeline stopped after a failed run (" + broken.getMessage() + "); close it and create "
                    + "a new one", broken);
    }

    /** Hands the run to the workers, waits for it (checking the watchdog), and records the results. */
    private void execute(Tensor[][] inputs, Tensor[][] outputs, long wallStart) {
        long start = System.nanoTime();
        ExecutionTrace trace = new ExecutionTrace(spec.schedule(), start);
        RunControl control = new RunControl(workers.size(), start, this::cancelWorkers);
        RunState state = new RunState(inputs, outputs, control, trace);
        lastTrace = trace;
        lastStats = null;
        active = control;
        try {
            // close() sets closed before it reads active; checking after publishing active means one
            // of the two always sees the other, so a run never waits on workers that close() ended.
            if (closed) control.fail(new PipelineException("the pipeline was closed during a run"));
            for (Worker w : workers) w.submit(state);
            awaitEnd(control);
        } finally {
            active = null;
        }
        PipelineException failure = control.failure();
        if (failure != null) {
            brokenBy = failure;
            List<Worker> stuck = join(options.shutdownTimeout().toNanos());
            if (!stuck.isEmpty())
                failure.addSuppressed(new PipelineException("after the failure, could not stop " + describeStuck(stuck)));
            throw failure;
        }
        long end = System.nanoTime();
        long[] busy = new long[workers.size()];
        for (int c = 0; c < busy.length; c++) busy[c] = trace.busyNanos(c);
        lastStats = new RunStats(batchSize, spec.microbatches(), end - wallStart, trace.makespanNanos(), trace.bubble(), busy);
    }

    private void awaitEnd(RunControl control) {
        try {
            if (!watchdog.enabled()) {
                control.awaitEnd(Long.MAX_VALUE);
                return;
            }
            while (!control.awaitEnd(watchdog.pollNanos())) {
                PipelineException stall = watchdog.check(System.nanoTime(), control.lastProgressNanos(), workers);
                if (stall != null) control.fail(stall);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            control.fail(new PipelineException("the thread calling run was interrupted, so the run was cancelled"));
        }
    }

    /** The cancellation hook of every run: wake every receiver and interrupt every other worker. */
    private void cancelWorkers() {
        channels.wakeAll();
        // The interrupt ends workers that are idle (the pipeline does not run after a failure) and
        // frees a stage blocked in an interruptible wait; a stage busy computing finishes its action
        // and then sees the cancellation.
        for (Worker w : workers) if (w.thread() != Thread.currentThread()) w.thread().interrupt();
    }

    /** Joins every worker thread within {@code nanos} in all; returns those still alive. */
    private List<Worker> join(long nanos) {
        long deadline = System.nanoTime() + nanos;
        List<Worker> stuck = new ArrayList<>();
        boolean interrupted = false;
        for (Worker w : workers) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0 && !interrupted) w.thread().join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (w.thread().isAlive()) stuck.add(w);
        }
        if (interrupted) Thread.currentThread().interrupt();
        return stuck;
    }

    private String describeStuck(List<Worker> stuck) {
        List<String> parts = new ArrayList<>();
        for (Worker w : stuck) {
            Worker.Activity a = w.activity();
            parts.add("core " + w.core() + " (thread " + w.thread().getName() + (a == null ? "" : ", in " + a.action()) + ")");
        }
        return String.join(", ", parts) + " within " + options.shutdownTimeout().toMillis() + " ms";
    }

    /** The microbatches of every model input: views along axis 0, copies into the staging buffers along another axis. */
    private Tensor[][] splitInputs(Map<String, Tensor> inputs) {
        Tensor[][] views = split("input", inputs, spec.inputs(), inputNames, inputStaging);
        stageInputs(inputs, views);
        return views;
    }

    /** Copies each input batched along an axis other than 0 into its staging buffers (its microbatches). */
    private void stageInputs(Map<String, Tensor> inputs, Tensor[][] microbatches) {
        for (int i = 0; i < microbatches.length; i++) {
            if (inputStaging[i] == null) continue;
            Tensor full = inputs.get(inputNames.get(i));
            int axis = spec.batchAxis(inputNames.get(i));
            for (int k = 0; k < microbatches[i].length; k++) MicrobatchSplitter.copyOut(full, axis, microbatches[i].length, k, microbatches[i][k]);
        }
    }

    /** Copies the staged microbatches of outputs batched along an axis other than 0 into the full outputs. */
    private void gatherOutputs(Tensor[] full) {
        for (int i = 0; i < full.length; i++) {
            if (outputStaging[i] == null) continue;
            int axis = spec.batchAxis(outputNames.get(i));
            for (int k = 0; k < outputStaging[i].length; k++) MicrobatchSplitter.copyIn(outputStaging[i][k], full[i], axis, outputStaging[i].length, k);
        }
    }

    /**
     * Checks the caller's tensors against the declared model values and returns their microbatches:
     * views of values batched along axis 0, the staging buffers of the others.
     */
    private Tensor[][] split(String kind, Map<String, Tensor> given, Map<String, TensorType> declared, List<String> names, Tensor[][] staging) {
        if (given == null) throw new InputMismatchException("the " + kind + "s are required (a map from name to tensor)");
        List<String> missing = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String name : names) if (!given.containsKey(name)) missing.add(name);
        for (String name : given.keySet()) if (!declared.containsKey(name)) unknown.add(name);
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            List<String> parts = new ArrayList<>();
            if (!missing.isEmpty()) parts.add("missing " + kind + (missing.size() > 1 ? "s " : " ") + quoted(missing));
            if (!unknown.isEmpty()) parts.add("unknown " + kind + (unknown.size() > 1 ? "s " : " ") + quoted(unknown));
            throw new InputMismatchException(String.join("; ", parts) + "; the model's " + kind + "s are "
                    + (names.isEmpty() ? "none" : quoted(names)));
        }
        int m = spec.microbatches();
        Tensor[][] views = new Tensor[names.size()][];
        for (int i = 0; i < views.length; i++) {
            String name = names.get(i);
            Tensor t = given.get(name);
            TensorType type = declared.get(name);
            check(kind, name, t, type);
            views[i] = staging[i] != null ? staging[i] : MicrobatchSplitter.split(t, m);
        }
        return views;
    }

    private void check(String kind, String name, Tensor t, TensorType type) {
        if (t == null) throw new InputMismatchException(kind + " '" + name + "' is null");
        long[] expected = type.shape();
        long[] actual = t.shape();
        if (t.dtype() != type.dtype())
            throw new InputMismatchException(kind + " '" + name + "' is " + t.dtype() + " " + Shapes.str(actual) + ", but the model expects "
                    + type);
        int axis = spec.batchAxis(name);
        boolean sameRank = actual.length == expected.length;
        boolean sameSample = sameRank && Arrays.equals(actual, 0, axis, expected, 0, axis)
                && Arrays.equals(actual, axis + 1, actual.length, expected, axis + 1, expected.length);
        if (!sameSample)
            throw new InputMismatchException(kind + " '" + name + "' has shape " + Shapes.str(actual) + ", but the model expects "
                    + Shapes.str(expected) + " (" + type + ")");
        if (actual[axis] != expected[axis]) {
            int m = spec.microbatches();
            long rows = expected[axis] / m;
            String why = actual[axis] % m != 0 ? actual[axis] + " does not split into " + m + " microbatches" : actual[axis] + " splits into " + m
                    + " microbatches of " + (actual[axis] / m) + ", not of " + rows;
            throw new InputMismatchException(kind + " '" + name + "' has batch size " + actual[axis] + (axis == 0 ? "" : " (along axis " + axis + ")")
                    + ", but this pipeline runs " + m + " microbatches of " + rows + " (the compiled microbatch shape is "
                    + Shapes.str(spec.microbatchType(name).shape()) + "): " + why + "; the batch size that works is " + expected[axis]);
        }
    }

    private static String quoted(List<String> names) { return "'" + String.join("', '", names) + "'"; }

    private static Map<String, Integer> index(List<String> names) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < names.size(); i++) m.put(names.get(i), i);
        return m;
    }
}
