package dev.ppc.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.ppc.backend.Backend;
import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.Port;
import dev.ppc.backend.StageOptions;
import dev.ppc.backend.Tensor;
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
 * process, both pinned to the same thread count, alternating the two so that machine noise hits
 * both alike. Prints medians and the ratio ppc / ORT.
 *
 * <p>Usage: {@code ForwardBench MODEL_DIR [threads,...] [iterations]} where MODEL_DIR holds
 * {@code model.onnx} and {@code inputs.npz}.
 */
public final class ForwardBench {
    private ForwardBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/models/gpt2-bench");
        int[] threadCounts = Arrays.stream((args.length > 1 ? args[1] : "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Path model = dir.resolve("model.onnx");
        Map<String, Tensor> inputs = Npz.read(dir.resolve("inputs.npz"));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        inputs.forEach((k, v) -> shapes.put(k, v.shape()));
        System.out.printf("model %s, inputs %s, %d iterations after warm-up%n", model, describe(shapes), iterations);
        System.out.printf("%-8s %14s %14s %10s%n", "threads", "ppc ms (med)", "ORT ms (med)", "ppc/ORT");
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
                    for (int w = 0; w < 5; w++) {
                        stage.run(in, out);
                        session.run(ortIn).close();
                    }
                    List<Double> ppc = new ArrayList<>(), ort = new ArrayList<>();
                    for (int it = 0; it < iterations; it++) {
                        long t0 = System.nanoTime();
                        stage.run(in, out);
                        long t1 = System.nanoTime();
                        session.run(ortIn).close();
                        long t2 = System.nanoTime();
                        ppc.add((t1 - t0) / 1e6);
                        ort.add((t2 - t1) / 1e6);
                    }
                    double p = median(ppc), o = median(ort);
                    System.out.printf("%-8d %14.2f %14.2f %10.2f%n", threads, p, o, p / o);
                    if (Boolean.getBoolean("ppc.profile")) profile(m, threads, in, out);
                }
            }
        }
    }

    /** Where ppc's time goes: per op kind, over 5 profiled runs. */
    static void profile(Module m, int threads, Tensor[] in, Tensor[] out) {
        try (ExecutableStage s = Backend.find("cpu").compile(m, m.main(), new StageOptions(threads, true))) {
            for (int i = 0; i < 5; i++) s.run(in, out);
            long total = s.profileNanos().values().stream().mapToLong(Long::longValue).sum();
            s.profileNanos().entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                    .forEach(e -> System.out.printf("    %-22s %8.2f ms/run %5.1f%%%n", e.getKey(), e.getValue() / 5e6, 100.0 * e.getValue() / total));
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
