package dev.ppc.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class OutputGuardTest {
    @TempDir
    Path dir;

    private static String refused(Executable e) { return assertThrows(OutputFileException.class, e).getMessage(); }

    @Test
    void anInputIsNeverAnOutputWhateverItsSpelling() throws IOException {
        Path model = Files.writeString(dir.resolve("model.onnx"), "onnx");
        Path link = Files.createSymbolicLink(dir.resolve("link.npz"), model);
        Files.createDirectory(dir.resolve("sub"));
        OutputGuard g = new OutputGuard(true).input("the model", model);
        assertEquals("--output " + model + " is an input of this command (the model); choose another path",
                refused(() -> g.output("--output", model, FileKind.NUMPY)));
        assertEquals("--output " + link + " is an input of this command (the model); choose another path",
                refused(() -> g.output("--output", link, FileKind.NUMPY)));
        Path dotted = dir.resolve("sub/../model.onnx");
        assertEquals("--output " + dotted + " is an input of this command (the model); choose another path",
                refused(() -> g.output("--output", dotted, FileKind.NUMPY)));
    }

    @Test
    void nothingIsWrittenInsideAnInputDirectoryNorOverADirectoryHoldingAnInput() throws IOException {
        Path bundle = Files.createDirectories(dir.resolve("x.ppc/core-0"));
        Path stage = Files.writeString(bundle.resolve("stage.onnx"), "onnx");
        OutputGuard run = new OutputGuard(false).input("the bundle", dir.resolve("x.ppc"));
        Path manifest = dir.resolve("x.ppc/manifest.json");
        assertEquals("--trace " + manifest + " is inside " + dir.resolve("x.ppc") + ", an input of this command (the bundle); choose another path",
                refused(() -> run.output("--trace", manifest, FileKind.JSON)));
        OutputGuard compile = new OutputGuard(true).input("the model", stage);
        FileKind bundleKind = FileKind.of("a ppc bundle", true, p -> true);
        assertEquals("-o " + dir.resolve("x.ppc") + " holds " + stage + ", an input of this command (the model); choose another path",
                refused(() -> compile.outputCreatingFolders("-o", dir.resolve("x.ppc"), bundleKind)));
    }

    @Test
    void twoOutputsNeverShareAPath() {
        OutputGuard g = new OutputGuard(false);
        g.output("--output", dir.resolve("a.json"), FileKind.NUMPY);
        assertEquals("--trace " + dir.resolve("a.json") + " is also the path given to --output; give each output its own path",
                refused(() -> g.output("--trace", dir.resolve("a.json"), FileKind.JSON)));
    }

    @Test
    void anotherKindOfFileNeedsForce() throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.npz"), "keep me");
        assertEquals("--output " + notes + " exists and is not an .npz or .npy file; refusing to replace it (use --force to replace it anyway)",
                refused(() -> new OutputGuard(false).output("--output", notes, FileKind.NUMPY)));
        new OutputGuard(true).output("--output", notes, FileKind.NUMPY);
    }

    @Test
    void aDirectoryOrAMissingFolderIsRefusedEvenWithForce() throws IOException {
        Path d = Files.createDirectory(dir.resolve("out"));
        assertEquals("--output " + d + " is a directory; give the path of a file",
                refused(() -> new OutputGuard(true).output("--output", d, FileKind.NUMPY)));
        Path missing = dir.resolve("no/y.npz");
        assertEquals("--output " + missing + ": the folder " + dir.resolve("no") + " does not exist; create it first",
                refused(() -> new OutputGuard(true).output("--output", missing, FileKind.NUMPY)));
        new OutputGuard(false).outputCreatingFolders("-o", dir.resolve("no/such/x.ppc"), FileKind.of("a bundle", true, p -> true));
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertEquals("-o " + file.resolve("x.ppc") + ": " + file + " is a file, not a folder",
                refused(() -> new OutputGuard(false).outputCreatingFolders("-o", file.resolve("x.ppc"), FileKind.of("a bundle", true, p -> true))));
    }

    @Test
    void aFolderOfOutputsMustNotWriteOverAnInput() throws IOException {
        Path ir = Files.writeString(dir.resolve("00-input.ppir"), "module @m {}");
        OutputGuard g = new OutputGuard(false).input("the model", ir);
        assertEquals("--dump-dir " + dir + " would write over " + ir + ", an input of this command (the model); choose another directory",
                refused(() -> g.outputFolder("--dump-dir", dir, name -> name.matches("\\d\\d-.*\\.ppir"))));
        g.outputFolder("--dump-dir", dir, name -> name.equals("other.ppir"));
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertEquals("--dump-dir " + file + " is a file, not a directory; give a directory",
                refused(() -> g.outputFolder("--dump-dir", file, name -> true)));
    }
}
