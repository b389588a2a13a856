package dev.ppc.runtime;

import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.Port;
import dev.ppc.backend.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A test stage: every output is {@code (sum_i in_i * w_i) * (j + 1) + bias}, elementwise over f32
 * tensors of one shape, computed in a fixed order so results are reproducible bit for bit. It
 * checks that it gets tensors of its declared types, and can be told to fail or to block on its
 * k-th call (which is microbatch k in a forward schedule).
 */
final class AffineStage implements ExecutableStage {
    private final String op;
    private final List<Port> inputs;
    private final List<Port> outputs;
    private final float[] weights;
    private final float bias;
    private int calls;
    private int failOnCall = -1;
    private int blockOnCall = -1;
    private boolean ignoreInterrupts;
    private CountDownLatch block;
    private boolean recording;
    private final List<Tensor[]> seenInputs = new ArrayList<>();
    private final List<Tensor[]> seenOutputs = new ArrayList<>();
    private volatile boolean closed;
    private volatile Thread runner;

    AffineStage(String op, List<Port> inputs, List<Port> outputs, float[] weights, float bias) {
        if (weights.length != inputs.size()) throw new IllegalArgumentException("one weight per input");
        this.op = op;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.weights = weights.clone();
        this.bias = bias;
    }

    /** Throws {@code injected fault in <op>} on call {@code call} (0-based). */
    AffineStage failOnCall(int call) {
        failOnCall = call;
        return this;
    }

    /** Waits on {@code latch} on call {@code call}; an interrupt ends the wait unless told otherwise. */
    AffineStage blockOnCall(int call, CountDownLatch latch, boolean ignoreInterrupts) {
        blockOnCall = call;
        block = latch;
        this.ignoreInterrupts = ignoreInterrupts;
        return this;
    }

    /** Keeps the tensors of every call (for checking that views alias the caller's memory). */
    AffineStage recording() {
        recording = true;
        return this;
    }

    List<Tensor[]> seenInputs() { return seenInputs; }

    List<Tensor[]> seenOutputs() { return seenOutputs; }

    boolean closed() { return closed; }

    /** The last thread that ran this stage. */
    Thread runner() { return runner; }

    @Override public List<Port> inputs() { return inputs; }

    @Override public List<Port> outputs() { return outputs; }

    @Override
    public void run(Tensor[] in, Tensor[] out) {
        if (closed) throw new IllegalStateException(op + " runs after close");
        runner = Thread.currentThread();
        int call = calls++;
        check(in, inputs, "input");
        check(out, outputs, "output");
        if (recording) {
            seenInputs.add(in.clone());
            seenOutputs.add(out.clone());
        }
        if (call == failOnCall) throw new IllegalStateException("injected fault in " + op);
        if (call == blockOnCall) awaitRelease();
        long n = out.length > 0 ? out[0].numel() : 0;
        for (long e = 0; e < n; e++) {
            float acc = 0;
            for (int i = 0; i < in.length; i++) acc += in[i].getFloat(e) * weights[i];
            for (int j = 0; j < out.length; j++) out[j].setFloat(e, acc * (j + 1) + bias);
        }
    }

    private void awaitRelease() {
        while (true) {
            try {
                block.await();
                return;
            } catch (InterruptedException e) {
                if (!ignoreInterrupts) throw new IllegalStateException(op + " was interrupted while blocked");
            }
        }
    }

    private static void check(Tensor[] given, List<Port> ports, String side) {
        if (given.length != ports.size()) throw new IllegalArgumentException(given.length + " " + side + "s for " + ports.size() + " ports");
        for (int i = 0; i < given.length; i++) {
            if (given[i] == null) throw new IllegalArgumentException(side + " " + i + " is null");
            if (given[i].dtype() != ports.get(i).type().dtype() || !given[i].hasShape(ports.get(i).type().shape()))
                throw new IllegalArgumentException(side + " " + i + " is " + given[i] + ", the port is " + ports.get(i).type());
        }
    }

    @Override public long arenaBytes() { return 0; }

    @Override public void close() { closed = true; }
}
