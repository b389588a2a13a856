package dev.ppc.backend;

import java.util.List;

/**
 * A compiled stage function, ready to run. Inputs are the function's parameters followed by the
 * values its {@code ppc.recv} ops receive; outputs are its named outputs followed by the values
 * its {@code ppc.send} ops send. The caller provides output tensors of the declared types, so a
 * runtime can hand them to another stage without copying and recycle them afterwards.
 * A stage is not thread-safe: one thread runs it at a time.
 */
public interface ExecutableStage extends AutoCloseable {
    List<Port> inputs();

    List<Port> outputs();

    /** Computes {@code outputs} from {@code inputs}; arrays are ordered like {@link #inputs()} and {@link #outputs()}. */
    void run(Tensor[] inputs, Tensor[] outputs);

    /**
     * Runs the stage on inputs keyed by port name and returns fresh outputs keyed by port name
     * (a convenience for callers that run a whole model as one stage; it allocates the outputs).
     *
     * @throws ExecutionException naming the port when an input is missing
     */
    default java.util.Map<String, Tensor> run(java.util.Map<String, Tensor> inputs) {
        List<Port> ins = inputs();
        Tensor[] in = new Tensor[ins.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = inputs.get(ins.get(i).name());
            if (in[i] == null) throw new ExecutionException("no tensor for input '" + ins.get(i).name() + "'", true, null);
        }
        Tensor[] out = allocateOutputs();
        run(in, out);
        java.util.Map<String, Tensor> result = new java.util.LinkedHashMap<>();
        List<Port> outs = outputs();
        for (int i = 0; i < out.length; i++) result.put(outs.get(i).name(), out[i]);
        return result;
    }

    /** Allocates fresh tensors for the outputs (a convenience for callers that do not pool). */
    default Tensor[] allocateOutputs() {
        List<Port> outs = outputs();
        Tensor[] t = new Tensor[outs.size()];
        for (int i = 0; i < t.length; i++) t[i] = Tensor.allocate(outs.get(i).type().dtype(), outs.get(i).type().shape());
        return t;
    }

    /**
     * Nanoseconds spent per op kind over all runs so far, when compiled with
     * {@link StageOptions#profile()}; empty otherwise.
     */
    default java.util.Map<String, Long> profileNanos() { return java.util.Map.of(); }

    /** Bytes of working memory the stage holds (its planned arena), for reports. */
    long arenaBytes();

    /** Releases the stage's memory; the stage cannot run afterwards. */
    @Override
    void close();
}
