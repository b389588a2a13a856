package dev.ppc.ir.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Creates {@code @TempDir} folders in RAM ({@code /dev/shm}) where the machine has it, else in
 * the default temporary folder. Fuzz tests write their input to a file on every run, thousands of
 * times a second; on a disk each such write costs milliseconds.
 */
public final class RamTempDirFactory implements TempDirFactory {
    private static final Path SHM = Path.of("/dev/shm");

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
        return Files.isDirectory(SHM) && Files.isWritable(SHM)
                ? Files.createTempDirectory(SHM, "ppc-test") : Files.createTempDirectory("ppc-test");
    }
}
