package dev.ppc.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.ppc.backend.Backend;
import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.Port;
import dev.ppc.backend.StageOptions;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.Blas;
import dev.ppc.backend.io.Npz;
import dev.ppc.compiler.ModelLoader;
import dev.ppc.ir.Module;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times one forward pass of a model with ppc (one CPU stage) and with ONNX Runtime in the same
 * process, both pinned to the same thread count, and prints medians and the ratio ppc / ORT.
 *
 * <p>Usage: {@code ForwardBench MODEL_DIR [threads,...] [iterations] [rounds]} where MODEL_DIR
 * holds {@code model.onnx} and {@code inputs.npz}. Each round times {@code iterations} runs of
 * ppc, then {@code iterations} runs of ORT; the rounds alternate so that slow drifts of a shared
 * machine hit both alike, and the figures are medians over all runs (per-round medians are
 * printed too, to show the spread).
 *
 * <p>Why blocks and not run-by-run alternation: both engines keep their worker threads spinning
 * for a while after a parallel region (ORT's intra-op pool, OpenBLAS's server threads for about
 * 2^28 cycles), so with more than one thread on a two-core machine each engine's spinning
 * threads would steal the cores the other one is timed on. A pause after each block lets them
 * go to sleep first.
 */
public final class ForwardBench {
    private ForwardBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/models/gpt2-bench");
        int[] threadCounts = Arrays.stream((args.length > 1 ? args[1] : "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path model = dir.resolve("model.onnx");
        Map<String, Tensor> inputs = Npz.read(dir.resolve("inputs.npz"));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        inputs.forEach((k, v) -> shapes.put(k, v.shape()));
        Blas.setThreads(1);
        System.out.printf("model %s, inputs %s, %d rounds of %d iterations after warm-up%n", model, describe(shapes), rounds, iterations);
        System.out.printf("BLAS: %s; OpenBLAS core: %s; OPENBLAS_CORETYPE=%s%n", Blas.describe(), OpenBlasCore.name(),
                System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)"));
        System.out.printf("%-8s %14s %14s %10s   %s%n", "threads", "ppc ms (med)", "ORT ms (med)", "ppc/ORT", "per-round medians ppc | ORT");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (int threads : threadCounts) {
            Module m = new ModelLoader().inputShapes(shapes).load(model);
            try (ExecutableStage stage = Backend.find("cpu").compile(m, m.main(), new StageOptions(threads, false));
                 OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                opts.setIntraOpNumThreads(threads);
                opts.setInterOpNumThreads(1);
                opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                try (OrtSession session = env.createSession(model.toString(), opts)) {
                    List<Port> ports = stage.inputs();
                    Tensor[] in = new Tensor[ports.size()];
                    for (int i = 0; i < in.length; i++) in[i] = inputs.get(ports.get(i).name());
                    Tensor[] out = stage.allocateOutputs();
                    Map<String, OnnxTensor> ortIn = new HashMap<>();
                    for (Map.Entry<String, Tensor> e : inputs.entrySet()) ortIn.put(e.getKey(), toOrt(env, e.getValue()));
                    for (int w = 0; w < 5; w++) stage.run(in, out);
                    for (int w = 0; w < 5; w++) session.run(ortIn).close();
                    List<Double> ppc = new ArrayList<>(), ort = new ArrayList<>();
                    StringBuilder perRound = new StringBuilder();
                    for (int r = 0; r < rounds; r++) {
                        List<Double> p = new ArrayList<>(), o = new ArrayList<>();
                        settle();
                        for (int it = 0; it < iterations; it++) {
                            long t0 = System.nanoTime();
                            stage.run(in, out);
                            p.add((System.nanoTime() - t0) / 1e6);
                        }
                        settle();
                        for (int it = 0; it < iterations; it++) {
                            long t0 = System.nanoTime();
                            session.run(ortIn).close();
                            o.add((System.nanoTime() - t0) / 1e6);
                        }
                        ppc.addAll(p);
                        ort.addAll(o);
                        perRound.append(String.format("%s%.1f|%.1f", r == 0 ? "" : "  ", median(p), median(o)));
                    }
                    double p = median(ppc), o = median(ort);
                    System.out.printf("%-8d %14.2f %14.2f %10.2f   %s%n", threads, p, o, p / o, perRound);
                    if (Boolean.getBoolean("ppc.profile")) profile(m, threads, in, out);
                }
            }
        }
    }

    /** Lets the other engine's spinning worker threads go to sleep before a timed block. */
    private static void settle() throws InterruptedException {
        Thread.sleep(300);
    }

    /** Where ppc's time goes: per op kind, averaged over 10 profiled runs after 5 warm-up runs. */
    static void profile(Module m, int threads, Tensor[] in, Tensor[] out) {
        try (ExecutableStage s = Backend.find("cpu").compile(m, m.main(), new StageOptions(threads, true))) {
            for (int i = 0; i < 5; i++) s.run(in, out);
            Map<String, Long> before = new HashMap<>(s.profileNanos());
            int runs = 10;
            for (int i = 0; i < runs; i++) s.run(in, out);
            Map<String, Long> spent = new HashMap<>();
            s.profileNanos().forEach((k, v) -> spent.put(k, v - before.getOrDefault(k, 0L)));
            long total = spent.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("    profile (sum of op times %.2f ms/run)%n", total / 1e6 / runs);
            spent.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                    .forEach(e -> System.out.printf("    %-22s %8.2f ms/run %5.1f%%%n", e.getKey(), e.getValue() / 1e6 / runs, 100.0 * e.getValue() / total));
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String describe(Map<String, long[]> shapes) {
        StringBuilder sb = new StringBuilder();
        shapes.forEach((k, v) -> sb.append(k).append('=').append(Arrays.toString(v)).append(' '));
        return sb.toString().trim();
    }

    static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws Exception {
        ByteBuffer b = t.data().duplicate().order(ByteOrder.nativeOrder());
        b.clear();
        b.limit((int) t.byteSize());
        return switch (t.dtype()) {
            case F32 -> OnnxTensor.createTensor(env, b.asFloatBuffer(), t.shape());
            case I64 -> OnnxTensor.createTensor(env, b.asLongBuffer(), t.shape());
            default -> throw new IllegalArgumentException("bench inputs must be f32 or i64, got " + t.dtype());
        };
    }
}
