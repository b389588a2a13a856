package dev.ppc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.CpuTensors;
import dev.ppc.backend.io.Npz;
import dev.ppc.compiler.onnx.OnnxTensorFiles;
import dev.ppc.ir.DType;
import dev.ppc.ir.TensorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The legacy-opset node tests ({@code tests/src/test/resources/legacy-opsets}, written by its
 * {@code generate.py}) end to end through {@code ppc run}: each model of an old opset runs and
 * matches the NumPy reference of its legacy semantics, and each model whose legacy meaning ppc
 * cannot keep exits with status 2 and one {@code error:} line.
 */
class LegacyOpsetCliTest {
    static final Path OWN_DATA = Path.of("../tests/src/test/resources");

    @TempDir
    Path dir;

    @Test
    void everyUpgradedLegacyModelRunsAndMatchesItsLegacyReference() {
        List<Path> cases = cases("legacy-opsets");
        assertFalse(cases.isEmpty());
        for (Path c : cases) {
            Path dataSet = c.resolve("test_data_set_0");
            Path in = writeInputs(c, dataSet), out = dir.resolve(c.getFileName() + "-out.npz");
            CliRunner.run("run", c.resolve("model.onnx").toString(), "--inputs", in.toString(), "--output", out.toString()).assertOk();
            Map<String, Tensor> got = Npz.read(out);
            for (Path expectedFile : files(dataSet, "output_")) {
                OnnxTensorFiles.NamedTensor expected = OnnxTensorFiles.read(expectedFile);
                Tensor actual = got.get(expected.name());
                assertTrue(actual != null, c.getFileName() + ": no output '" + expected.name() + "' in " + got.keySet());
                assertMatches(c.getFileName() + "/" + expected.name(), expected.data(), actual);
            }
        }
    }

    @Test
    void legacyModelsWithoutAProvableMeaningAreRefusedByRun() throws IOException {
        List<Path> cases = cases("legacy-opsets-refused");
        assertFalse(cases.isEmpty());
        for (Path c : cases) {
            String fragment = Files.readString(c.resolve("error.txt")).strip();
            Path in = writeInputs(c, c.resolve("test_data_set_0"));
            CliRunner.run("run", c.resolve("model.onnx").toString(), "--inputs", in.toString()).assertUserError(fragment);
        }
    }

    /** The data set's named input tensors as one .npz, keyed by the model's input names. */
    private Path writeInputs(Path testCase, Path dataSet) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (Path f : files(dataSet, "input_")) {
            OnnxTensorFiles.NamedTensor t = OnnxTensorFiles.read(f);
            inputs.put(t.name(), CpuTensors.fromData(t.data()));
        }
        Path npz = dir.resolve(testCase.getFileName() + "-in.npz");
        Npz.write(npz, inputs, false);
        return npz;
    }

    /** Floats within the conformance suite's rtol 1e-3 / atol 1e-5; everything else bit for bit. */
    private static void assertMatches(String what, TensorData expected, Tensor actual) {
        assertEquals(expected.dtype(), actual.dtype(), what);
        assertArrayEquals(expected.shape(), actual.shape(), what);
        if (expected.dtype() == DType.F32 || expected.dtype() == DType.F64) {
            for (int i = 0; i < expected.numel(); i++) {
                double e = expected.doubleAt(i), a = expected.dtype() == DType.F32 ? actual.getFloat(i) : actual.getDouble(i);
                assertTrue(Math.abs(a - e) <= 1e-5 + 1e-3 * Math.abs(e), what + "[" + i + "]: expected " + e + ", got " + a);
            }
            return;
        }
        ByteBuffer want = expected.bytes().duplicate(), got = actual.data().duplicate();
        got.clear().limit((int) actual.byteSize());
        assertEquals(want.rewind(), got, what + ": elements differ");
    }

    private static List<Path> cases(String set) {
        try (Stream<Path> s = Files.list(OWN_DATA.resolve(set))) {
            return s.filter(d -> Files.isRegularFile(d.resolve("model.onnx"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> files(Path dataSet, String prefix) {
        try (Stream<Path> s = Files.list(dataSet)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
