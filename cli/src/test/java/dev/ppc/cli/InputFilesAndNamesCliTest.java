package dev.ppc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.io.Npy;
import dev.ppc.backend.io.Npz;
import dev.ppc.compiler.onnx.proto.OnnxProtos.GraphProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ModelProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.NodeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.OperatorSetIdProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TypeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --inputs} files that are not what they seem (a directory, a FIFO, a corrupt archive, a
 * lone .npy), and names from the user's files that hold control characters: every one is either
 * accepted as the README says or refused in one escaped line.
 */
class InputFilesAndNamesCliTest {
    static final Path FIXTURES = Path.of("../fixtures");
    /** An input and an output name that would split a line if echoed raw. */
    static final String INPUT = "in\nput\0", OUTPUT = "out\nput\u0007";

    @TempDir
    Path dir;

    private static String mlp() { return FIXTURES.resolve("mlp/model.onnx").toString(); }

    @Test
    void aDirectoryOrAFifoAsInputsIsNamedAsSuch() throws IOException, InterruptedException {
        CliRunner.run("run", mlp(), "--inputs", dir.toString())
                .assertUserError("--inputs " + dir + " is a directory; expected an .npz or .npy file");
        Path fifo = dir.resolve("in.npz");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        CliRunner.run("run", mlp(), "--inputs", fifo.toString()).assertUserError("--inputs " + fifo + " is a FIFO; expected an .npz or .npy file");
    }

    @Test
    void anArchiveWithACorruptEntryIsRefused() throws IOException {
        Path p = dir.resolve("in.npz");
        Npz.write(p, Npz.read(FIXTURES.resolve("mlp/inputs.npz")), false);
        byte[] b = Files.readAllBytes(p);
        b[b.length / 2] ^= 0x01; // inside x.npy's data: one stored entry of 4x32 floats fills most of the file
        Files.write(p, b);
        CliRunner.run("run", mlp(), "--inputs", p.toString()).assertUserError(p + " entry 'x.npy': CRC-32 mismatch");
    }

    @Test
    void aOneInputModelTakesAnyNpy() throws IOException {
        Tensor x = Npz.read(FIXTURES.resolve("mlp/inputs.npz")).get("x");
        Path npy = dir.resolve("batch-7.npy");
        Npy.write(npy, x);
        Path fromNpy = dir.resolve("a.npz"), fromNpz = dir.resolve("b.npz");
        CliRunner.run("run", mlp(), "--inputs", npy.toString(), "--output", fromNpy.toString()).assertOk();
        CliRunner.run("run", mlp(), "--inputs", FIXTURES.resolve("mlp/inputs.npz").toString(), "--output", fromNpz.toString()).assertOk();
        Map<String, Tensor> a = Npz.read(fromNpy), b = Npz.read(fromNpz);
        assertEquals(b.keySet(), a.keySet());
        for (String k : b.keySet()) assertTrue(Tensor.bitwiseEqual(b.get(k), a.get(k)), k);

        // A bundle too: the .npy goes to the bundle's only input.
        Path bundle = dir.resolve("mlp.ppc");
        CliRunner.run("compile", mlp(), "--cuts", "3", "--input", "x=4x32", "-o", bundle.toString()).assertOk();
        String out = CliRunner.run("run", bundle.toString(), "--inputs", npy.toString()).assertOk().out();
        assertTrue(out.contains(" f32[4,"), out);
    }

    @Test
    void aMultiInputModelGivenOneNpyListsItsInputs() throws IOException {
        Path npy = dir.resolve("input_ids.npy");
        Npy.write(npy, Npz.read(FIXTURES.resolve("bert/inputs.npz")).get("input_ids"));
        CliRunner.run("run", FIXTURES.resolve("bert/model.onnx").toString(), "--inputs", npy.toString())
                .assertUserError("an .npy file holds one array, but the model takes 2 inputs (input_ids, attention_mask)");
    }

    @Test
    void aNegativeDimInInputIsRefused() {
        CliRunner.run("inspect", mlp(), "--input", "x=4x-1").assertUserError("'-1' is not a dimension size");
    }

    @Test
    void controlCharactersInModelNamesAreEscapedInPrintedLines() throws IOException {
        Path model = write(dir.resolve("names.onnx"), negModel(INPUT, OUTPUT, INPUT));
        String summary = CliRunner.run("inspect", model.toString()).assertOk().out();
        assertTrue(summary.contains("\n  in\\nput\\0: f32[2]\n"), summary);
        assertTrue(summary.contains("\n  out\\nput\\u0007: f32[2]\n"), summary);
        assertFalse(hasControlCharacterOtherThanNewline(summary), summary);

        Path npy = dir.resolve("x.npy");
        Npy.write(npy, Tensor.ofFloats(new long[] {2}, 1f, -2f));
        String out = CliRunner.run("run", model.toString(), "--inputs", npy.toString()).assertOk().out();
        assertTrue(out.contains("\nout\\nput\\u0007 f32[2] sum=1.00000 "), out);
        assertFalse(hasControlCharacterOtherThanNewline(out), out);
    }

    @Test
    void controlCharactersInNamesAreEscapedForBundles() throws IOException {
        GraphProto g = GraphProto.newBuilder().addInput(info(INPUT))
                .addNode(NodeProto.newBuilder().setName("/neg").setOpType("Neg").addInput(INPUT).addOutput("mid\nvalue"))
                .addNode(NodeProto.newBuilder().setName("/abs").setOpType("Abs").addInput("mid\nvalue").addOutput(OUTPUT))
                .addOutput(info(OUTPUT)).build();
        Path model = write(dir.resolve("two.onnx"), ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build());
        Path bundle = dir.resolve("two.ppc");
        String compiled = CliRunner.run("compile", model.toString(), "--cuts", "@mid\nvalue", "-o", bundle.toString()).assertOk().out();
        String summary = CliRunner.run("inspect", bundle.toString()).assertOk().out();
        for (String out : new String[] {compiled, summary}) {
            assertTrue(out.contains("stage 0 -> stage 1, %mid\\nvalue f32[2]"), out);
            assertFalse(hasControlCharacterOtherThanNewline(out), out);
        }
        // An array the bundle does not take: the runtime's message carries the name raw; the CLI escapes it.
        Path npz = dir.resolve("extra.npz");
        Npz.write(npz, Map.of(INPUT, Tensor.ofFloats(new long[] {2}, 1f, 2f), "bo\ngus", Tensor.ofFloats(new long[] {2}, 1f, 2f)), false);
        CliRunner.run("run", bundle.toString(), "--inputs", npz.toString()).assertUserError("unknown input 'bo\\ngus'");
    }

    @Test
    void controlCharactersInNamesStayEscapedInErrorLines() throws IOException {
        // The node reads a value nobody defines: the importer's diagnostic names both.
        Path undefined = write(dir.resolve("undefined.onnx"), negModel(INPUT, OUTPUT, "gh\nost\0"));
        CliRunner.run("inspect", undefined.toString()).assertUserError("input 'gh\\nost\\0' is not produced");
        // The input name reaches the CLI's own message about the arrays given.
        Path model = write(dir.resolve("names.onnx"), negModel(INPUT, OUTPUT, INPUT));
        Path npz = dir.resolve("wrong.npz");
        Npz.write(npz, Map.of("x", Tensor.ofFloats(new long[] {2}, 1f, 2f)), false);
        CliRunner.run("run", model.toString(), "--inputs", npz.toString()).assertUserError("the inputs have no array 'in\\nput\\0'; the model takes in\\nput\\0");
        // A member name with a newline and a NUL, in an archive error.
        Npz.write(npz, Map.of("bad\nname\0", Tensor.ofFloats(new long[] {2}, 1f, 2f)), false);
        byte[] b = Files.readAllBytes(npz);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(b.length / 2, 0f); // the data sits mid-file
        Files.write(npz, b);
        CliRunner.run("run", model.toString(), "--inputs", npz.toString()).assertUserError("entry 'bad\\nname\\0.npy'");
    }

    @Test
    void controlCharactersLeftInAnyMessageAreEscapedByTheErrorPrinter() {
        CliRunner.run("inspect", mlp(), "--emit", "x\u0007\0y").assertUserError("--emit x\\u0007\\0y: expected summary, ir or json");
    }

    private static boolean hasControlCharacterOtherThanNewline(String s) {
        return s.chars().anyMatch(c -> c != '\n' && Character.isISOControl(c));
    }

    /** {@code output = Neg(operand)} with an f32[2] graph input named {@code input}. */
    private static ModelProto negModel(String input, String output, String operand) {
        GraphProto g = GraphProto.newBuilder().addInput(info(input))
                .addNode(NodeProto.newBuilder().setName("/neg\u0007").setOpType("Neg").addInput(operand).addOutput(output))
                .addOutput(info(output)).build();
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
    }

    private static ValueInfoProto info(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(1).setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(2))))).build();
    }

    private static Path write(Path p, ModelProto m) throws IOException {
        Files.write(p, m.toByteArray());
        return p;
    }
}
