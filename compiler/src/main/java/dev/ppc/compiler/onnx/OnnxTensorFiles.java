package dev.ppc.compiler.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorProto;
import dev.ppc.ir.IrException;
import dev.ppc.ir.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads standalone serialized {@code TensorProto} files, the format of the ONNX backend test
 * data ({@code test_data_set_N/input_K.pb}, {@code output_K.pb}). Decoding is the importer's, so
 * every encoding a model's initializers may use is read here too, with the same size checks.
 */
public final class OnnxTensorFiles {
    /** A decoded tensor and the name stored in the file ({@code ""} when the file names none). */
    public record NamedTensor(String name, TensorData data) {}

    private OnnxTensorFiles() {}

    /**
     * Reads the {@code TensorProto} in {@code file}. External data, if the tensor uses any, is
     * resolved next to the file under the importer's rules.
     *
     * @throws IrException naming the file when it cannot be read or is not a valid tensor
     */
    public static NamedTensor read(Path file) {
        TensorProto proto;
        try {
            proto = TensorProto.parseFrom(Files.readAllBytes(file));
        } catch (InvalidProtocolBufferException e) {
            throw new IrException(file + ": not a valid ONNX TensorProto: " + e.getMessage());
        } catch (NoSuchFileException e) {
            throw new IrException(file + ": no such file");
        } catch (IOException e) {
            throw new IrException(file + ": cannot read: " + e.getMessage());
        }
        try (ExternalDataFiles external = new ExternalDataFiles(file)) {
            TensorData data = new TensorDecoder(file.toString(), external).decode(proto, "");
            return new NamedTensor(proto.getName(), data);
        }
    }
}
