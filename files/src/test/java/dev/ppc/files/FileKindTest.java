package dev.ppc.files;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKindTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException { return Files.writeString(dir.resolve(name), text); }

    private Path zip(String name, String... entries) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(out)) {
            for (String e : entries) {
                z.putNextEntry(new ZipEntry(e));
                z.write(1);
                z.closeEntry();
            }
        }
        return p;
    }

    @Test
    void numpyIsAnNpyOrAZipOfNpyEntries() throws IOException {
        Path npy = Files.write(dir.resolve("a.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        assertTrue(FileKind.NUMPY.accepts(npy));
        assertTrue(FileKind.NUMPY.accepts(zip("a.npz", "x.npy", "y.npy")));
        assertFalse(FileKind.NUMPY.accepts(zip("b.zip", "x.npy", "manifest.json")));
        assertFalse(FileKind.NUMPY.accepts(file("model.onnx", "\u0008\u0007\u0012\u0004onnx")));
        assertFalse(FileKind.NUMPY.accepts(file("notes.txt", "keep me")));
    }

    @Test
    void jsonSvgAndCsvAreRecognizedByTheirStart() throws IOException {
        assertTrue(FileKind.JSON.accepts(file("t.json", "\uFEFF  {\"traceEvents\": []}")));
        assertTrue(FileKind.JSON.accepts(file("l.json", "[1]")));
        assertFalse(FileKind.JSON.accepts(file("n.txt", "notes")));
        assertTrue(FileKind.SVG.accepts(file("a.svg", "<?xml version=\"1.0\"?>\n<svg width=\"1\"></svg>")));
        assertFalse(FileKind.SVG.accepts(file("b.svg", "<html></html>")));
        assertTrue(FileKind.CSV.accepts(file("a.csv", "0F0,1F0\n0B0,\n")));
        assertFalse(FileKind.CSV.accepts(Files.write(dir.resolve("bin.csv"), new byte[] {'a', 0, 'b'})));
        assertFalse(FileKind.CSV.accepts(file("README.md", "# A project\n\nSome prose, with a comma.\n")), "prose is no CSV");
        assertFalse(FileKind.CSV.accepts(Files.write(dir.resolve("latin1.csv"), new byte[] {'a', (byte) 0xE9, 'b'})));
    }

    @Test
    void anEmptyFileIsEveryKindAndADirectoryIsNoFileKind() throws IOException {
        Path empty = file("empty", "");
        for (FileKind k : new FileKind[] {FileKind.NUMPY, FileKind.JSON, FileKind.SVG, FileKind.CSV}) {
            assertTrue(k.accepts(empty), k.description());
            assertFalse(k.accepts(dir), k.description());
        }
    }
}
