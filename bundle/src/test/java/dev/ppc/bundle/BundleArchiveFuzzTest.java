package dev.ppc.bundle;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ppc.ir.IrException;
import dev.ppc.ir.testing.RamTempDirFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the bundle reader on zip archives (docs/fuzzing.md), as {@code ppc run OUT.zip} reads
 * them: any bytes either read as a verified bundle or are refused with a {@link BundleException}
 * (or another {@link IrException}). Anything else that escapes, an {@link Error} or a
 * hang is a bug.
 */
class BundleArchiveFuzzTest {
    /** Larger archives only add weight bytes, which the reader checksums. */
    private static final int MAX_INPUT_BYTES = 1 << 17;

    @TempDir(factory = RamTempDirFactory.class)
    static Path dir;

    @FuzzTest
    void readArchive(byte[] input) throws IOException {
        if (input.length > MAX_INPUT_BYTES) return;
        Path file = dir.resolve("bundle.zip");
        Files.write(file, input);
        try {
            BundleReader.read(file);
        } catch (IrException userError) {
            // BundleException is an IrException: refused with a one-line message.
        }
    }
}
