package dev.ppc.compiler.onnx;

import static dev.ppc.compiler.onnx.OnnxModels.addModel;
import static dev.ppc.compiler.onnx.OnnxModels.externalTensor;
import static dev.ppc.compiler.onnx.OnnxModels.floatTensor;
import static dev.ppc.compiler.onnx.OnnxModels.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.compiler.onnx.proto.OnnxProtos.GraphProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ModelProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.NodeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorProto;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.TensorData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxImporterTest {
    @TempDir
    Path dir;

    private IrException refused(Path model) {
        IrException e = assertThrows(IrException.class, () -> OnnxImporter.importModel(model));
        assertFalse(e.getMessage().contains("\n"), "diagnostic must be one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(model.toString()), "diagnostic must name the file: " + e.getMessage());
        return e;
    }

    private static float[] floats(TensorData d) {
        float[] r = new float[(int) d.numel()];
        for (int i = 0; i < r.length; i++) r[i] = (float) d.doubleAt(i);
        return r;
    }

    @Test
    void rawDataInitializerImports() throws IOException {
        Path p = write(dir, "m.onnx", addModel(floatTensor("w", new long[] {2}, 1.5f, -2f).build()));
        Module m = OnnxImporter.importModel(p);
        assertArrayEquals(new float[] {1.5f, -2f}, floats(m.constant("w").data()));
        assertTrue(m.constant("w").parameter());
    }

    @Test
    void typedFieldsPackedAndUnpackedImport() throws IOException {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2).addFloatData(3f).addFloatData(4f).build();
        Path p = write(dir, "packed.onnx", addModel(w));
        assertArrayEquals(new float[] {3f, 4f}, floats(OnnxImporter.importModel(p).constant("w").data()));
        // The same field written unpacked (tag 4, wire type 5 per element) must decode identically.
        byte[] unpacked = {0x08, 0x02, 0x10, 0x01, 0x25, 0, 0, 0x40, 0x40, 0x25, 0, 0, (byte) 0x80, 0x40, 0x42, 0x01, 'w'};
        TensorProto parsed = TensorProto.parseFrom(unpacked);
        Path q = write(dir, "unpacked.onnx", addModel(parsed));
        assertArrayEquals(new float[] {3f, 4f}, floats(OnnxImporter.importModel(q).constant("w").data()));
    }

    @Test
    void int64AndStringTensorsImport() throws IOException {
        TensorProto shape = TensorProto.newBuilder().setName("shape").setDataType(7).addDims(2).addInt64Data(1).addInt64Data(2).build();
        GraphProto g = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("x", 1, 2))
                .addInitializer(shape)
                .addInitializer(TensorProto.newBuilder().setName("names").setDataType(8).addDims(1)
                        .addStringData(com.google.protobuf.ByteString.copyFromUtf8("héllo")))
                .addNode(NodeProto.newBuilder().setName("r").setOpType("Reshape").addInput("x").addInput("shape").addOutput("y"))
                .addOutput(OnnxModels.tensorInfo("y", 1, 1, 2)).build();
        Module m = OnnxImporter.importModel(write(dir, "i64.onnx", OnnxModels.model(g, 17)));
        assertArrayEquals(new long[] {1, 2}, m.constant("shape").data().toLongs());
        assertEquals("héllo", m.constant("names").data().strings().get(0));
        assertEquals("f32[1,2]", m.main().outputs().get(0).value().type().toString());
    }

    @Test
    void externalDataIsMemoryMapped() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(9f).putFloat(9f).putFloat(7f).putFloat(8f);
        Files.write(dir.resolve("weights.bin"), b.array());
        Path p = write(dir, "ext.onnx", addModel(externalTensor("w", new long[] {2}, "weights.bin", 8, 8).build()));
        assertArrayEquals(new float[] {7f, 8f}, floats(OnnxImporter.importModel(p).constant("w").data()));
    }

    @Test
    void externalDataInSubfolderAndSeveralFiles() throws IOException {
        Files.createDirectories(dir.resolve("data"));
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f);
        Files.write(dir.resolve("data/a.bin"), b.array());
        GraphProto g = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("x", 1, 2))
                .addInitializer(externalTensor("a", new long[] {2}, "data/a.bin", 0, -1))
                .addInitializer(floatTensor("b", new long[] {2}, 5f, 6f))
                .addNode(NodeProto.newBuilder().setName("n0").setOpType("Add").addInput("x").addInput("a").addOutput("t"))
                .addNode(NodeProto.newBuilder().setName("n1").setOpType("Add").addInput("t").addInput("b").addOutput("y"))
                .addOutput(OnnxModels.tensorInfo("y", 1, 2)).build();
        Module m = OnnxImporter.importModel(write(dir, "multi.onnx", OnnxModels.model(g, 17)));
        assertArrayEquals(new float[] {1f, 2f}, floats(m.constant("a").data()));
    }

    @Test
    void weightsLargerThan2GiBInTotalImport() throws IOException {
        // Three 1 GiB tensors in one sparse file: 3 GiB of weights in all, no disk space used.
        long gib = 1L << 30;
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("big.bin").toFile(), "rw")) {
            f.setLength(3 * gib);
        }
        long n = gib / 4;
        GraphProto.Builder g = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("x", 1, n));
        String prev = "x";
        for (int i = 0; i < 3; i++) {
            g.addInitializer(externalTensor("w" + i, new long[] {n}, "big.bin", i * gib, gib));
            g.addNode(NodeProto.newBuilder().setName("add" + i).setOpType("Add").addInput(prev).addInput("w" + i).addOutput("t" + i));
            prev = "t" + i;
        }
        g.addOutput(OnnxModels.tensorInfo("t2", 1, n));
        Module m = OnnxImporter.importModel(write(dir, "big.onnx", OnnxModels.model(g.build(), 17)));
        long total = m.constants().values().stream().mapToLong(c -> c.data().bytes().remaining()).sum();
        assertEquals(3 * gib, total);
    }

    @Test
    void externalPathWithDotDotIsRefused() throws IOException {
        Files.write(dir.resolve("secret.bin"), new byte[8]);
        Path p = write(dir, "sub/m.onnx", addModel(externalTensor("w", new long[] {2}, "../secret.bin", 0, 8).build()));
        assertTrue(refused(p).getMessage().contains("leaves the model's folder"));
    }

    @Test
    void absoluteExternalPathIsRefused() throws IOException {
        Path p = write(dir, "abs.onnx", addModel(externalTensor("w", new long[] {2}, "/etc/passwd", 0, 8).build()));
        assertTrue(refused(p).getMessage().contains("is absolute"));
    }

    @Test
    void symlinkLeadingOutsideIsRefused() throws IOException {
        Path outside = Files.createTempFile("ppc-outside", ".bin");
        try {
            Files.write(outside, new byte[8]);
            Files.createDirectories(dir.resolve("model"));
            Files.createSymbolicLink(dir.resolve("model/link.bin"), outside);
            Path p = write(dir, "model/m.onnx", addModel(externalTensor("w", new long[] {2}, "link.bin", 0, 8).build()));
            assertTrue(refused(p).getMessage().contains("leads outside the model's folder"));
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void externalRangePastEndIsRefused() throws IOException {
        Files.write(dir.resolve("w.bin"), new byte[8]);
        Path p = write(dir, "past.onnx", addModel(externalTensor("w", new long[] {2}, "w.bin", 4, 8).build()));
        assertTrue(refused(p).getMessage().contains("past the end of 'w.bin'"));
        Path q = write(dir, "off.onnx", addModel(externalTensor("w", new long[] {2}, "w.bin", 100, 8).build()));
        assertTrue(refused(q).getMessage().contains("past the end"));
    }

    @Test
    void missingExternalFileIsRefused() throws IOException {
        Path p = write(dir, "nofile.onnx", addModel(externalTensor("w", new long[] {2}, "nope.bin", 0, 8).build()));
        assertTrue(refused(p).getMessage().contains("does not exist"));
    }

    @Test
    void wrongRawDataSizeIsRefused() throws IOException {
        TensorProto w = floatTensor("w", new long[] {3}, 1f, 2f).build(); // 8 bytes for 3 floats
        IrException e = refused(write(dir, "raw.onnx", addModel(w)));
        assertTrue(e.getMessage().contains("tensor 'w' raw_data has 8 bytes but f32[3] needs 12"), e.getMessage());
    }

    @Test
    void wrongDtypeIsRefused() throws IOException {
        TensorProto w = floatTensor("w", new long[] {2}, 1f, 2f).setDataType(99).build();
        assertTrue(refused(write(dir, "dtype.onnx", addModel(w))).getMessage().contains("unknown data_type 99"));
        // Declared i64 but holding 8 bytes for two elements: the size check catches the mismatch.
        TensorProto w2 = floatTensor("w", new long[] {2}, 1f, 2f).setDataType(7).build();
        assertTrue(refused(write(dir, "dtype2.onnx", addModel(w2))).getMessage().contains("needs 16"));
    }

    @Test
    void truncatedProtobufIsRefused() throws IOException {
        byte[] full = addModel(floatTensor("w", new long[] {2}, 1f, 2f).build()).toByteArray();
        for (int cut : new int[] {full.length / 3, full.length / 2, full.length - 3}) {
            Path p = dir.resolve("trunc" + cut + ".onnx");
            Files.write(p, Arrays.copyOf(full, cut));
            refused(p);
        }
    }

    @Test
    void randomBytesAreRefused() throws IOException {
        Random r = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[1 + r.nextInt(4096)];
            r.nextBytes(junk);
            Path p = dir.resolve("junk" + i + ".onnx");
            Files.write(p, junk);
            refused(p);
        }
    }

    @Test
    void emptyAndMissingFilesAreRefused() throws IOException {
        Path empty = dir.resolve("empty.onnx");
        Files.write(empty, new byte[0]);
        assertTrue(refused(empty).getMessage().contains("empty"));
        assertTrue(refused(dir.resolve("missing.onnx")).getMessage().contains("no such file"));
    }

    @Test
    void unknownOpsetIsRefused() throws IOException {
        ModelProto m = addModel(floatTensor("w", new long[] {2}, 1f, 2f).build()).toBuilder()
                .setOpsetImport(0, dev.ppc.compiler.onnx.proto.OnnxProtos.OperatorSetIdProto.newBuilder().setDomain("").setVersion(99)).build();
        assertTrue(refused(write(dir, "opset.onnx", m)).getMessage().contains("imports ONNX opset 99; ppc supports opsets 1 to"));
    }

    @Test
    void nodeBindsToTheVersionItsOpsetSelects() throws IOException {
        // ReduceSum takes axes as an attribute at opset 11 and as an input from opset 13.
        GraphProto g11 = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("x", 1, 2, 3))
                .addNode(NodeProto.newBuilder().setName("rs").setOpType("ReduceSum").addInput("x").addOutput("y")
                        .addAttribute(dev.ppc.compiler.onnx.proto.OnnxProtos.AttributeProto.newBuilder().setName("axes")
                                .setType(dev.ppc.compiler.onnx.proto.OnnxProtos.AttributeProto.AttributeType.INTS).addInts(1)))
                .addOutput(OnnxModels.tensorInfo("y", 1, 2, 1)).build();
        Module m = OnnxImporter.importModel(write(dir, "rs11.onnx", OnnxModels.model(g11, 11)));
        assertEquals("f32[2,1]", m.main().outputs().get(0).value().type().toString());
    }

    @Test
    void controlFlowIsRefusedNamingTheNode() throws IOException {
        GraphProto body = GraphProto.newBuilder().setName("body").build();
        GraphProto g = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("c", 9))
                .addNode(NodeProto.newBuilder().setName("/if").setOpType("If").addInput("c").addOutput("y")
                        .addAttribute(dev.ppc.compiler.onnx.proto.OnnxProtos.AttributeProto.newBuilder().setName("then_branch")
                                .setType(dev.ppc.compiler.onnx.proto.OnnxProtos.AttributeProto.AttributeType.GRAPH).setG(body)))
                .addOutput(OnnxModels.tensorInfo("y", 1)).build();
        IrException e = refused(write(dir, "if.onnx", OnnxModels.model(g, 17)));
        assertTrue(e.getMessage().endsWith("1 op type is not supported: If (1 node, '/if': control flow; ppc imports straight-line graphs)"), e.getMessage());
    }

    @Test
    void everyUnsupportedOpTypeIsNamedAtOnceWithItsCount() throws IOException {
        // Conv twice, MaxPool once and an op of another domain: one line names all three, in order.
        GraphProto g = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("x", 1, 1, 3, 8, 8))
                .addNode(NodeProto.newBuilder().setName("/features/0/Conv").setOpType("Conv").addInput("x").addOutput("a"))
                .addNode(NodeProto.newBuilder().setName("/features/1/Relu").setOpType("Relu").addInput("a").addOutput("b"))
                .addNode(NodeProto.newBuilder().setName("/features/2/Conv").setOpType("Conv").addInput("b").addOutput("c"))
                .addNode(NodeProto.newBuilder().setName("/maxpool/MaxPool").setOpType("MaxPool").addInput("c").addOutput("d"))
                .addNode(NodeProto.newBuilder().setName("/act/FusedGelu").setOpType("FusedGelu").setDomain("com.microsoft").addInput("d").addOutput("y"))
                .addOutput(OnnxModels.tensorInfo("y", 1)).build();
        Path p = write(dir, "unsupported.onnx", OnnxModels.model(g, 17));
        assertEquals(p + ": 3 op types are not supported: Conv (2 nodes, first '/features/0/Conv'), MaxPool (1, '/maxpool/MaxPool'),"
                + " com.microsoft:FusedGelu (1, '/act/FusedGelu'); ppc imports ops of the default ONNX domain only", refused(p).getMessage());
    }

    @Test
    void unsupportedOpsInsideModelLocalFunctionsAreCountedOnce() throws IOException {
        var fn = dev.ppc.compiler.onnx.proto.OnnxProtos.FunctionProto.newBuilder().setName("Block").setDomain("local")
                .addInput("a").addOutput("c")
                .addNode(NodeProto.newBuilder().setName("conv").setOpType("Conv").addInput("a").addOutput("c"))
                .addOpsetImport(dev.ppc.compiler.onnx.proto.OnnxProtos.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17));
        GraphProto g = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("x", 1, 2))
                .addNode(NodeProto.newBuilder().setName("b0").setOpType("Block").setDomain("local").addInput("x").addOutput("h"))
                .addNode(NodeProto.newBuilder().setName("b1").setOpType("Block").setDomain("local").addInput("h").addOutput("y"))
                .addOutput(OnnxModels.tensorInfo("y", 1, 2)).build();
        ModelProto m = OnnxModels.model(g, 17).toBuilder().addFunctions(fn)
                .addOpsetImport(dev.ppc.compiler.onnx.proto.OnnxProtos.OperatorSetIdProto.newBuilder().setDomain("local").setVersion(1)).build();
        Path p = write(dir, "fnconv.onnx", m);
        assertEquals(p + ": 1 op type is not supported: Conv (1 node, 'Block/conv')", refused(p).getMessage());
    }

    @Test
    void modelLocalFunctionsAreInlined() throws IOException {
        var fn = dev.ppc.compiler.onnx.proto.OnnxProtos.FunctionProto.newBuilder().setName("AddTwice").setDomain("local")
                .addInput("a").addInput("b").addOutput("c")
                .addNode(NodeProto.newBuilder().setName("first").setOpType("Add").addInput("a").addInput("b").addOutput("t"))
                .addNode(NodeProto.newBuilder().setName("second").setOpType("Add").addInput("t").addInput("b").addOutput("c"))
                .addOpsetImport(dev.ppc.compiler.onnx.proto.OnnxProtos.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17));
        GraphProto g = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("x", 1, 2)).addInput(OnnxModels.tensorInfo("z", 1, 2))
                .addNode(NodeProto.newBuilder().setName("call").setOpType("AddTwice").setDomain("local").addInput("x").addInput("z").addOutput("y"))
                .addOutput(OnnxModels.tensorInfo("y", 1, 2)).build();
        ModelProto m = OnnxModels.model(g, 17).toBuilder().addFunctions(fn)
                .addOpsetImport(dev.ppc.compiler.onnx.proto.OnnxProtos.OperatorSetIdProto.newBuilder().setDomain("local").setVersion(1)).build();
        Module module = OnnxImporter.importModel(write(dir, "fn.onnx", m));
        assertEquals(2, module.main().ops().size());
        assertEquals("call/second", module.main().ops().get(1).location());
    }

    @Test
    void undefinedInputIsRefusedNamingTheNode() throws IOException {
        GraphProto g = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("x", 1, 2))
                .addNode(NodeProto.newBuilder().setName("/bad").setOpType("Add").addInput("x").addInput("ghost").addOutput("y"))
                .addOutput(OnnxModels.tensorInfo("y", 1, 2)).build();
        IrException e = refused(write(dir, "undef.onnx", OnnxModels.model(g, 17)));
        assertTrue(e.getMessage().contains("node '/bad' (Add): input 'ghost' is not produced"), e.getMessage());
    }

    @Test
    void externalDataThatIsAFifoOrADirectoryIsNamedAsSuch() throws IOException, InterruptedException {
        Path fifo = dir.resolve("w.bin");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        IrException e = refused(write(dir, "fifo.onnx", addModel(externalTensor("w", new long[] {2}, "w.bin", 0, 8).build())));
        assertTrue(e.getMessage().endsWith("tensor 'w': external data location 'w.bin' is not a regular file (a FIFO)"), e.getMessage());
        Files.createDirectories(dir.resolve("d.bin"));
        e = refused(write(dir, "dir.onnx", addModel(externalTensor("w", new long[] {2}, "d.bin", 0, 8).build())));
        assertTrue(e.getMessage().endsWith("tensor 'w': external data location 'd.bin' is not a regular file (a directory)"), e.getMessage());
    }

    @Test
    void twoInitializersWithOneNameAreRefused() throws IOException {
        GraphProto g = addModel(floatTensor("w", new long[] {2}, 1f, 2f).build()).getGraph().toBuilder()
                .addInitializer(floatTensor("w", new long[] {2}, 3f, 4f)).build();
        IrException e = refused(write(dir, "dupinit.onnx", OnnxModels.model(g, 17)));
        assertTrue(e.getMessage().contains("initializer 'w' is defined twice"), e.getMessage());
    }

    @Test
    void aGraphWithoutOutputsIsRefused() throws IOException {
        GraphProto g = addModel(floatTensor("w", new long[] {2}, 1f, 2f).build()).getGraph().toBuilder().clearOutput().build();
        IrException e = refused(write(dir, "noout.onnx", OnnxModels.model(g, 17)));
        assertTrue(e.getMessage().endsWith("the graph declares no outputs; a model must name at least one graph output"), e.getMessage());
    }

    @Test
    void aNegativeDimIsRefusedNamingTheValueAndTheDim() throws IOException {
        GraphProto g = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("x", 1, 2, -1))
                .addNode(NodeProto.newBuilder().setName("/neg").setOpType("Neg").addInput("x").addOutput("y"))
                .addOutput(OnnxModels.tensorInfo("y", 1, 2, 3)).build();
        IrException e = refused(write(dir, "negdim.onnx", OnnxModels.model(g, 17)));
        assertTrue(e.getMessage().contains("input 'x' has dim 1 = -1; ONNX dims are >= 0 or symbolic"), e.getMessage());
        GraphProto h = g.toBuilder().setInput(0, OnnxModels.tensorInfo("x", 1, 2, 3)).setOutput(0, OnnxModels.tensorInfo("y", 1, -5, 3)).build();
        e = refused(write(dir, "negout.onnx", OnnxModels.model(h, 17)));
        assertTrue(e.getMessage().contains("output 'y' has dim 0 = -5"), e.getMessage());
    }

    @Test
    void aNegativeDimInValueInfoIsReadAsUnknown() throws IOException {
        // value_info is a hint, and some exporters write -1 for a dynamic dim there.
        GraphProto g = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("x", 1, 2, 3))
                .addNode(NodeProto.newBuilder().setName("/neg").setOpType("Neg").addInput("x").addOutput("h"))
                .addNode(NodeProto.newBuilder().setName("/abs").setOpType("Abs").addInput("h").addOutput("y"))
                .addValueInfo(OnnxModels.tensorInfo("h", 1, -1, 3))
                .addOutput(OnnxModels.tensorInfo("y", 1, 2, 3)).build();
        Module m = OnnxImporter.importModel(write(dir, "vi.onnx", OnnxModels.model(g, 17)));
        assertEquals("f32[2,3]", m.main().outputs().get(0).value().type().toString());
    }

    @Test
    void duplicateGraphInputsAndOutputsAreRefused() throws IOException {
        GraphProto in = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("x", 1, 2)).addInput(OnnxModels.tensorInfo("x", 1, 2))
                .addNode(NodeProto.newBuilder().setName("/neg").setOpType("Neg").addInput("x").addOutput("y"))
                .addOutput(OnnxModels.tensorInfo("y", 1, 2)).build();
        assertTrue(refused(write(dir, "dupin.onnx", OnnxModels.model(in, 17))).getMessage().contains("graph input 'x' is listed twice"));
        // Listed twice and also an initializer: still refused, not skipped as a constant's default.
        GraphProto withInit = addModel(floatTensor("w", new long[] {2}, 1f, 2f).build()).getGraph().toBuilder()
                .addInput(OnnxModels.tensorInfo("w", 1, 2)).addInput(OnnxModels.tensorInfo("w", 1, 2)).build();
        assertTrue(refused(write(dir, "dupinit.onnx", OnnxModels.model(withInit, 17))).getMessage().contains("graph input 'w' is listed twice"));
        GraphProto out = in.toBuilder().removeInput(1).addOutput(OnnxModels.tensorInfo("y", 1, 2)).build();
        assertTrue(refused(write(dir, "dupout.onnx", OnnxModels.model(out, 17))).getMessage().contains("graph output 'y' is listed twice"));
    }

    @Test
    void aValueDefinedTwiceIsRefusedNamingTheNode() throws IOException {
        GraphProto g = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("x", 1, 2))
                .addNode(NodeProto.newBuilder().setName("/a").setOpType("Neg").addInput("x").addOutput("t"))
                .addNode(NodeProto.newBuilder().setName("/b").setOpType("Abs").addInput("x").addOutput("t"))
                .addOutput(OnnxModels.tensorInfo("t", 1, 2)).build();
        IrException e = refused(write(dir, "twice.onnx", OnnxModels.model(g, 17)));
        assertTrue(e.getMessage().contains("node '/b' (Abs): value 't' is defined twice"), e.getMessage());
        GraphProto shadow = g.toBuilder().removeNode(1).setNode(0, g.getNode(0).toBuilder().setOutput(0, "x")).setOutput(0, OnnxModels.tensorInfo("x", 1, 2)).build();
        e = refused(write(dir, "shadow.onnx", OnnxModels.model(shadow, 17)));
        assertTrue(e.getMessage().contains("node '/a' (Neg): value 'x' is defined twice"), e.getMessage());
    }

    @Test
    void controlCharactersInNamesAreEscapedInDiagnostics() throws IOException {
        GraphProto g = GraphProto.newBuilder().addInput(OnnxModels.tensorInfo("in\nput\0", 1, 2))
                .addNode(NodeProto.newBuilder().setName("/bad\u0007").setOpType("Add").addInput("in\nput\0").addInput("gh\nost").addOutput("y"))
                .addOutput(OnnxModels.tensorInfo("y", 1, 2)).build();
        IrException e = refused(write(dir, "names.onnx", OnnxModels.model(g, 17)));
        assertTrue(e.getMessage().contains("node '/bad\\u0007' (Add): input 'gh\\nost' is not produced"), e.getMessage());
        assertFalse(e.getMessage().chars().anyMatch(Character::isISOControl), e.getMessage());
    }
}
