package dev.ppc.tests.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One test of the ONNX backend test data: a folder holding {@code model.onnx} and one or more
 * {@code test_data_set_N/} folders of {@code input_K.pb} and {@code output_K.pb} TensorProto
 * files. Its key, {@code set/name} (e.g. {@code node/test_abs}), names it in reports and in the
 * limitations list; names alone are not unique across sets.
 */
public record OnnxTestCase(String set, String name, Path dir) {
    private static final Pattern NUMBERED = Pattern.compile("(?:input|output|test_data_set)_([0-9]+)(?:\\.pb)?");

    /** {@code set/name}. */
    public String key() { return set + "/" + name; }

    public Path model() { return dir.resolve("model.onnx"); }

    /** The {@code test_data_set_N} folders in numeric order. */
    public List<Path> dataSets() { return numbered(dir, "test_data_set_"); }

    /** The {@code input_K.pb} files of one data set in numeric order. */
    public static List<Path> inputs(Path dataSet) { return numbered(dataSet, "input_"); }

    /** The {@code output_K.pb} files of one data set in numeric order. */
    public static List<Path> outputs(Path dataSet) { return numbered(dataSet, "output_"); }

    /** Every test folder with a {@code model.onnx} under {@code root/set} for each set, sorted by set order, then name. */
    public static List<OnnxTestCase> discover(Path root, List<String> sets) {
        List<OnnxTestCase> all = new ArrayList<>();
        for (String set : sets) {
            try (Stream<Path> s = Files.list(root.resolve(set))) {
                s.filter(d -> Files.isRegularFile(d.resolve("model.onnx")))
                        .sorted(Comparator.comparing(d -> d.getFileName().toString()))
                        .forEach(d -> all.add(new OnnxTestCase(set, d.getFileName().toString(), d)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    // input_10 sorts after input_9: order by the number, not the text.
    private static List<Path> numbered(Path dir, String prefix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && NUMBERED.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(OnnxTestCase::number))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int number(Path p) {
        Matcher m = NUMBERED.matcher(p.getFileName().toString());
        if (!m.matches()) throw new IllegalStateException(p + " is not numbered");
        return Integer.parseInt(m.group(1));
    }
}
