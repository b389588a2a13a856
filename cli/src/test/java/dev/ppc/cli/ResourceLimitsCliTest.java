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
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TypeProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests beyond what ppc can hold are user mistakes: one line, exit 2, naming the argument,
 * value or stage and what to do; never an OutOfMemoryError, a negative size or a stack trace.
 */
class ResourceLimitsCliTest {
    private static final Path FIXTURES = Path.of("../fixtures");
    private static final String MLP = FIXTURES.resolve("mlp/model.onnx").toString();

    @TempDir
    Path dir;

    private Path mlpInputs(int rows) {
        Path p = dir.resolve("x" + rows + ".npz");
        Npz.write(p, Map.of("x", Tensor.allocate(dev.ppc.ir.DType.F32, rows, 32)), false);
        return p;
    }

    @Test
    void threadCountsOverTheCapAreRefusedBeforeAnyThreadStarts() {
        String inputs = mlpInputs(4).toString();
        CliRunner.run("run", MLP, "--inputs", inputs, "--threads", "2147483647").assertUserError("--threads 2147483647: must be between 1 and 256");
        CliRunner.run("run", MLP, "--inputs", inputs, "--threads", "257").assertUserError("--threads 257");
        Path bundle = dir.resolve("mlp.ppc");
        CliRunner.run("compile", MLP, "--cuts", "3", "--input", "x=4x32", "--microbatches", "2", "-o", bundle.toString()).assertOk();
        CliRunner.run("run", bundle.toString(), "--inputs", inputs, "--threads", "2147483647").assertUserError("--threads 2147483647");
        CliRunner.run("run", bundle.toString(), "--inputs", inputs, "--cores", "2147483647").assertUserError("--cores 2147483647");
        CliRunner.run("run", bundle.toString(), "--inputs", inputs, "--threads", "2").assertOk();
    }

    @Test
    void dimsWhoseProductOverflowsAreRefusedNamingTheInput() {
        CliRunner.run("inspect", FIXTURES.resolve("gpt2/model.onnx").toString(), "--input", "input_ids=4611686018427387904x4")
                .assertUserError("input 'input_ids' of shape 4611686018427387904x4 would hold 18446744073709551616 elements");
        Path out = dir.resolve("never.ppc");
        CliRunner.run("compile", MLP, "--cuts", "3", "--input", "x=4611686018427387904x32", "-o", out.toString())
                .assertUserError("input 'x' of shape 4611686018427387904x32");
        CliRunner.run("inspect", MLP, "--input", "x=99999999999999999999x32").assertUserError("dimension size 99999999999999999999 is larger than");
        assertFalse(Files.exists(out));
    }

    @Test
    void compileRefusesAMicrobatchTheCpuBackendCannotHold() {
        Path out = dir.resolve("huge.ppc");
        CliRunner.run("compile", MLP, "--cuts", "3", "--input", "x=99999999999x32", "-o", out.toString())
                .assertUserError("input %x is f32[99999999999,32]: 12799999999872 bytes, more than the 2147483520 bytes (2 GiB)");
        assertFalse(Files.exists(out), "nothing is written");
        // Split into enough microbatches, the same batch size per microbatch is fine.
        CliRunner.run("compile", MLP, "--cuts", "3", "--input", "x=67108864x32", "--microbatches", "4", "-o", out.toString())
                .assertUserError("use more microbatches");
    }

    @Test
    void integerDivisionByZeroNamesTheNode() throws IOException {
        Path model = write("div.onnx", graph(List.of(), div("a", "b")));
        Path inputs = dir.resolve("ab.npz");
        Npz.write(inputs, Map.of("a", Tensor.ofLongs(new long[] {3}, 7, 8, 9), "b", Tensor.ofLongs(new long[] {3}, 1, 0, 2)), false);
        CliRunner.run("run", model.toString(), "--inputs", inputs.toString()).assertUserError("Div node '/div': integer division by zero");
        Npz.write(inputs, Map.of("a", Tensor.ofLongs(new long[] {3}, 7, 8, 9), "b", Tensor.ofLongs(new long[] {3}, 1, 2, 2)), false);
        assertTrue(CliRunner.run("run", model.toString(), "--inputs", inputs.toString()).assertOk().out().contains("y i64[3]"));
        // A divisor known at compile time: folding finds it before anything runs.
        Path folded = write("folded.onnx", graph(List.of(longs("a", 7, 8, 9), longs("b", 2, 0, 1)), div("a", "b")));
        CliRunner.run("inspect", folded.toString()).assertUserError("Div node '/div': integer division by zero");
    }

    @Test
    void runningShortOfDirectMemoryIsOneLineNamingTheStageAndTheOption() throws Exception {
        // 50,000 x 32 floats: 6.4 MB of input, two 6.4 MB intermediates in the arena, 6.4 MB of output.
        Path inputs = dir.resolve("big.npz");
        Npz.write(inputs, Map.of("x", Tensor.allocate(dev.ppc.ir.DType.F32, 50_000, 32)), false);
        Child stage = runChild("-XX:MaxDirectMemorySize=16m", "run", MLP, "--inputs", inputs.toString());
        assertEquals(2, stage.status(), stage.err());
        assertTrue(stage.err().matches("error: stage 'mlp' needs 19221120 bytes of direct memory \\(arena 12800000, constants 21120, outputs 6400000\\)"
                + " but the JVM has \\d+ left; raise the limit with PPC_JAVA_OPTS=-XX:MaxDirectMemorySize=\\d+m, or use more microbatches or more stages\n"),
                stage.err());
        // Too little even to read the inputs: the same kind of line, from whatever allocation failed.
        Child input = runChild("-XX:MaxDirectMemorySize=4m", "run", MLP, "--inputs", inputs.toString());
        assertEquals(2, input.status(), input.err());
        assertTrue(input.err().startsWith("error: out of memory: ") && input.err().contains("-XX:MaxDirectMemorySize") && input.err().lines().count() == 1,
                input.err());
    }

    private record Child(int status, String err) {}

    /** Runs the CLI in a JVM of its own, with {@code jvmOption}, and returns its status and stderr. */
    private Child runChild(String jvmOption, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), jvmOption,
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        return new Child(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static NodeProto div(String a, String b) {
        return NodeProto.newBuilder().setName("/div").setOpType("Div").addInput(a).addInput(b).addOutput("y").build();
    }

    private static TensorProto longs(String name, long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) bytes.putLong(v);
        return TensorProto.newBuilder().setName(name).setDataType(7).addDims(values.length).setRawData(ByteString.copyFrom(bytes.array())).build();
    }

    private static ValueInfoProto i64(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(7).setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3))))).build();
    }

    /** y = a / b over i64[3]; a and b are graph inputs unless {@code initializers} defines them. */
    private static ModelProto graph(List<TensorProto> initializers, NodeProto node) {
        GraphProto.Builder g = GraphProto.newBuilder().addNode(node).addOutput(i64("y"));
        if (initializers.isEmpty()) g.addInput(i64("a")).addInput(i64("b"));
        else g.addAllInitializer(initializers);
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
    }

    private Path write(String name, ModelProto m) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, m.toByteArray());
        return p;
    }
}
