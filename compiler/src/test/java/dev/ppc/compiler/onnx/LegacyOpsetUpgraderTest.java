package dev.ppc.compiler.onnx;

import static dev.ppc.compiler.onnx.OnnxModels.model;
import static dev.ppc.compiler.onnx.OnnxModels.tensorInfo;
import static dev.ppc.compiler.onnx.OnnxModels.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.ppc.compiler.onnx.proto.OnnxProtos.AttributeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.GraphProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.NodeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TypeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ValueInfoProto;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.Op;
import dev.ppc.ir.schema.OpSchemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LegacyOpsetUpgrader} through the importer: what a node of an old opset becomes, and
 * what is refused. The results of the rewrites are checked against NumPy implementations of the
 * legacy semantics by the conformance suite's legacy-opset set (tests module).
 */
class LegacyOpsetUpgraderTest {
    private static final int F32 = 1;

    @TempDir
    Path dir;

    @Test
    void axisBroadcastReshapesBWithTrailingOnesAndRaisesTheOpset() throws IOException {
        Module m = importGraph(1, binaryGraph("Add", info("A", "2", "3", "4", "5"), info("B", "3", "4"), 1, 1L));
        assertEquals(LegacyOpsetUpgrader.TARGET_OPSET, m.opset(""));
        Op reshape = only(m, "Reshape");
        assertEquals("f32[3,4,1]", reshape.result().type().toString());
        Op add = only(m, "Add");
        assertSame(reshape.result(), add.operand(1));
        assertTrue(add.attributes().isEmpty(), "broadcast and axis are gone: " + add.attributes());
        assertEquals("f32[2,3,4,5]", add.result().type().toString());
        assertEquals("/op", reshape.location(), "the inserted ops keep the user's node as their location");
    }

    @Test
    void reshapeCopiesSymbolicDimsOfB() throws IOException {
        Module m = importGraph(6, binaryGraph("Mul", info("A", "N", "3", "4"), info("B", "N", "3"), 1, 0L));
        assertEquals("f32[N,3,1]", only(m, "Reshape").result().type().toString());
        assertEquals("f32[N,3,4]", only(m, "Mul").result().type().toString());
    }

    @Test
    void suffixBroadcastNeedsNoReshape() throws IOException {
        Module m = importGraph(6, binaryGraph("Add", info("A", "2", "3", "4"), info("B", "4"), 1, null));
        assertTrue(m.main().ops().stream().noneMatch(op -> op.name().equals("Reshape")));
        assertEquals("f32[2,3,4]", only(m, "Add").result().type().toString());
    }

    @Test
    void withoutBroadcastShapesMustBeProvablyEqual() throws IOException {
        Module same = importGraph(6, binaryGraph("Sub", info("A", "N", "3"), info("B", "N", "3"), null, null));
        assertEquals("f32[N,3]", only(same, "Sub").result().type().toString());
        String msg = refused(6, binaryGraph("Sub", info("A", "N", "3"), info("B", "M", "3"), null, null));
        assertTrue(msg.contains("node '/op' (Sub): Sub-6 (the model imports opset 6): cannot prove that A f32[N,3] and B f32[M,3] have equal shapes"), msg);
        assertTrue(msg.endsWith("re-export the model with opset >= 7"), msg);
        msg = refused(1, binaryGraph("Add", info("A", "2", "3"), info("B", "3"), 0, null));
        assertTrue(msg.contains("Add-1 (the model imports opset 1): the shapes of A f32[2,3] and B f32[3] differ"), msg);
    }

    @Test
    void broadcastOfUnknownRankIsRefused() throws IOException {
        ValueInfoProto unranked = ValueInfoProto.newBuilder().setName("B")
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(F32))).build();
        String msg = refused(6, binaryGraph("Div", info("A", "2", "3"), unranked, 1, 0L));
        assertTrue(msg.contains("cannot check that B f32[*] broadcasts to A f32[2,3] (a rank is unknown"), msg);
    }

    @Test
    void axisPastARankIsRefused() throws IOException {
        String msg = refused(6, binaryGraph("Add", info("A", "2", "3"), info("B", "3", "4"), 1, 1L));
        assertTrue(msg.contains("B f32[3,4] does not fit in A f32[2,3] from axis 1"), msg);
    }

    @Test
    void oneElementBWithMoreDimsThanABecomesAScalar() throws IOException {
        Module m = importGraph(6, binaryGraph("Add", info("A", "3"), info("B", "1", "1"), 1, null));
        assertEquals("f32[]", only(m, "Reshape").result().type().toString());
        assertEquals("f32[3]", only(m, "Add").result().type().toString());
    }

    @Test
    void modelsAtOpset8OrNewerAreNotTouched() throws IOException {
        // Without broadcast=1 these shapes would be refused below opset 7; from 7 on they broadcast the NumPy way.
        Module m = importGraph(13, binaryGraph("Add", info("A", "2", "3"), info("B", "3"), null, null));
        assertEquals(13, m.opset(""));
        assertEquals(1, m.main().ops().size());
        assertEquals("f32[2,3]", only(m, "Add").result().type().toString());
        assertEquals(LegacyOpsetUpgrader.TARGET_OPSET, importGraph(7, binaryGraph("Add", info("A", "2", "3"), info("B", "3"), null, null)).opset(""));
    }

    @Test
    void opNewerThanTheModelsOpsetIsStillRefused() throws IOException {
        GraphProto g = GraphProto.newBuilder().addInput(tensorInfo("x", F32, 3))
                .addNode(NodeProto.newBuilder().setName("/sin").setOpType("Sin").addInput("x").addOutput("y"))
                .addOutput(tensorInfo("y", F32, 3)).build();
        String msg = refused(6, g);
        assertTrue(msg.contains("node '/sin' (Sin): op 'Sin' does not exist in opset 6 (it was introduced in opset 7)"), msg);
    }

    @Test
    void variadicOpsBefore8NeedEqualShapes() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(info("a", "2", "3")).addInput(info("b", "2", "3"))
                .addNode(NodeProto.newBuilder().setName("/max").setOpType("Max").addInput("a").addInput("b").addInput("a").addOutput("y")
                        .addAttribute(ints("consumed_inputs", 0, 0, 0)))
                .addOutput(tensorInfo("y", F32, 2, 3));
        assertEquals("f32[2,3]", only(importGraph(1, g.build()), "Max").result().type().toString());
        g.setInput(1, info("b", "1", "3"));
        String msg = refused(6, g.build());
        assertTrue(msg.contains("Max-6 (the model imports opset 6): the shapes of a f32[2,3] and b f32[1,3] differ"), msg);
        assertTrue(msg.endsWith("re-export the model with opset >= 8"), msg);
    }

    @Test
    void gemmCMustMatchWithoutBroadcast() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(info("a", "2", "3")).addInput(info("b", "3", "4")).addInput(info("c", "2", "4"))
                .addNode(NodeProto.newBuilder().setName("/gemm").setOpType("Gemm").addInput("a").addInput("b").addInput("c").addOutput("y"))
                .addOutput(tensorInfo("y", F32, 2, 4));
        assertNull(only(importGraph(6, g.build()), "Gemm").attributes().get("broadcast"));
        g.setInput(2, info("c", "1", "4"));
        String msg = refused(6, g.build());
        assertTrue(msg.contains("without broadcast=1, C must be [M, N] = [2,4], got f32[1,4]"), msg);
        g.getNodeBuilder(0).addAttribute(AttributeProto.newBuilder().setName("broadcast").setType(AttributeProto.AttributeType.INT).setI(1));
        assertEquals("f32[2,4]", only(importGraph(6, g.build()), "Gemm").result().type().toString());
    }

    @Test
    void preluSlopePerChannelIsReshapedToDim1() throws IOException {
        GraphProto g = GraphProto.newBuilder().addInput(info("x", "2", "3", "4", "5")).addInput(info("slope", "3"))
                .addNode(NodeProto.newBuilder().setName("/prelu").setOpType("PRelu").addInput("x").addInput("slope").addOutput("y"))
                .addOutput(tensorInfo("y", F32, 2, 3, 4, 5)).build();
        Module m = importGraph(6, g);
        assertEquals("f32[3,1,1]", only(m, "Reshape").result().type().toString());
        assertSame(only(m, "Reshape").result(), only(m, "PRelu").operand(1));
    }

    @Test
    void reshapeAttributeBecomesAConstantOperand() throws IOException {
        GraphProto g = GraphProto.newBuilder().addInput(info("x", "2", "3", "4"))
                .addNode(NodeProto.newBuilder().setName("/reshape").setOpType("Reshape").addInput("x").addOutput("y")
                        .addAttribute(ints("shape", 4, 0, -1)).addAttribute(ints("consumed_inputs", 0)))
                .addOutput(tensorInfo("y", F32, 4, 3, 2)).build();
        Module m = importGraph(1, g);
        Op reshape = only(m, "Reshape");
        assertTrue(reshape.attributes().isEmpty());
        assertArrayEquals(new long[] {4, 0, -1}, OpSchemas.constantValue(reshape.operand(1), m).toLongs());
        assertEquals("f32[4,3,2]", reshape.result().type().toString());
    }

    @Test
    void reshape1WithoutItsShapeAttributeIsRefused() throws IOException {
        GraphProto g = GraphProto.newBuilder().addInput(info("x", "1"))
                .addNode(NodeProto.newBuilder().setName("/reshape").setOpType("Reshape").addInput("x").addOutput("y"))
                .addOutput(tensorInfo("y", F32)).build();
        String msg = refused(1, g);
        assertTrue(msg.contains("has no 'shape' attribute, which Reshape before opset 5 requires; re-export the model with opset >= 5"), msg);
    }

    @Test
    void seluOpset1KeepsItsOwnDefaultsAndPad1ItsPaddings() throws IOException {
        GraphProto g = GraphProto.newBuilder().addInput(info("x", "2", "3"))
                .addNode(NodeProto.newBuilder().setName("/selu").setOpType("Selu").addInput("x").addOutput("s"))
                .addNode(NodeProto.newBuilder().setName("/pad").setOpType("Pad").addInput("s").addOutput("y").addAttribute(ints("paddings", 0, 1, 0, 1)))
                .addOutput(tensorInfo("y", F32, 2, 5)).build();
        Module m = importGraph(1, g);
        assertEquals(1.6732f, only(m, "Selu").floatAttr("alpha", 0f));
        assertEquals(1.0507f, only(m, "Selu").floatAttr("gamma", 0f));
        assertArrayEquals(new long[] {0, 1, 0, 1}, only(m, "Pad").intsAttr("pads"));
    }

    @Test
    void cast1TakesATypeNameAndRefusesAnUnknownOne() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(info("x", "2"))
                .addNode(NodeProto.newBuilder().setName("/cast").setOpType("Cast").addInput("x").addOutput("y").addAttribute(string("to", "int64")))
                .addOutput(ValueInfoProto.newBuilder().setName("y"));
        assertEquals("i64[2]", only(importGraph(1, g.build()), "Cast").result().type().toString());
        g.getNodeBuilder(0).setAttribute(0, string("to", "complex256"));
        String msg = refused(1, g.build());
        assertTrue(msg.contains("Cast-1 (the model imports opset 1): 'to' = 'complex256' is not the name of an ONNX data type"), msg);
    }

    @Test
    void insertedValuesDoNotCollideWithTheModelsNames() throws IOException {
        // The model already uses the name the reshape of B would take, after the Add node.
        GraphProto g = binaryGraph("Add", info("A", "3", "4"), info("B", "3"), 1, 0L).toBuilder()
                .setOutput(0, ValueInfoProto.newBuilder().setName("B_legacy_aligned"))
                .addNode(NodeProto.newBuilder().setName("/id").setOpType("Identity").addInput("C").addOutput("B_legacy_aligned")).build();
        Module m = importGraph(6, g);
        assertEquals("f32[3,4]", m.main().outputs().get(0).value().type().toString());
    }

    @Test
    void tile1IsRefusedNamingTheNodeAndTheFix() throws IOException {
        GraphProto g = GraphProto.newBuilder().addInput(info("x", "2")).addInput(info("t", "1")).addInput(info("a", "1"))
                .addNode(NodeProto.newBuilder().setName("/tile").setOpType("Tile").addInput("x").addInput("t").addInput("a").addOutput("y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y")).build();
        String msg = refused(1, g);
        assertTrue(msg.contains("node '/tile' (Tile): Tile-1 (the model imports opset 1)"), msg);
        assertTrue(msg.endsWith("re-export the model with opset >= 6"), msg);
    }

    // ---- helpers ----

    private Module importGraph(int opset, GraphProto g) throws IOException {
        return OnnxImporter.importModel(write(dir, "m" + opset + "-" + System.nanoTime() + ".onnx", model(g, opset)));
    }

    private String refused(int opset, GraphProto g) throws IOException {
        Path p = write(dir, "r" + opset + "-" + System.nanoTime() + ".onnx", model(g, opset));
        IrException e = assertThrows(IrException.class, () -> OnnxImporter.importModel(p));
        assertFalse(e.getMessage().contains("\n"), "diagnostic must be one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(p.toString()), "diagnostic must name the file: " + e.getMessage());
        return e.getMessage();
    }

    /** {@code C = op(A, B)} named {@code /op}, with the given legacy attributes (null: absent). */
    private static GraphProto binaryGraph(String op, ValueInfoProto a, ValueInfoProto b, Integer broadcast, Long axis) {
        NodeProto.Builder n = NodeProto.newBuilder().setName("/op").setOpType(op).addInput("A").addInput("B").addOutput("C");
        if (broadcast != null) n.addAttribute(AttributeProto.newBuilder().setName("broadcast").setType(AttributeProto.AttributeType.INT).setI(broadcast));
        if (axis != null) n.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(axis));
        return GraphProto.newBuilder().addInput(a).addInput(b).addNode(n).addOutput(ValueInfoProto.newBuilder().setName("C")).build();
    }

    /** An f32 tensor whose dims are numbers (static) or names (symbolic). */
    private static ValueInfoProto info(String name, String... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (String d : dims) {
            shape.addDim(d.chars().allMatch(Character::isDigit) ? TensorShapeProto.Dimension.newBuilder().setDimValue(Long.parseLong(d))
                    : TensorShapeProto.Dimension.newBuilder().setDimParam(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(F32).setShape(shape))).build();
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) a.addInts(v);
        return a.build();
    }

    private static AttributeProto string(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)).build();
    }

    private static Op only(Module m, String opName) {
        var ops = m.main().ops().stream().filter(op -> op.name().equals(opName)).toList();
        assertEquals(1, ops.size(), () -> "expected one " + opName + " op in " + m.main().ops());
        return ops.get(0);
    }
}
