package dev.ppc.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorProto;
import dev.ppc.ir.DType;
import dev.ppc.ir.IrException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading standalone TensorProto files such as the ONNX backend test data's input_K.pb. */
class OnnxTensorFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsNameTypeAndValues() throws IOException {
        Path f = dir.resolve("input_0.pb");
        Files.write(f, OnnxModels.floatTensor("x", new long[] {2, 2}, 1f, -2f, 3.5f, 0f).build().toByteArray());
        OnnxTensorFiles.NamedTensor t = OnnxTensorFiles.read(f);
        assertEquals("x", t.name());
        assertEquals(DType.F32, t.data().dtype());
        assertArrayEquals(new long[] {2, 2}, t.data().shape());
        assertArrayEquals(new double[] {1, -2, 3.5, 0}, t.data().toDoubles());
    }

    @Test
    void readsTypedFieldsAndAnEmptyName() throws IOException {
        Path f = dir.resolve("output_0.pb");
        Files.write(f, TensorProto.newBuilder().setDataType(7).addDims(3).addInt64Data(5).addInt64Data(-1).addInt64Data(Long.MAX_VALUE).build().toByteArray());
        OnnxTensorFiles.NamedTensor t = OnnxTensorFiles.read(f);
        assertEquals("", t.name());
        assertArrayEquals(new long[] {5, -1, Long.MAX_VALUE}, t.data().toLongs());
    }

    @Test
    void aTensorWhoseDataDoesNotFitItsShapeIsRefusedNamingTheFile() throws IOException {
        Path f = dir.resolve("bad.pb");
        Files.write(f, OnnxModels.floatTensor("x", new long[] {3}, 1f, 2f).build().toByteArray());
        IrException e = assertThrows(IrException.class, () -> OnnxTensorFiles.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("raw_data has 8 bytes"), e.getMessage());
    }

    @Test
    void garbageAndMissingFilesAreRefused() throws IOException {
        Path f = dir.resolve("garbage.pb");
        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertTrue(assertThrows(IrException.class, () -> OnnxTensorFiles.read(f)).getMessage().contains("not a valid ONNX TensorProto"));
        assertTrue(assertThrows(IrException.class, () -> OnnxTensorFiles.read(dir.resolve("none.pb"))).getMessage().endsWith("no such file"));
    }
}
