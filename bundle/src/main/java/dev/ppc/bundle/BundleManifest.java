package dev.ppc.bundle;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.ppc.ir.DType;
import dev.ppc.ir.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The contents of a bundle's {@code manifest.json}: what was compiled, how it is cut, and a
 * checksum of every other file. Serialized with snake_case keys; see {@code compiler/BUNDLE.md}
 * for an example. The file itself ends with a digest of its own bytes ({@link ManifestSeal}),
 * which is not part of this record.
 *
 * <p>Every field is required when the manifest is read, except those marked
 * {@code @JsonSetter(nulls = Nulls.SET)}, which are absent when null.
 *
 * @param format           always {@value #FORMAT}
 * @param formatVersion    {@value #VERSION}; readers refuse other versions (1 had no manifest digest)
 * @param model            the model's name and the file it was compiled from
 * @param target           the backend the stages are for ({@code cpu})
 * @param microbatches     how many microbatches a batch is split into
 * @param batch            along which axis of each model input and output a batch is split, and whether that was proven
 * @param microbatchInputs the model inputs of one microbatch: the shapes the stage programs were compiled for
 * @param stages           stage k runs on core k
 * @param channels         every value sent from one stage to another
 * @param tiedGroups       weights held by several stages that are one parameter
 * @param files            every file of the bundle except the manifest, by path, with size and sha256
 */
public record BundleManifest(String format, int formatVersion, Model model, String target, int microbatches, Batch batch,
                             List<TensorSpec> microbatchInputs, List<Stage> stages, List<Channel> channels,
                             List<TiedGroup> tiedGroups, List<FileEntry> files) {
    public static final String FORMAT = "ppc-bundle";
    public static final int VERSION = 2;

    /**
     * How a batch is split into microbatches: the batch axis of every model input and output, by
     * name. {@code proven} says that the compiler proved that no op mixes samples along those axes
     * (see {@code dev.ppc.passes.batch.BatchAxisAnalysis}), so the runtime may split a batch into
     * any number of microbatches; a bundle compiled for one microbatch without that proof must be
     * run with one, and its outputs have no recorded axes.
     */
    public record Batch(boolean proven, Map<String, Integer> inputs, Map<String, Integer> outputs) {
        /** The batch axis of model input or output {@code name}; 0 for an output of an unproven bundle. */
        public int axisOf(String name) {
            Integer a = inputs.containsKey(name) ? inputs.get(name) : outputs.get(name);
            return a == null ? 0 : a;
        }
    }

    /** The model: its name and, when compiled from a file, that file's name and sha256. */
    public record Model(String name, @JsonSetter(nulls = Nulls.SET) String source, @JsonSetter(nulls = Nulls.SET) String sha256) {}

    /** A named tensor with a static type; dtype is the IR's text name ({@code f32}, {@code i64}). */
    public record TensorSpec(String name, String dtype, List<Long> shape) {
        public static TensorSpec of(String name, TensorType type) { return new TensorSpec(name, type.dtype().textName(), shapeOf(type)); }

        public TensorType type() {
            DType t = DType.fromTextName(dtype);
            if (t == null) throw new IllegalArgumentException("unknown dtype " + dtype);
            long[] s = new long[shape.size()];
            for (int i = 0; i < s.length; i++) s[i] = shape.get(i);
            return TensorType.of(t, s);
        }
    }

    /**
     * One input or output of a stage: a model input or output ({@code kind = "model"}) or a
     * channel ({@code kind = "channel"}, with its id).
     */
    public record Port(String name, String dtype, List<Long> shape, String kind, @JsonSetter(nulls = Nulls.SET) Integer channel) {
        public static Port model(String name, TensorType type) { return new Port(name, type.dtype().textName(), shapeOf(type), "model", null); }

        public static Port channel(String name, TensorType type, int id) { return new Port(name, type.dtype().textName(), shapeOf(type), "channel", id); }
    }

    /**
     * One stage: the core it runs on, its files (paths relative to the bundle) and its signature.
     * {@code onnx} is present when the stage was also written as ONNX.
     */
    public record Stage(int stage, int core, String program, String weights, @JsonSetter(nulls = Nulls.SET) String onnx, List<Port> inputs,
                        List<Port> outputs) {}

    /** A channel: the value (by its name in the unpartitioned model) sent from stage src to stage dst, and its size. */
    public record Channel(int id, int src, int dst, String value, String dtype, List<Long> shape, long bytes) {}

    /** A member of a tied group: the constant a stage holds and how it relates to the group's first member (same, copy, transposed-copy). */
    public record TiedMember(int stage, String constant, String relation) {}

    public record TiedGroup(int id, List<TiedMember> members) {}

    /** A file of the bundle: path relative to the bundle directory, size in bytes, sha256 in lowercase hex. */
    public record FileEntry(String path, long size, String sha256) {}

    public static List<Long> shapeOf(TensorType type) {
        List<Long> s = new ArrayList<>();
        for (long d : type.shape()) s.add(d);
        return s;
    }
}
