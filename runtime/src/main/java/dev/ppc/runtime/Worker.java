package dev.ppc.runtime;

import dev.ppc.backend.Tensor;
import dev.ppc.schedule.Action;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One core: a platform thread named {@code ppc-core-K} that holds the core's stages and, for each
 * run, executes the core's action list from the schedule in order. It interprets, nothing more:
 * <ul>
 *   <li>{@code F(s, mb)} runs stage s on microbatch mb: inputs are the microbatch views of model
 *       inputs and the tensors received on its channels; outputs are the microbatch views of model
 *       outputs and fresh buffers from its channels' pools. Received buffers go back to their pools
 *       once the F has finished; produced ones wait for the {@code SEND_F} (or, on a same-core
 *       channel, are simply there for the consumer).</li>
 *   <li>{@code SEND_F(s, mb)} hands stage s's cross-core outputs for mb to their channels.</li>
 *   <li>{@code RECV_F(s, mb)} waits for stage s's cross-core inputs for mb.</li>
 * </ul>
 * Only this thread calls its stages' {@link dev.ppc.backend.ExecutableStage#run}.
 *
 * <p>Between actions the worker checks the run's cancellation; a failure ends its thread (a
 * pipeline does not run again after a failed run), and so does an interrupt while it is idle, which
 * is how {@link Pipeline#close} stops it.
 */
final class Worker implements Runnable {
    /**
     * What the core is doing, for the watchdog: the step and action, since when, and the channel it
     * waits on if its F waits for an input that no RECV_F of this stage receives (one that skips
     * stages).
     */
    record Activity(int step, Action action, long sinceNanos, Channel waitingOn) { }

    private final int core;
    private final List<Action> actions;
    /** For each step, the stage its action belongs to. */
    private final BoundStage[] stageOfStep;
    private final List<BoundStage> stages;
    private final Thread thread;
    private final BlockingQueue<RunState> runs = new LinkedBlockingQueue<>();
    private volatile Activity activity;

    Worker(int core, List<Action> actions, Map<Integer, BoundStage> stagesById) {
        this.core = core;
        this.actions = actions;
        this.stageOfStep = new BoundStage[actions.size()];
        for (int k = 0; k < stageOfStep.length; k++) stageOfStep[k] = stagesById.get(actions.get(k).stage());
        this.stages = List.copyOf(stagesById.values());
        this.thread = new Thread(this, threadName(core));
        // A stage stuck in native code must not keep the JVM alive after close() gave up on it.
        this.thread.setDaemon(true);
    }

    /** The name of core {@code core}'s thread. */
    static String threadName(int core) { return Pipeline.THREAD_PREFIX + core; }

    int core() { return core; }

    Thread thread() { return thread; }

    List<BoundStage> stages() { return stages; }

    /** What the core is doing now, or null when it is not in an action. */
    Activity activity() { return activity; }

    void start() { thread.start(); }

    void submit(RunState run) { runs.add(run); }

    @Override
    public void run() {
        try {
            while (true) {
                if (!execute(runs.take())) return;
            }
        } catch (InterruptedException e) {
            // close() (or a failure) interrupted an idle worker: the thread ends, nothing is running.
        } finally {
            activity = null;
        }
    }

    /** Runs the action list once; false if the run was cancelled or failed here. */
    private boolean execute(RunState run) {
        RunControl control = run.control();
        for (int k = 0; k < actions.size(); k++) {
            if (control.cancelled()) return stop();
            Action a = actions.get(k);
            long reached = System.nanoTime();
            activity = new Activity(k, a, reached, null);
            long start = reached;
            try {
                switch (a.type()) {
                    case F -> start = forward(run, k, a, reached);
                    case SEND_F -> {
                        for (Channel ch : stageOfStep[k].remoteOut) ch.send(a.microbatch());
                    }
                    case RECV_F -> {
                        for (Channel ch : stageOfStep[k].remoteIn) ch.receive(a.microbatch(), control);
                    }
                    default -> throw new IllegalStateException(a + " is not an inference action");
                }
            } catch (Channel.Cancelled c) {
                if (!control.cancelled())
                    control.fail(new PipelineException("core " + core + " was interrupted in " + a + " while no failure was reported",
                            core, a.stage(), a.microbatch(), null));
                return stop();
            } catch (Throwable t) {
                // Whatever a stage throws, errors included, ends the run with its location.
                control.fail(PipelineException.actionFailed(core, a, t));
                return stop();
            }
            long end = System.nanoTime();
            run.trace().record(core, k, start, end);
            control.progressed(end);
        }
        activity = null;
        control.coreFinished();
        return true;
    }

    private boolean stop() {
        activity = null;
        return false;
    }

    /**
     * F(s, mb): gathers the inputs, runs the stage, recycles the inputs and passes the outputs on.
     *
     * @return when the computation started: after any wait for an input that skipped stages
     */
    private long forward(RunState run, int step, Action a, long reached) {
        BoundStage st = stageOfStep[step];
        int mb = a.microbatch();
        Tensor[] in = st.inputArgs;
        Tensor[] out = st.outputArgs;
        long start = reached;
        for (int i = 0; i < in.length; i++) {
            Channel ch = st.inputChannel[i];
            if (ch == null) {
                in[i] = run.inputs()[st.inputModel[i]][mb];
                continue;
            }
            if (!ch.hasReceived(mb)) {
                if (ch.isLocal())
                    throw new IllegalStateException("stage " + st.stage + " needs channel " + ch.id() + " for microbatch " + mb
                            + " from stage " + ch.spec().srcStage() + " on the same core, which has not computed it yet");
                // An input from several stages back has no RECV_F of this stage; wait for it here.
                activity = new Activity(step, a, reached, ch);
                ch.receive(mb, run.control());
                start = System.nanoTime();
            }
            in[i] = ch.peek(mb);
        }
        for (int j = 0; j < out.length; j++) {
            Channel ch = st.outputChannel[j];
            out[j] = ch == null ? run.outputs()[st.outputModel[j]][mb] : ch.acquire();
        }
        st.executable.run(in, out);
        for (Channel ch : st.inputChannel) if (ch != null) ch.consumed(mb);
        for (int j = 0; j < out.length; j++) {
            if (st.outputChannel[j] != null) st.outputChannel[j].produced(mb, out[j]);
        }
        if (!st.scheduleSends) {
            for (Channel ch : st.remoteOut) ch.send(mb);
        }
        // Drop the references so that nothing outlives the run through the argument arrays.
        Arrays.fill(in, null);
        Arrays.fill(out, null);
        return start;
    }
}
