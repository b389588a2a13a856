package dev.ppc.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The backend's capability query. */
class CpuBackendTest {
    /** The op names in the first column of KERNELS.md's "Ops and dtypes" table, qualifiers dropped. */
    private static Set<String> documentedOps() throws IOException {
        String doc = Files.readString(Path.of("KERNELS.md"));
        String section = doc.substring(doc.indexOf("## Ops and dtypes"), doc.indexOf("## Numerics"));
        String table = section.substring(section.indexOf("|---")); // the rows, without the header
        Set<String> ops = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| ([A-Z][^|]*?) \\|").matcher(table);
        while (row.find()) {
            for (String name : row.group(1).replaceAll("\\([^)]*\\)", "").split(",")) ops.add(name.strip());
        }
        return ops;
    }

    @Test
    void supportedOpsAreTheOnesKernelsMdDocuments() throws IOException {
        assertEquals(documentedOps(), CpuBackend.supportedOnnxOps());
    }
}
