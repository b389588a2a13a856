package dev.ppc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKindsTest {
    @TempDir
    Path dir;

    @Test
    void namesEachKindOfFile() throws IOException, InterruptedException {
        Path file = Files.write(dir.resolve("f.bin"), new byte[1]);
        Path fifo = dir.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertEquals("a regular file", FileKinds.describe(file));
        assertEquals("a directory", FileKinds.describe(dir));
        assertEquals("a FIFO", FileKinds.describe(fifo));
        assertEquals("a character device", FileKinds.describe(Path.of("/dev/null")));
        assertEquals("a file that cannot be examined", FileKinds.describe(dir.resolve("missing")));
    }
}
