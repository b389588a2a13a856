package dev.ppc.tests;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import dev.ppc.ir.Module;
import dev.ppc.ir.Value;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Inputs of any batch size for the fixtures (the committed inputs have batch 2): token ids in
 * the model's vocabulary, attention masks of ones with a padded tail, normal floats otherwise.
 */
final class BatchInputs {
    private BatchInputs() {}

    static Map<String, Tensor> make(Module imported, String fixture, int batch, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> committed = Fixtures.inputs(fixture);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Value p : imported.main().params()) {
            long[] shape = committed.get(p.name()).shape();
            shape[0] = batch;
            long n = 1;
            for (long s : shape) n *= s;
            if (p.type().dtype() == DType.I64 && p.name().contains("mask")) {
                long[] v = new long[(int) n];
                long seq = shape[1];
                for (int b = 0; b < batch; b++) {
                    long valid = 1 + r.nextInt((int) seq);
                    for (int s = 0; s < seq; s++) v[(int) (b * seq + s)] = s < valid ? 1 : 0;
                }
                out.put(p.name(), Tensor.ofLongs(shape, v));
            } else if (p.type().dtype() == DType.I64) {
                long[] v = new long[(int) n];
                for (int i = 0; i < v.length; i++) v[i] = r.nextInt(96);
                out.put(p.name(), Tensor.ofLongs(shape, v));
            } else {
                float[] v = new float[(int) n];
                for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
                out.put(p.name(), Tensor.ofFloats(shape, v));
            }
        }
        return out;
    }
}
