package dev.ppc.compiler.onnx;

import com.google.protobuf.ByteString;
import dev.ppc.compiler.onnx.proto.OnnxProtos.AttributeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.GraphProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ModelProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.NodeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.OperatorSetIdProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TypeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ValueInfoProto;
import dev.ppc.ir.Attribute;
import dev.ppc.ir.DType;
import dev.ppc.ir.Dim;
import dev.ppc.ir.Function;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.schema.OpSchemas;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Writes a function and the constants it uses as a standalone ONNX model, so that a pipeline
 * stage can be run (or checked) by any ONNX engine:
 * <ul>
 *   <li>each {@code ppc.constant} becomes an initializer named by the op's result (raw little-endian
 *       data, or {@code string_data} for strings);</li>
 *   <li>function parameters and the results of {@code ppc.recv} become graph inputs, under their
 *       value names (a received value keeps the name it had in the unpartitioned model);</li>
 *   <li>the operands of {@code ppc.send} become graph outputs under their value names, followed by
 *       the function's outputs under their output names (through an {@code Identity} node where an
 *       output's name differs from its value's);</li>
 *   <li>every other op becomes a node of ONNX's default domain with its attributes, its location
 *       as the node name; the opset import is the module's.</li>
 * </ul>
 * Any other {@code ppc} op has no ONNX form and is refused with an {@link IrException}.
 */
public final class OnnxExporter {
    /** ONNX IR version 8 covers opsets up to 18, the newest ppc binds. */
    static final long IR_VERSION = 8;

    private OnnxExporter() {}

    /** Exports {@code f} (a function of {@code m}) as an ONNX model. */
    public static ModelProto export(Module m, Function f) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(f.name());
        for (Value p : f.params()) g.addInput(valueInfo(p.name(), p.type()));
        Set<String> outputs = new LinkedHashSet<>();
        Set<String> valueNames = new HashSet<>();
        for (Value p : f.params()) valueNames.add(p.name());
        for (Op op : f.ops()) for (Value r : op.results()) valueNames.add(r.name());
        for (Op op : f.ops()) {
            if (op.is("ppc", "constant")) {
                String name = op.stringAttr("name", "");
                Module.Constant c = m.constant(name);
                if (c == null || !c.data().hasData()) {
                    throw IrException.at(op, "constant @" + name + " has no data to export; load the weights first");
                }
                g.addInitializer(tensor(op.result().name(), c.data()));
            } else if (op.is("ppc", "recv")) {
                g.addInput(valueInfo(op.result().name(), op.result().type()));
            } else if (op.is("ppc", "send")) {
                Value v = op.operand(0);
                if (outputs.add(v.name())) g.addOutput(valueInfo(v.name(), v.type()));
            } else if (!op.domain().isEmpty()) {
                throw IrException.at(op, op.qualifiedName() + " has no ONNX form; only ppc.constant, ppc.send and ppc.recv can be exported");
            } else {
                g.addNode(node(op));
            }
        }
        for (Function.Output o : f.outputs()) {
            String valueName = o.value().name();
            if (!o.name().equals(valueName)) {
                if (valueNames.contains(o.name())) {
                    throw new IrException("function @" + f.name() + ": output " + o.name() + " returns %" + valueName
                            + " but another value is named " + o.name() + "; ONNX cannot express that");
                }
                g.addNode(NodeProto.newBuilder().setOpType("Identity").setName(o.name() + "/Identity").addInput(valueName).addOutput(o.name()));
            }
            if (outputs.add(o.name())) g.addOutput(valueInfo(o.name(), o.value().type()));
        }
        ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("ppc").setProducerVersion("0.1.0")
                .setGraph(g);
        int opset = m.opset("");
        model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset > 0 ? opset : OpSchemas.MAX_ONNX_OPSET));
        return model.build();
    }

    private static NodeProto node(Op op) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op.name());
        if (op.location() != null) n.setName(op.location());
        for (Value v : op.operands()) n.addInput(v == null ? "" : v.name());
        for (Value r : op.results()) n.addOutput(r.name());
        op.attributes().forEach((name, a) -> n.addAttribute(attribute(name, a)));
        return n.build();
    }

    private static AttributeProto attribute(String name, Attribute a) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name);
        if (a instanceof Attribute.IntAttr i) return b.setType(AttributeProto.AttributeType.INT).setI(i.value()).build();
        if (a instanceof Attribute.FloatAttr f) return b.setType(AttributeProto.AttributeType.FLOAT).setF(f.value()).build();
        if (a instanceof Attribute.StringAttr s) return b.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s.value())).build();
        if (a instanceof Attribute.IntsAttr l) {
            b.setType(AttributeProto.AttributeType.INTS);
            for (long v : l.values()) b.addInts(v);
            return b.build();
        }
        if (a instanceof Attribute.FloatsAttr l) {
            b.setType(AttributeProto.AttributeType.FLOATS);
            for (float v : l.values()) b.addFloats(v);
            return b.build();
        }
        if (a instanceof Attribute.StringsAttr l) {
            b.setType(AttributeProto.AttributeType.STRINGS);
            for (String v : l.values()) b.addStrings(ByteString.copyFromUtf8(v));
            return b.build();
        }
        Attribute.TensorAttr t = (Attribute.TensorAttr) a;
        return b.setType(AttributeProto.AttributeType.TENSOR).setT(tensor("", t.value())).build();
    }

    /** A TensorProto holding {@code d}: raw little-endian data, or string_data for strings. */
    static TensorProto tensor(String name, TensorData d) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(d.dtype().onnxCode());
        for (long s : d.shape()) t.addDims(s);
        if (d.dtype() == DType.STRING) {
            for (String s : d.strings()) t.addStringData(ByteString.copyFrom(s.getBytes(StandardCharsets.UTF_8)));
        } else {
            ByteBuffer bytes = d.bytes();
            t.setRawData(ByteString.copyFrom(bytes));
        }
        return t.build();
    }

    private static ValueInfoProto valueInfo(String name, TensorType type) {
        TypeProto.Tensor.Builder tt = TypeProto.Tensor.newBuilder().setElemType(type.dtype().onnxCode());
        if (type.isRanked()) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (Dim d : type.dims()) {
                TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
                if (d.isStatic()) dim.setDimValue(d.size());
                else if (d.isSymbol()) dim.setDimParam(d.symbolName());
                shape.addDim(dim);
            }
            tt.setShape(shape);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tt)).build();
    }
}
