package dev.ppc.runtime;

import dev.ppc.backend.Port;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import dev.ppc.ir.TensorType;
import dev.ppc.schedule.Schedule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * A test model of S chained {@link AffineStage}s: stage k sends to stage k+1 on channel 10+k; with
 * three or more stages, stage 0 also sends a skip connection straight to stage 2 (channel 90); the
 * last stage also reads a second model input, {@code scale}, and writes two outputs, {@code y} and
 * {@code aux}. Every value has {@link #FEATURES} columns; a microbatch has {@code rows} rows.
 *
 * <p>{@link #reference} runs fresh copies of the same stages one after another, microbatch by
 * microbatch, on copies of the inputs: the result a pipelined run must equal bit for bit.
 */
final class ChainModel {
    static final int FEATURES = 3;
    static final int SKIP_CHANNEL = 90;

    final int stages;
    final int microbatches;
    final int rows;
    private final TensorType mbType;
    private final List<List<Port>> inPorts = new ArrayList<>();
    private final List<List<Port>> outPorts = new ArrayList<>();
    private final List<ChannelSpec> channels = new ArrayList<>();

    ChainModel(int stages, int microbatches, int rows) {
        this.stages = stages;
        this.microbatches = microbatches;
        this.rows = rows;
        this.mbType = TensorType.of(DType.F32, rows, FEATURES);
        boolean skip = stages >= 3;
        for (int k = 0; k + 1 < stages; k++) channels.add(new ChannelSpec(10 + k, k, k + 1, mbType));
        if (skip) channels.add(new ChannelSpec(SKIP_CHANNEL, 0, 2, mbType));
        for (int k = 0; k < stages; k++) {
            List<Port> in = new ArrayList<>();
            List<Port> out = new ArrayList<>();
            if (k == 0) in.add(Port.parameter("x", mbType));
            else in.add(Port.receive("h" + (k - 1), mbType, 10 + k - 1));
            if (skip && k == 2) in.add(Port.receive("skip", mbType, SKIP_CHANNEL));
            if (k == stages - 1) {
                in.add(Port.parameter("scale", mbType));
                out.add(Port.output("y", mbType));
                out.add(Port.output("aux", mbType));
            } else {
                out.add(Port.send("h" + k, mbType, 10 + k));
                if (skip && k == 0) out.add(Port.send("skip", mbType, SKIP_CHANNEL));
            }
            inPorts.add(in);
            outPorts.add(out);
        }
    }

    /** A fresh set of stages, stage k named {@code /layers.k/Mul}. */
    List<AffineStage> newStages() {
        List<AffineStage> result = new ArrayList<>();
        for (int k = 0; k < stages; k++) {
            float[] w = new float[inPorts.get(k).size()];
            for (int i = 0; i < w.length; i++) w[i] = 0.5f + 0.25f * i + 0.1f * k;
            result.add(new AffineStage("/layers." + k + "/Mul", inPorts.get(k), outPorts.get(k), w, 0.01f * (k + 1)));
        }
        return result;
    }

    TensorType fullType() { return TensorType.of(DType.F32, (long) rows * microbatches, FEATURES); }

    /** The spec for {@code schedule} with {@code stageList}, every stage bound by its ports. */
    PipelineSpec spec(Schedule schedule, List<AffineStage> stageList) {
        PipelineSpec.Builder b = PipelineSpec.builder(schedule)
                .input("x", fullType()).input("scale", fullType())
                .output("y", fullType()).output("aux", fullType());
        for (ChannelSpec ch : channels) b.channel(ch.id(), ch.srcStage(), ch.dstStage(), ch.type());
        for (int k = 0; k < stages; k++) b.stage(k, stageList.get(k));
        return b.build();
    }

    /** A spec with a fresh set of stages, of which {@code adjust} may change some. */
    PipelineSpec spec(Schedule schedule, UnaryOperator<List<AffineStage>> adjust) {
        return spec(schedule, adjust.apply(newStages()));
    }

    /** Inputs with seeded random values (positive and negative, of varied magnitude). */
    Map<String, Tensor> inputs(long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String name : List.of("x", "scale")) {
            Tensor t = Tensor.allocate(DType.F32, fullType().shape());
            for (long e = 0; e < t.numel(); e++) t.setFloat(e, (float) (r.nextGaussian() * Math.pow(10, r.nextInt(5) - 2)));
            m.put(name, t);
        }
        return m;
    }

    /** The outputs of running the stages one after another on each microbatch. */
    Map<String, Tensor> reference(Map<String, Tensor> inputs) {
        List<AffineStage> fresh = newStages();
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputs.put("y", Tensor.allocate(DType.F32, fullType().shape()));
        outputs.put("aux", Tensor.allocate(DType.F32, fullType().shape()));
        long mbElements = (long) rows * FEATURES;
        for (int mb = 0; mb < microbatches; mb++) {
            Map<Integer, Tensor> onChannel = new HashMap<>();
            for (int k = 0; k < stages; k++) {
                List<Port> in = inPorts.get(k);
                List<Port> out = outPorts.get(k);
                Tensor[] args = new Tensor[in.size()];
                for (int i = 0; i < args.length; i++) {
                    Port p = in.get(i);
                    args[i] = p.kind() == Port.Kind.RECEIVE ? onChannel.get(p.channel()) : copyRows(inputs.get(p.name()), mb * mbElements, mbElements);
                }
                Tensor[] results = new Tensor[out.size()];
                for (int j = 0; j < results.length; j++) results[j] = Tensor.allocate(DType.F32, mbType.shape());
                fresh.get(k).run(args, results);
                for (int j = 0; j < results.length; j++) {
                    Port p = out.get(j);
                    if (p.kind() == Port.Kind.SEND) {
                        onChannel.put(p.channel(), results[j]);
                    } else {
                        Tensor full = outputs.get(p.name());
                        for (long e = 0; e < mbElements; e++) full.setFloat(mb * mbElements + e, results[j].getFloat(e));
                    }
                }
            }
        }
        return outputs;
    }

    private Tensor copyRows(Tensor full, long from, long count) {
        Tensor t = Tensor.allocate(DType.F32, mbType.shape());
        for (long e = 0; e < count; e++) t.setFloat(e, full.getFloat(from + e));
        return t;
    }
}
