package dev.ppc.tests;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** ONNX Runtime as an oracle: runs a model file on ppc tensors and returns ppc tensors. */
public final class OrtRunner implements AutoCloseable {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    public OrtRunner(Path model, int threads) throws OrtException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(threads);
        opts.setInterOpNumThreads(1);
        opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = ENV.createSession(model.toString(), opts);
    }

    public static Map<String, Tensor> runOnce(Path model, Map<String, Tensor> inputs) throws OrtException {
        try (OrtRunner r = new OrtRunner(model, 1)) {
            return r.run(inputs);
        }
    }

    /** Creates ORT input tensors once, for timing loops that should not measure conversion. */
    public Map<String, OnnxTensor> prepare(Map<String, Tensor> inputs) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) in.put(e.getKey(), toOrt(e.getValue()));
        return in;
    }

    public void runPrepared(Map<String, OnnxTensor> in) throws OrtException {
        try (OrtSession.Result r = session.run(in)) {
            r.size();
        }
    }

    public Map<String, Tensor> run(Map<String, Tensor> inputs) throws OrtException {
        Map<String, OnnxTensor> in = prepare(inputs);
        try (OrtSession.Result r = session.run(in)) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> e : r) out.put(e.getKey(), fromOrt((OnnxTensor) e.getValue()));
            return out;
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor toOrt(Tensor t) throws OrtException {
        ByteBuffer b = t.data().duplicate().order(ByteOrder.nativeOrder());
        b.clear();
        b.limit((int) t.byteSize());
        long[] s = t.shape();
        return switch (t.dtype()) {
            case F32 -> OnnxTensor.createTensor(ENV, b.asFloatBuffer(), s);
            case F64 -> OnnxTensor.createTensor(ENV, b.asDoubleBuffer(), s);
            case I64 -> OnnxTensor.createTensor(ENV, b.asLongBuffer(), s);
            case I32 -> OnnxTensor.createTensor(ENV, b.asIntBuffer(), s);
            case BOOL -> OnnxTensor.createTensor(ENV, b, s, ai.onnxruntime.OnnxJavaType.BOOL);
            default -> throw new IllegalArgumentException("no ORT conversion for " + t.dtype());
        };
    }

    private static Tensor fromOrt(OnnxTensor o) {
        long[] shape = o.getInfo().getShape();
        ByteBuffer src = o.getByteBuffer().order(ByteOrder.nativeOrder());
        DType dtype = switch (o.getInfo().type) {
            case FLOAT -> DType.F32;
            case DOUBLE -> DType.F64;
            case INT64 -> DType.I64;
            case INT32 -> DType.I32;
            case BOOL -> DType.BOOL;
            default -> throw new IllegalArgumentException("no conversion from ORT type " + o.getInfo().type);
        };
        Tensor t = Tensor.allocate(dtype, shape);
        ByteBuffer dst = t.data().duplicate();
        dst.clear();
        dst.put(src);
        return t;
    }

    @Override
    public void close() throws OrtException { session.close(); }
}
