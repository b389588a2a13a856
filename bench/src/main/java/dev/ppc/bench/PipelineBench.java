package dev.ppc.bench;

import dev.ppc.backend.Backend;
import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.Port;
import dev.ppc.backend.StageOptions;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.Blas;
import dev.ppc.backend.io.Npz;
import dev.ppc.compiler.CompileOptions;
import dev.ppc.compiler.ModelLoader;
import dev.ppc.ir.Module;
import dev.ppc.runtime.LoadOptions;
import dev.ppc.runtime.MicrobatchSplitter;
import dev.ppc.runtime.Pipeline;
import dev.ppc.schedule.Action;
import dev.ppc.schedule.ActionType;
import dev.ppc.schedule.CostModel;
import dev.ppc.schedule.ScheduleSimulator;
import dev.ppc.schedule.SimulationResult;
import dev.ppc.schedule.Timeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pipelined inference against one stage: the model cut into stages (one core each, one OpenBLAS
 * thread each) with m microbatches, against the whole model as one stage on one thread, in the
 * same process, runs alternating. Reports throughput (samples/s), the speed-up, the measured
 * bubble, and the bubble the schedule simulator predicts from the measured per-stage F costs.
 *
 * <p>Usage: {@code PipelineBench MODEL_DIR [cuts=4] [microbatches=8] [iterations=20] [batch]}; a
 * batch larger than the committed inputs' repeats their rows.
 */
public final class PipelineBench {
    private PipelineBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/models/gpt2-bench");
        String cuts = args.length > 1 ? args[1] : "4";
        int m = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        Path model = dir.resolve("model.onnx");
        Map<String, Tensor> inputs = Npz.read(dir.resolve("inputs.npz"));
        if (args.length > 4) inputs = repeatRows(inputs, Integer.parseInt(args[4]));
        Map<String, long[]> full = new LinkedHashMap<>(), micro = new LinkedHashMap<>();
        final Map<String, Tensor> batchInputs = inputs;
        batchInputs.forEach((k, v) -> {
            full.put(k, v.shape());
            long[] s = v.shape();
            s[0] /= m;
            micro.put(k, s);
        });
        int batch = (int) inputs.values().iterator().next().shape()[0];
        System.out.printf("model %s, batch %d, --cuts %s, %d microbatches, %d iterations%n", model, batch, cuts, m, iterations);

        Module whole = new ModelLoader().inputShapes(full).load(model);
        Module cleanedMicro = new ModelLoader().inputShapes(micro).load(model);
        Path bundle = Files.createTempDirectory("ppc-bench").resolve("model.ppc");
        dev.ppc.compiler.Compiler.compile(whole, CompileOptions.withCuts(cuts).microbatches(m), bundle);

        try (ExecutableStage one = Backend.find("cpu").compile(whole, whole.main(), new StageOptions(1, false));
             ExecutableStage oneMicro = Backend.find("cpu").compile(cleanedMicro, cleanedMicro.main(), new StageOptions(1, false));
             Pipeline pipe = Pipeline.load(bundle, LoadOptions.defaults().withThreadsPerCore(1))) {
            List<Port> ports = one.inputs();
            Tensor[] in = new Tensor[ports.size()];
            for (int i = 0; i < in.length; i++) in[i] = inputs.get(ports.get(i).name());
            Tensor[] out = one.allocateOutputs();
            // The same microbatches through one stage, one after another: same shapes as the pipeline's.
            Tensor[][] microIn = new Tensor[m][in.length];
            for (int i = 0; i < in.length; i++) {
                Tensor[] views = MicrobatchSplitter.split(in[i], m);
                for (int k = 0; k < m; k++) microIn[k][i] = views[k];
            }
            Tensor[] microOut = oneMicro.allocateOutputs();
            for (int w = 0; w < 3; w++) {
                one.run(in, out);
                for (Tensor[] mb : microIn) oneMicro.run(mb, microOut);
                pipe.run(inputs);
            }
            List<Double> microMs = new ArrayList<>();
            List<Double> oneMs = new ArrayList<>(), pipeMs = new ArrayList<>(), bubbles = new ArrayList<>(), predicted = new ArrayList<>();
            for (int it = 0; it < iterations; it++) {
                long t0 = System.nanoTime();
                one.run(in, out);
                oneMs.add((System.nanoTime() - t0) / 1e6);
                long t1 = System.nanoTime();
                for (Tensor[] mb : microIn) oneMicro.run(mb, microOut);
                microMs.add((System.nanoTime() - t1) / 1e6);
                pipe.run(inputs);
                pipeMs.add(pipe.lastRunStats().wallNanos() / 1e6);
                bubbles.add(pipe.lastRunStats().bubble());
                predicted.add(predictedBubble(pipe.lastTrace().timeline(), pipe));
            }
            System.out.println("OpenBLAS: " + Blas.describe());
            double o = ForwardBench.median(oneMs), p = ForwardBench.median(pipeMs), om = ForwardBench.median(microMs);
            double measured = ForwardBench.median(bubbles), sim = ForwardBench.median(predicted);
            System.out.printf("one stage, 1 thread:            %8.2f ms/batch  %8.1f samples/s%n", o, batch * 1000 / o);
            System.out.printf("one stage, 1 thread, %d microbatches in turn: %8.2f ms/batch  %8.1f samples/s%n", m, om, batch * 1000 / om);
            System.out.printf("%d stages on %d cores, m=%d:      %8.2f ms/batch  %8.1f samples/s%n",
                    pipe.spec().stages().size(), pipe.spec().cores(), m, p, batch * 1000 / p);
            System.out.printf("speed-up over the same microbatches on one stage: %.2fx%n", om / p);
            System.out.printf("speed-up %.2fx; measured bubble %.3f; simulator's bubble for the measured stage costs %.3f (|diff| %.3f)%n",
                    o / p, measured, sim, Math.abs(measured - sim));
            printStageCosts(pipe.lastTrace().timeline());
        }
    }

    /** Simulates the run's schedule with each stage's F at its measured median duration (no message delay). */
    static double predictedBubble(Timeline measured, Pipeline pipe) {
        Map<Integer, List<Long>> fByStage = new LinkedHashMap<>();
        for (Timeline.Span s : measured.spans()) {
            if (s.action().type() == ActionType.F) fByStage.computeIfAbsent(s.action().stage(), k -> new ArrayList<>()).add(s.duration());
        }
        Map<Integer, Long> cost = new LinkedHashMap<>();
        fByStage.forEach((stage, ds) -> {
            List<Double> d = new ArrayList<>();
            ds.forEach(x -> d.add((double) x));
            cost.put(stage, Math.round(ForwardBench.median(d)));
        });
        CostModel model = new CostModel() {
            @Override public long ticksPerUnit() { return 1_000_000; }

            @Override public long duration(Action a) { return a.type() == ActionType.F ? cost.getOrDefault(a.stage(), 0L) : 0; }

            @Override public long messageDelay(Action send) { return 0; }

            @Override public String describe() { return "measured F per stage " + cost; }
        };
        SimulationResult r = ScheduleSimulator.simulate(pipe.spec().schedule(), model);
        return r.bubble().toDouble();
    }

    /** Inputs with {@code batch} rows: the given rows repeated in order. */
    static Map<String, Tensor> repeatRows(Map<String, Tensor> inputs, int batch) {
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            Tensor t = e.getValue();
            long[] s = t.shape();
            long rowBytes = t.byteSize() / s[0];
            s[0] = batch;
            Tensor out = Tensor.allocate(t.dtype(), s);
            for (int i = 0; i < batch; i++) {
                java.nio.ByteBuffer src = t.data().duplicate();
                src.clear();
                src.position((int) (rowBytes * (i % t.shape()[0]))).limit((int) (rowBytes * (i % t.shape()[0] + 1)));
                java.nio.ByteBuffer dst = out.data().duplicate();
                dst.clear();
                dst.position((int) (rowBytes * i));
                dst.put(src);
            }
            r.put(e.getKey(), out);
        }
        return r;
    }

    static void printStageCosts(Timeline t) {
        Map<Integer, List<Double>> f = new LinkedHashMap<>();
        for (Timeline.Span s : t.spans()) {
            if (s.action().type() == ActionType.F) f.computeIfAbsent(s.action().stage(), k -> new ArrayList<>()).add(s.duration() / 1e6);
        }
        f.forEach((stage, ds) -> System.out.printf("  stage %d: F median %.2f ms per microbatch%n", stage, ForwardBench.median(ds)));
    }
}
