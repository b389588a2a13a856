package dev.ppc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.io.Npz;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectAndRunCliTest {
    static final Path FIXTURES = Path.of("../fixtures");

    @TempDir
    Path dir;

    @Test
    void inspectPrintsSignatureHistogramAndParameters() {
        CliRunner r = CliRunner.run("inspect", FIXTURES.resolve("gpt2/model.onnx").toString(), "--input", "input_ids=2x8").assertOk();
        assertTrue(r.out().contains("input_ids: i64[2,8]"), r.out());
        assertTrue(r.out().contains("logits: f32[2,8,96]"), r.out());
        assertTrue(r.out().contains("MatMul"), r.out());
        assertTrue(r.out().contains("every op is supported by the cpu backend"), r.out());
        assertTrue(r.out().contains("parameters: "), r.out());
        assertTrue(r.out().contains("ai.onnx=17"), r.out());
    }

    @Test
    void inspectWithoutShapesKeepsSymbolicDims() {
        CliRunner r = CliRunner.run("inspect", FIXTURES.resolve("bert/model.onnx").toString()).assertOk();
        assertTrue(r.out().contains("input_ids: i64[batch,seq]"), r.out());
    }

    @Test
    void emitIrHasNoShapeIdentityOrConstantOpsAndIsStatic() {
        for (String name : new String[] {"gpt2", "llama", "bert"}) {
            String ir = CliRunner.run("inspect", FIXTURES.resolve(name + "/model.onnx").toString(), "--input", "input_ids=2x8",
                    "--input", "attention_mask=2x8", "--emit", "ir").out();
            if (!name.equals("bert")) {
                // bert alone takes attention_mask; for the others the extra --input is an error, tested below.
                continue;
            }
            assertFalse(ir.contains("= Shape("), ir);
            assertFalse(ir.contains("= Identity("), ir);
            assertFalse(ir.contains("= Constant("), ir);
            assertFalse(ir.contains("?"), "every dim must be static:\n" + ir);
        }
        String gpt2 = CliRunner.run("inspect", FIXTURES.resolve("gpt2/model.onnx").toString(), "--input", "input_ids=2x8", "--emit", "ir").assertOk().out();
        assertFalse(gpt2.contains("= Shape(") || gpt2.contains("= Identity(") || gpt2.contains("= Constant("), gpt2);
        assertTrue(gpt2.contains("func @main(%input_ids: i64[2,8])"), gpt2);
    }

    @Test
    void emitJsonIsJson() throws IOException {
        String json = CliRunner.run("inspect", FIXTURES.resolve("mlp/model.onnx").toString(), "--emit", "json").assertOk().out();
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertEquals(5, node.get("opHistogram").get("Gemm").asInt());
    }

    @Test
    void printIrAfterAPassGoesToStderr() {
        CliRunner r = CliRunner.run("inspect", FIXTURES.resolve("mlp/model.onnx").toString(), "--print-ir-after", "dce").assertOk();
        assertTrue(r.err().contains("IR after dce"), r.err());
        CliRunner.run("inspect", FIXTURES.resolve("mlp/model.onnx").toString(), "--print-ir-after", "nope").assertUserError("unknown pass 'nope'");
    }

    @Test
    void runMatchesPyTorchOnEveryFixture() {
        for (String name : new String[] {"mlp", "gpt2", "llama", "bert"}) {
            Path out = dir.resolve(name + ".npz");
            CliRunner.run("run", FIXTURES.resolve(name + "/model.onnx").toString(), "--inputs", FIXTURES.resolve(name + "/inputs.npz").toString(),
                    "--output", out.toString()).assertOk();
            Map<String, Tensor> got = Npz.read(out), want = Npz.read(FIXTURES.resolve(name + "/outputs.npz"));
            assertEquals(want.keySet(), got.keySet());
            for (String k : want.keySet()) {
                float[] a = got.get(k).toFloatArray(), b = want.get(k).toFloatArray();
                assertEquals(b.length, a.length);
                double max = 0;
                for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
                assertTrue(max <= 1e-4, name + "/" + k + " differs from PyTorch by " + max);
            }
        }
    }

    // ---- user mistakes: one line, exit 2 ----

    @Test
    void badArgumentsAreOneLineErrors() {
        CliRunner.run("inspect", FIXTURES.resolve("gpt2/model.onnx").toString(), "--input", "input_ids=2xZ").assertUserError("'Z' is not a dimension size");
        CliRunner.run("inspect", FIXTURES.resolve("gpt2/model.onnx").toString(), "--input", "nope=2x8").assertUserError("nope");
        CliRunner.run("inspect", FIXTURES.resolve("gpt2/model.onnx").toString(), "--emit", "xml").assertUserError("--emit xml");
        CliRunner.run("inspect").assertUserError("MODEL");
        CliRunner.run("frobnicate").assertUserError("frobnicate");
        CliRunner.run("inspect", dir.resolve("missing.onnx").toString()).assertUserError("no such file");
    }

    @Test
    void hostileModelFilesAreOneLineErrors() throws IOException {
        byte[] good = Files.readAllBytes(FIXTURES.resolve("mlp/model.onnx"));
        Path truncated = dir.resolve("truncated.onnx");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        CliRunner.run("inspect", truncated.toString()).assertUserError(truncated.toString());
        Path random = dir.resolve("random.onnx");
        byte[] junk = new byte[5000];
        new Random(7).nextBytes(junk);
        Files.write(random, junk);
        CliRunner.run("inspect", random.toString()).assertUserError(random.toString());

        Files.createDirectories(dir.resolve("m"));
        Files.write(dir.resolve("secret.bin"), new byte[8]);
        Path dotdot = write(dir.resolve("m/dotdot.onnx"), model(external("../secret.bin", 0, 8)));
        CliRunner.run("inspect", dotdot.toString()).assertUserError("leaves the model's folder");
        Files.write(dir.resolve("m/w.bin"), new byte[8]);
        Path past = write(dir.resolve("m/past.onnx"), model(external("w.bin", 4, 8)));
        CliRunner.run("inspect", past.toString()).assertUserError("past the end of 'w.bin'");
        TensorProto wrongSize = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2).setRawData(ByteString.copyFrom(new byte[5])).build();
        Path raw = write(dir.resolve("m/raw.onnx"), model(wrongSize));
        CliRunner.run("inspect", raw.toString()).assertUserError("raw_data has 5 bytes but f32[2] needs 8");
        TensorProto wrongType = TensorProto.newBuilder().setName("w").setDataType(1234).addDims(2).setRawData(ByteString.copyFrom(new byte[8])).build();
        CliRunner.run("inspect", write(dir.resolve("m/dtype.onnx"), model(wrongType)).toString()).assertUserError("unknown data_type 1234");
    }

    @Test
    void badInputsForRunAreOneLineErrors() throws IOException {
        String model = FIXTURES.resolve("bert/model.onnx").toString();
        Map<String, Tensor> in = Npz.read(FIXTURES.resolve("bert/inputs.npz"));
        Map<String, Tensor> missing = new LinkedHashMap<>(in);
        missing.remove("attention_mask");
        CliRunner.run("run", model, "--inputs", npz("missing", missing).toString()).assertUserError("no array 'attention_mask'");
        Map<String, Tensor> extra = new LinkedHashMap<>(in);
        extra.put("bogus", Tensor.ofFloats(new long[] {1}, 1f));
        CliRunner.run("run", model, "--inputs", npz("extra", extra).toString()).assertUserError("'bogus' that the model does not take");
        Map<String, Tensor> wrongType = new LinkedHashMap<>(in);
        wrongType.put("input_ids", Tensor.ofFloats(new long[] {2, 8}, new float[16]));
        CliRunner.run("run", model, "--inputs", npz("wrongtype", wrongType).toString()).assertUserError("input 'input_ids' is f32 but the model takes i64");
        Map<String, Tensor> wrongRank = new LinkedHashMap<>(in);
        wrongRank.put("input_ids", Tensor.ofLongs(new long[] {16}, new long[16]));
        CliRunner.run("run", model, "--inputs", npz("wrongrank", wrongRank).toString()).assertUserError("takes rank 2");
        Path fortran = dir.resolve("fortran.npy");
        String header = "{'descr': '<i8', 'fortran_order': True, 'shape': (2, 8), }";
        StringBuilder h = new StringBuilder(header);
        while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
        h.append('\n');
        byte[] hb = h.toString().getBytes();
        byte[] bytes = new byte[10 + hb.length + 128];
        bytes[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(), 0, bytes, 1, 5);
        bytes[6] = 1;
        bytes[8] = (byte) (hb.length & 0xff);
        bytes[9] = (byte) (hb.length >> 8);
        System.arraycopy(hb, 0, bytes, 10, hb.length);
        Files.write(fortran, bytes);
        CliRunner.run("run", FIXTURES.resolve("mlp/model.onnx").toString(), "--inputs", fortran.toString()).assertUserError("Fortran order");
        CliRunner.run("run", model, "--inputs", dir.resolve("none.npz").toString()).assertUserError("no such file");
    }

    private Path npz(String name, Map<String, Tensor> m) {
        Path p = dir.resolve(name + ".npz");
        Npz.write(p, m, false);
        return p;
    }

    static TensorProto external(String location, long offset, long length) {
        return TensorProto.newBuilder().setName("w").setDataType(1).addDims(2).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length))).build();
    }

    private static ValueInfoProto info(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(1).setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(2))))).build();
    }

    static ModelProto model(TensorProto w) {
        GraphProto g = GraphProto.newBuilder().addInput(info("x")).addInitializer(w)
                .addNode(NodeProto.newBuilder().setName("/add").setOpType("Add").addInput("x").addInput("w").addOutput("y"))
                .addOutput(info("y")).build();
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
    }

    static Path write(Path p, ModelProto m) throws IOException {
        Files.write(p, m.toByteArray());
        return p;
    }
}
