package dev.ppc.compiler.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ppc.ir.IrException;
import dev.ppc.ir.testing.RamTempDirFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the ONNX importer (docs/fuzzing.md) through a model file, as {@code ppc inspect} reads
 * it: parse the protobuf, import, verify. Any bytes either import as a verified module or are
 * refused with an {@link IrException}. Anything else that escapes, an {@link Error} or a hang is
 * a bug. The model sits alone in a temporary folder, so external data can only name files that
 * are missing there (or the model itself).
 */
class OnnxImporterFuzzTest {
    /** Larger models only add weight bytes, which the importer copies or maps. */
    private static final int MAX_INPUT_BYTES = 1 << 17;

    @TempDir(factory = RamTempDirFactory.class)
    static Path dir;

    @FuzzTest
    void importModel(byte[] input) throws IOException {
        if (input.length > MAX_INPUT_BYTES) return;
        Path model = dir.resolve("model.onnx");
        // A new file each time: the previous module may still map the old one's bytes.
        Files.deleteIfExists(model);
        Files.write(model, input);
        try {
            OnnxImporter.importModel(model);
        } catch (IrException userError) {
            // Refused with a one-line message.
        }
    }
}
