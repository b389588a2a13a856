package dev.ppc.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {
    private static final Predicate<Path> HAS_MANIFEST = d -> Files.isRegularFile(d.resolve("manifest.json"));

    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String marker(Path bundle) throws IOException { return Files.readString(bundle.resolve("manifest.json")); }

    private static String write(Path target, String marker) {
        return AtomicDirectory.write(target, HAS_MANIFEST, tmp -> {
            DeadWriter.writeBundleLike(tmp, marker);
            return marker;
        });
    }

    @Test
    void createsAndReplacesADirectoryLeavingNoSiblings() throws IOException {
        Path b = dir.resolve("x.ppc");
        assertEquals("one", write(b, "one"));
        assertTrue(marker(b).contains("one"));
        Files.writeString(b.resolve("stale.txt"), "from the old bundle");
        write(b, "two");
        assertTrue(marker(b).contains("two"));
        assertFalse(Files.exists(b.resolve("stale.txt")), "the new directory replaces the old one whole");
        assertEquals(List.of("x.ppc"), names());
    }

    @Test
    void aFailedAssemblyLeavesTheOldDirectoryAndNoTemp() throws IOException {
        Path b = dir.resolve("x.ppc");
        write(b, "old");
        OutputFileException e = assertThrows(OutputFileException.class, () -> AtomicDirectory.write(b, HAS_MANIFEST, tmp -> {
            Files.writeString(tmp.resolve("half"), "x");
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write " + b + ": no space left on device; the previous x.ppc is kept", e.getMessage());
        assertTrue(marker(b).contains("old"));
        assertEquals(List.of("x.ppc"), names());
    }

    @Test
    void recoverPutsBackADirectoryWhoseReplacementWasKilledBetweenTheRenames() throws Exception {
        Path b = dir.resolve("x.ppc");
        Path aside = DeadWriter.deadSibling(b, "replaced");
        DeadWriter.writeBundleLike(aside, "old");
        Path temp = DeadWriter.deadSibling(b, "tmp");
        DeadWriter.writeBundleLike(temp, "new");
        AtomicDirectory.recover(b, HAS_MANIFEST);
        assertTrue(marker(b).contains("old"), "the previous content is back");
        assertEquals(List.of("x.ppc"), names(), "the dead writer's temp is gone");
    }

    @Test
    void recoverDeletesDeadAsidesOnlyBesideACompleteDirectory() throws Exception {
        Path b = dir.resolve("x.ppc");
        Files.createDirectory(b); // exists but is not complete: the aside may be the only whole copy
        Path aside = DeadWriter.deadSibling(b, "replaced");
        DeadWriter.writeBundleLike(aside, "old");
        AtomicDirectory.recover(b, HAS_MANIFEST);
        assertTrue(Files.exists(aside));
        DeadWriter.writeBundleLike(b, "new");
        AtomicDirectory.recover(b, HAS_MANIFEST);
        assertFalse(Files.exists(aside));
        assertTrue(marker(b).contains("new"));
    }

    @Test
    void recoverLeavesTheSiblingsOfARunningWriterAlone() throws Exception {
        Path b = dir.resolve("x.ppc");
        Process writer = new ProcessBuilder("sleep", "60").start(); // stands for another ppc, still between its renames
        try {
            Path aside = DeadWriter.sibling(b, "replaced", writer.pid());
            DeadWriter.writeBundleLike(aside, "old");
            AtomicDirectory.recover(b, HAS_MANIFEST);
            assertFalse(Files.exists(b), "the running writer is about to put its new directory there");
            assertTrue(Files.exists(aside));
        } finally {
            writer.destroyForcibly().waitFor();
        }
    }

    @Test
    void aSiblingWithThisProcessIdThatThisProcessDidNotMakeIsAnEarlierRunsLeftover() throws Exception {
        // In a container every run may get the same process id: the id alone does not prove the owner alive.
        Path b = dir.resolve("x.ppc");
        Path aside = DeadWriter.sibling(b, "replaced", ProcessHandle.current().pid());
        DeadWriter.writeBundleLike(aside, "old");
        AtomicDirectory.recover(b, HAS_MANIFEST);
        assertTrue(marker(b).contains("old"), "the earlier run's aside is put back");
        assertEquals(List.of("x.ppc"), names());
    }

    @Test
    void aWriteAfterAnInterruptedReplacementStartsFromThePreviousDirectory() throws Exception {
        Path b = dir.resolve("x.ppc");
        DeadWriter.writeBundleLike(DeadWriter.deadSibling(b, "replaced"), "old");
        write(b, "new");
        assertTrue(marker(b).contains("new"));
        assertEquals(List.of("x.ppc"), names());
    }

    @Test
    void aMissingFolderIsRefused() {
        Path b = dir.resolve("no/x.ppc");
        assertEquals("cannot write " + b + ": the folder " + dir.resolve("no") + " does not exist; create it first",
                assertThrows(OutputFileException.class, () -> write(b, "x")).getMessage());
    }
}
