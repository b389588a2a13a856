package dev.ppc.cli;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.io.Npy;
import dev.ppc.backend.io.Npz;
import dev.ppc.ir.FileKinds;
import dev.ppc.ir.Names;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The arrays of {@code --inputs}: an .npz keyed by input name, or a single .npy, which holds the
 * one input of a one-input model whatever the file is called. The file is read before the model
 * is loaded, so a wrong path fails fast; the arrays get their names once the model's inputs are
 * known ({@link #forInputs}).
 */
final class InputFiles {
    private final Path file;
    /** The arrays of an .npz by name, or null for an .npy. */
    private final Map<String, Tensor> named;
    /** The array of an .npy, or null for an .npz. */
    private final Tensor single;

    private InputFiles(Path file, Map<String, Tensor> named, Tensor single) {
        this.file = file;
        this.named = named;
        this.single = single;
    }

    static InputFiles read(Path file) {
        // Checked before anything opens the file: opening a FIFO for reading would block.
        if (!Files.exists(file)) throw new UserError("--inputs " + file + ": no such file");
        if (!Files.isRegularFile(file)) {
            throw new UserError("--inputs " + file + " is " + FileKinds.describe(file) + "; expected an .npz or .npy file");
        }
        if (file.getFileName().toString().endsWith(".npy")) return new InputFiles(file, null, Npy.read(file));
        return new InputFiles(file, Npz.read(file), null);
    }

    /**
     * The arrays keyed by input name. An .npz's keys are returned as they are (the caller checks
     * them against {@code inputNames}); an .npy's array is named after the model's only input.
     */
    Map<String, Tensor> forInputs(Collection<String> inputNames) {
        if (single == null) return named;
        if (inputNames.size() != 1) {
            String takes = inputNames.isEmpty() ? "takes no inputs"
                    : "takes " + inputNames.size() + " inputs (" + inputNames.stream().map(Names::printable).collect(Collectors.joining(", ")) + ")";
            throw new UserError("--inputs " + file + ": an .npy file holds one array, but the model " + takes
                    + "; give an .npz keyed by the input names (np.savez)");
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put(inputNames.iterator().next(), single);
        return m;
    }
}
