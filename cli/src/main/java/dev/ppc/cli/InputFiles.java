package dev.ppc.cli;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.io.Npy;
import dev.ppc.backend.io.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads {@code --inputs}: an .npz keyed by input name, or a single .npy (named after the file). */
final class InputFiles {
    private InputFiles() {}

    static Map<String, Tensor> read(Path file) {
        if (!Files.isRegularFile(file)) throw new UserError("--inputs " + file + ": no such file");
        String name = file.getFileName().toString();
        if (name.endsWith(".npy")) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put(name.substring(0, name.length() - 4), Npy.read(file));
            return m;
        }
        return Npz.read(file);
    }
}
