package dev.ppc.bundle;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Zip archives that the JDK's zip file system fails on with an unchecked exception (found by
 * {@link BundleArchiveFuzzTest}) are refused as corrupt archives, with one line naming the file.
 */
class BundleReaderArchiveTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"crash-zipfs-short-timestamp-extra-field", "crash-zipfs-empty-entry-name"})
    void malformedArchiveIsACorruptArchive(String name) throws IOException {
        Path zip = dir.resolve("bad.zip");
        try (InputStream in = getClass().getResourceAsStream("BundleArchiveFuzzTestInputs/readArchive/" + name)) {
            Files.copy(in, zip);
        }
        BundleException e = assertThrows(BundleException.class, () -> BundleReader.read(zip));
        assertTrue(e.getMessage().startsWith("bundle " + zip + ": the file is a truncated or corrupt zip archive ("), e.getMessage());
    }
}
