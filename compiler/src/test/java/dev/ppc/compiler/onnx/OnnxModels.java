package dev.ppc.compiler.onnx;

import com.google.protobuf.ByteString;
import dev.ppc.compiler.onnx.proto.OnnxProtos.GraphProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ModelProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.NodeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.OperatorSetIdProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TypeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds small ONNX models with the generated protobuf classes, for importer tests. */
final class OnnxModels {
    private OnnxModels() {}

    static ValueInfoProto tensorInfo(String name, int elemType, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }

    static TensorProto.Builder floatTensor(String name, long[] dims, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1).setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) t.addDims(d);
        return t;
    }

    static TensorProto.Builder externalTensor(String name, long[] dims, String location, long offset, long length) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)));
        if (length >= 0) t.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)));
        for (long d : dims) t.addDims(d);
        return t;
    }

    /** y = x + w, with x a [2] f32 input and w the given initializer. */
    static ModelProto addModel(TensorProto w) {
        GraphProto g = GraphProto.newBuilder().setName("add")
                .addInput(tensorInfo("x", 1, 2))
                .addInitializer(w)
                .addNode(NodeProto.newBuilder().setName("/add").setOpType("Add").addInput("x").addInput(w.getName()).addOutput("y"))
                .addOutput(tensorInfo("y", 1, 2))
                .build();
        return model(g, 17);
    }

    static ModelProto model(GraphProto g, int opset) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("ppc-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(g).build();
    }

    static Path write(Path dir, String name, ModelProto m) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, m.toByteArray());
        return p;
    }
}
