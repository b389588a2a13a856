package dev.ppc.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesANewFileAndReplacesAnOldOne() throws IOException {
        Path f = dir.resolve("out.txt");
        AtomicFile.writeString(f, "one");
        assertEquals("one", Files.readString(f));
        AtomicFile.write(f, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        assertEquals(List.of("out.txt"), names(), "no temp is left");
    }

    @Test
    void aFailedWriteLeavesTheOldContentAndNoTemp() throws IOException {
        Path f = dir.resolve("out.txt");
        Files.writeString(f, "old");
        OutputFileException e = assertThrows(OutputFileException.class, () -> AtomicFile.write(f, out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write " + f + ": no space left on device; the previous out.txt is kept", e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("out.txt"), names());
    }

    @Test
    void anExceptionFromTheContentPropagatesUnchanged() throws IOException {
        Path f = dir.resolve("new.txt");
        IllegalStateException boom = new IllegalStateException("boom");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> AtomicFile.write(f, out -> {
            out.write(1);
            throw boom;
        })));
        assertEquals(List.of(), names(), "neither the target nor a temp exists");
    }

    @Test
    void aDirectoryOrAMissingFolderIsRefusedInOneLine() throws IOException {
        Path d = Files.createDirectory(dir.resolve("d"));
        assertEquals("cannot write " + d + ": it is a directory; give the path of a file",
                assertThrows(OutputFileException.class, () -> AtomicFile.writeString(d, "x")).getMessage());
        Path missing = dir.resolve("no/such/out.txt");
        assertEquals("cannot write " + missing + ": the folder " + dir.resolve("no/such") + " does not exist; create it first",
                assertThrows(OutputFileException.class, () -> AtomicFile.writeString(missing, "x")).getMessage());
    }

    @Test
    void tempsOfDeadWritersAreRemovedAndThoseOfLiveOnesKept() throws Exception {
        Path f = dir.resolve("out.npz");
        Path dead = DeadWriter.deadSibling(f, "tmp");
        Files.writeString(dead, "half");
        Path deadScratch = Files.createDirectory(dir.resolve("." + f.getFileName() + ".tmp-" + DeadWriter.pid() + "-0badf00d"));
        Files.writeString(deadScratch.resolve("manifest.json"), "{}");
        Process writer = new ProcessBuilder("sleep", "60").start(); // stands for another ppc, still writing
        try {
            Path live = DeadWriter.sibling(f, "tmp", writer.pid());
            Files.writeString(live, "being written");
            AtomicFile.writeString(f, "new");
            assertFalse(Files.exists(dead));
            assertFalse(Files.exists(deadScratch));
            assertTrue(Files.exists(live), "a running writer's temp is its own");
            assertEquals("new", Files.readString(f));
        } finally {
            writer.destroyForcibly().waitFor();
        }
    }

    @Test
    void aSymbolicLinkIsWrittenThroughAndPermissionsAreKept() throws IOException {
        Path real = dir.resolve("real.txt");
        Files.writeString(real, "old");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), real);
        AtomicFile.writeString(link, "new");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
    }

    @Test
    void scratchDirectoriesCarryTheTargetsTempName() throws IOException {
        Path f = dir.resolve("b.zip");
        Path scratch = AtomicFile.scratchDirectory(f);
        assertTrue(Files.isDirectory(scratch));
        assertTrue(scratch.getFileName().toString().matches("\\.b\\.zip\\.tmp-\\d+-[0-9a-f]{8}"), scratch.toString());
        AtomicFile.deleteScratch(scratch);
        assertEquals(List.of(), names());
    }
}
