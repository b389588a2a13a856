package dev.ppc.backend.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ppc.ir.testing.RamTempDirFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the {@code .npz} reader (docs/fuzzing.md) through a file, as {@code ppc run --inputs}
 * reads it: any bytes either read as a map of tensors or are refused with an
 * {@link NpyFormatException}. Anything else that escapes, an {@link Error} or a hang is a bug.
 */
class NpzFuzzTest {
    /** Larger archives only add array data, which the reader copies. */
    private static final int MAX_INPUT_BYTES = 1 << 17;

    @TempDir(factory = RamTempDirFactory.class)
    static Path dir;

    @FuzzTest
    void read(byte[] input) throws IOException {
        if (input.length > MAX_INPUT_BYTES) return;
        Path file = dir.resolve("inputs.npz");
        Files.write(file, input);
        try {
            Npz.read(file);
        } catch (NpyFormatException userError) {
            // Refused with a one-line message: the expected outcome for a broken archive.
        }
    }
}
