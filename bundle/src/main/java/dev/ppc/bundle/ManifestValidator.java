package dev.ppc.bundle;

import dev.ppc.ir.DType;
import dev.ppc.ir.TensorType;
import dev.ppc.schedule.Schedule;
import dev.ppc.schedule.ScheduleProblem;
import dev.ppc.schedule.ScheduleValidator;
import dev.ppc.schedule.ValidationReport;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks that a manifest, every field of which is present and of the right kind, agrees with
 * itself and with the bundle's schedule, so that nothing downstream meets an index out of range
 * or a reference to nothing. Each refusal names the field by its path in the file and says what
 * it should be, e.g. {@code manifest.json: stages[1].core is 99; cores are 0..1}:
 * <ul>
 *   <li>the model's source file and its sha256 come together;</li>
 *   <li>stages are numbered 0..S-1 in order and run on cores 0..S-1; their files are paths inside
 *       the bundle ({@link BundlePaths}) that {@code files} lists;</li>
 *   <li>every tensor has a known dtype and a shape of non-negative dimensions; model inputs and
 *       outputs have their batch axis (see {@code batch}) with at least one sample per microbatch; a stage's model
 *       input is a microbatch input of the same type, and each model output has one producer;</li>
 *   <li>every channel goes from a stage to a later one, has one sending and one receiving port of
 *       its type, and its byte count is its type's;</li>
 *   <li>tied groups name stages that exist and relations ppc knows;</li>
 *   <li>files are listed once each, with a size and a sha256, schedule.json among them;</li>
 *   <li>the schedule ({@link #checkSchedule}) has the manifest's stages, placement and
 *       microbatches, says how many stages a core holds, is an inference schedule, and passes {@link ScheduleValidator} (no
 *       deadlock, every forward exactly once).</li>
 * </ul>
 */
final class ManifestValidator {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> RELATIONS = Set.of("same", "copy", "transposed-copy");
    /** How many schedule problems one message lists. */
    private static final int MAX_SCHEDULE_PROBLEMS = 3;

    private final BundleManifest m;
    private final String where;
    private final int stages;
    private final Map<Integer, BundleManifest.Channel> channels = new HashMap<>();
    private final Map<Integer, String> channelPaths = new HashMap<>();

    private ManifestValidator(BundleManifest m, String where) {
        this.m = m;
        this.where = where;
        this.stages = m.stages().size();
    }

    /** Throws a {@link BundleException} (prefixed {@code where}) naming the first inconsistency of {@code manifest}. */
    static void validate(BundleManifest manifest, String where) { new ManifestValidator(manifest, where).run(); }

    private BundleException fail(String message) { return new BundleException(where + ": manifest.json: " + message); }

    private void run() {
        if (m.model().name().isEmpty()) throw fail("model.name is empty");
        if ((m.model().source() == null) != (m.model().sha256() == null)) {
            throw fail("model has " + (m.model().source() == null ? "a sha256 but no source" : "a source but no sha256") + "; a model compiled from a file has both");
        }
        if (m.model().sha256() != null && !SHA256.matcher(m.model().sha256()).matches()) {
            throw fail("model.sha256 is '" + m.model().sha256() + "', not 64 lowercase hex digits");
        }
        if (m.target().isEmpty()) throw fail("target is empty; it names the backend the stages were compiled for (cpu)");
        if (m.microbatches() < 1) throw fail("microbatches is " + m.microbatches() + "; it must be at least 1");
        checkBatch();
        if (stages == 0) throw fail("stages is empty; a bundle has at least one stage");
        Set<String> files = checkFiles();
        Map<String, TensorType> inputs = checkMicrobatchInputs();
        checkChannels();
        Set<Integer> sent = new HashSet<>(), received = new HashSet<>();
        Map<String, Integer> producers = new HashMap<>();
        for (int k = 0; k < stages; k++) {
            BundleManifest.Stage s = m.stages().get(k);
            String path = "stages[" + k + "]";
            if (s.stage() != k) throw fail(path + ".stage is " + s.stage() + "; stage entries are numbered 0.." + (stages - 1) + " in order");
            if (s.core() < 0 || s.core() >= stages) throw fail(path + ".core is " + s.core() + "; cores are " + range(stages));
            checkListed(path + ".program", s.program(), files);
            checkListed(path + ".weights", s.weights(), files);
            if (s.onnx() != null) checkListed(path + ".onnx", s.onnx(), files);
            for (int i = 0; i < s.inputs().size(); i++) checkPort(k, path + ".inputs[" + i + "]", s.inputs().get(i), true, inputs, received, null);
            for (int i = 0; i < s.outputs().size(); i++) checkPort(k, path + ".outputs[" + i + "]", s.outputs().get(i), false, null, sent, producers);
        }
        for (BundleManifest.Channel c : m.channels()) {
            String path = channelPaths.get(c.id());
            if (!sent.contains(c.id())) throw fail(path + " (channel " + c.id() + ") is sent by no output of stage " + c.src());
            if (!received.contains(c.id())) throw fail(path + " (channel " + c.id() + ") is received by no input of stage " + c.dst());
        }
        if (producers.isEmpty()) throw fail("no stage has a model output; a bundle computes at least one");
        for (String name : m.batch().inputs().keySet()) {
            if (!inputs.containsKey(name)) throw fail("batch.inputs names '" + name + "', which is not listed under microbatch_inputs");
        }
        for (String name : m.batch().outputs().keySet()) {
            if (!producers.containsKey(name)) throw fail("batch.outputs names '" + name + "', which no stage outputs");
        }
        checkTiedGroups();
    }

    /** Batch axes are not negative; the ports check them against their ranks, and {@link #run} that they name model inputs and outputs. */
    private void checkBatch() {
        for (var e : m.batch().inputs().entrySet()) {
            if (e.getValue() < 0) throw fail("batch.inputs." + e.getKey() + " is " + e.getValue() + "; an axis is at least 0");
        }
        for (var e : m.batch().outputs().entrySet()) {
            if (e.getValue() < 0) throw fail("batch.outputs." + e.getKey() + " is " + e.getValue() + "; an axis is at least 0");
        }
        if (!m.batch().proven() && m.microbatches() != 1) {
            throw fail("batch.proven is false but microbatches is " + m.microbatches() + "; only a proven batch axis may be split");
        }
    }

    private Set<String> checkFiles() {
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < m.files().size(); i++) {
            BundleManifest.FileEntry f = m.files().get(i);
            String path = "files[" + i + "]";
            checkPath(path + ".path", f.path());
            if (f.path().equals("manifest.json")) throw fail(path + ".path is manifest.json, which seals itself and is not listed");
            if (!paths.add(f.path())) throw fail(path + ".path: " + f.path() + " is listed twice");
            if (f.size() < 0) throw fail(path + ".size is " + f.size() + "; sizes are at least 0");
            if (!SHA256.matcher(f.sha256()).matches()) throw fail(path + ".sha256 is '" + f.sha256() + "', not 64 lowercase hex digits");
        }
        if (!paths.contains("schedule.json")) throw fail("files does not list schedule.json, so it cannot be verified");
        return paths;
    }

    private void checkPath(String field, String value) {
        String problem = BundlePaths.problem(value);
        if (problem != null) throw fail(field + " '" + value + "' is not a path inside the bundle: " + problem);
    }

    private void checkListed(String field, String value, Set<String> files) {
        checkPath(field, value);
        if (!files.contains(value)) throw fail(field + ": " + value + " is not listed under files, so it cannot be verified");
    }

    private Map<String, TensorType> checkMicrobatchInputs() {
        Map<String, TensorType> inputs = new HashMap<>();
        for (int i = 0; i < m.microbatchInputs().size(); i++) {
            BundleManifest.TensorSpec t = m.microbatchInputs().get(i);
            String path = "microbatch_inputs[" + i + "]";
            if (t.name().isEmpty()) throw fail(path + ".name is empty");
            Integer axis = m.batch().inputs().get(t.name());
            if (axis == null) throw fail("batch.inputs gives model input '" + t.name() + "' no batch axis");
            TensorType type = batched(path, type(path, t.dtype(), t.shape()), axis);
            if (inputs.putIfAbsent(t.name(), type) != null) throw fail(path + ": model input '" + t.name() + "' is listed twice");
        }
        return inputs;
    }

    private void checkChannels() {
        for (int i = 0; i < m.channels().size(); i++) {
            BundleManifest.Channel c = m.channels().get(i);
            String path = "channels[" + i + "]";
            if (c.id() < 0) throw fail(path + ".id is " + c.id() + "; channel ids are at least 0");
            if (channels.putIfAbsent(c.id(), c) != null) throw fail(path + ".id: channel " + c.id() + " is listed twice");
            channelPaths.put(c.id(), path);
            if (c.src() < 0 || c.src() >= stages) throw fail(path + ".src is " + c.src() + "; stages are " + range(stages));
            if (c.dst() < 0 || c.dst() >= stages) throw fail(path + ".dst is " + c.dst() + "; stages are " + range(stages));
            if (c.dst() <= c.src()) throw fail(path + " goes from stage " + c.src() + " to stage " + c.dst() + "; values flow only to a later stage");
            if (c.value().isEmpty()) throw fail(path + ".value is empty");
            TensorType type = type(path, c.dtype(), c.shape());
            if (c.bytes() != type.byteSize()) throw fail(path + ".bytes is " + c.bytes() + ", but " + type + " is " + type.byteSize() + " bytes");
        }
    }

    private void checkPort(int stage, String path, BundleManifest.Port p, boolean input, Map<String, TensorType> modelInputs,
                           Set<Integer> channelUses, Map<String, Integer> producers) {
        if (p.name().isEmpty()) throw fail(path + ".name is empty");
        TensorType type = type(path, p.dtype(), p.shape());
        switch (p.kind()) {
            case "model" -> {
                if (p.channel() != null) throw fail(path + " is a model port but names channel " + p.channel() + "; only channel ports do");
                if (input) {
                    TensorType declared = modelInputs.get(p.name());
                    if (declared == null) throw fail(path + ": model input '" + p.name() + "' is not listed under microbatch_inputs");
                    if (!declared.equals(type)) {
                        throw fail(path + ": model input '" + p.name() + "' is " + type + " here but " + declared + " under microbatch_inputs");
                    }
                } else {
                    Integer axis = m.batch().outputs().get(p.name());
                    // Only a bundle whose batch axes were not proven (one microbatch) has outputs without an axis.
                    if (axis != null) batched(path, type, axis);
                    else if (m.batch().proven()) throw fail("batch.outputs gives model output '" + p.name() + "' no batch axis");
                    Integer other = producers.putIfAbsent(p.name(), stage);
                    if (other != null) throw fail(path + ": model output '" + p.name() + "' is also an output of stage " + other);
                }
            }
            case "channel" -> {
                if (p.channel() == null) throw fail(path + " is a channel port without a channel id");
                BundleManifest.Channel c = channels.get(p.channel());
                if (c == null) throw fail(path + ".channel is " + p.channel() + ", which is not listed under channels");
                int end = input ? c.dst() : c.src();
                if (end != stage) {
                    throw fail(path + (input ? " receives" : " sends") + " channel " + c.id() + ", but that channel " + (input ? "goes to" : "comes from")
                            + " stage " + end);
                }
                if (!channelUses.add(c.id())) {
                    throw fail(path + (input ? " receives" : " sends") + " channel " + c.id() + " a second time; a channel has one sender and one receiver");
                }
                TensorType carried = TensorType.of(DType.fromTextName(c.dtype()), shape(c.shape()));
                if (!carried.equals(type)) throw fail(path + " is " + type + ", but channel " + c.id() + " carries " + carried);
            }
            default -> throw fail(path + ".kind is '" + p.kind() + "'; a port's kind is 'model' or 'channel'");
        }
    }

    private void checkTiedGroups() {
        Set<Integer> ids = new HashSet<>();
        for (int g = 0; g < m.tiedGroups().size(); g++) {
            BundleManifest.TiedGroup group = m.tiedGroups().get(g);
            String path = "tied_groups[" + g + "]";
            if (!ids.add(group.id())) throw fail(path + ".id: tied group " + group.id() + " is listed twice");
            if (group.members().size() < 2) throw fail(path + ".members has " + group.members().size() + " member(s); a tied group has at least two");
            Set<String> members = new HashSet<>();
            for (int i = 0; i < group.members().size(); i++) {
                BundleManifest.TiedMember t = group.members().get(i);
                String mp = path + ".members[" + i + "]";
                if (t.stage() < 0 || t.stage() >= stages) throw fail(mp + ".stage is " + t.stage() + "; stages are " + range(stages));
                if (t.constant().isEmpty()) throw fail(mp + ".constant is empty");
                if (!RELATIONS.contains(t.relation())) {
                    throw fail(mp + ".relation is '" + t.relation() + "'; it is one of " + String.join(", ", RELATIONS.stream().sorted().toList()));
                }
                if (!members.add(t.stage() + "/" + t.constant())) throw fail(mp + " lists constant '" + t.constant() + "' of stage " + t.stage() + " twice");
            }
        }
    }

    /** The tensor type a dtype and shape describe, refusing unknown dtypes, negative dimensions and sizes past a long. */
    private TensorType type(String path, String dtype, List<Long> shape) {
        DType t = DType.fromTextName(dtype);
        if (t == null) throw fail(path + ".dtype is '" + dtype + "', which is not a dtype ppc knows (f32, i64, ...)");
        long elements = 1;
        for (int i = 0; i < shape.size(); i++) {
            long d = shape.get(i);
            if (d < 0) throw fail(path + ".shape[" + i + "] is " + d + "; dimensions are at least 0");
            try {
                elements = Math.multiplyExact(elements, d);
                Math.multiplyExact(elements, Math.max(1, t.byteSize()));
            } catch (ArithmeticException e) {
                throw fail(path + ".shape " + shape + " has more elements than any tensor can");
            }
        }
        return TensorType.of(t, shape(shape));
    }

    /**
     * A model input or output split along {@code axis} into microbatches: the axis exists, a
     * microbatch has at least one sample along it, and a full batch still fits.
     */
    private TensorType batched(String path, TensorType type, int axis) {
        if (axis < 0 || axis >= type.rank()) throw fail(path + " is " + type + ", which has no axis " + axis + " to batch along (see batch)");
        if (type.shape()[axis] == 0) throw fail(path + ".shape[" + axis + "] is 0; a microbatch has at least one sample");
        try {
            Math.multiplyExact(Math.multiplyExact(type.numel(), m.microbatches()), Math.max(1, type.dtype().byteSize()));
        } catch (ArithmeticException e) {
            throw fail(path + ": " + m.microbatches() + " microbatches of " + type + " are more elements than any tensor can hold");
        }
        return type;
    }

    private static long[] shape(List<Long> shape) {
        long[] s = new long[shape.size()];
        for (int i = 0; i < s.length; i++) s[i] = shape.get(i);
        return s;
    }

    private static String range(int n) { return "0.." + (n - 1); }

    /**
     * Throws a {@link BundleException} (prefixed {@code where}) unless {@code schedule} fits the
     * (validated) manifest and is a valid inference schedule.
     */
    static void checkSchedule(BundleManifest manifest, Schedule schedule, String where) {
        String prefix = where + ": schedule.json";
        int stages = manifest.stages().size();
        if (schedule.stageCount() != stages) {
            throw new BundleException(prefix + " has " + schedule.stageCount() + " stages, but manifest.json has " + stages);
        }
        if (schedule.microbatches() != manifest.microbatches()) {
            throw new BundleException(prefix + " has " + schedule.microbatches() + " microbatches, but manifest.json says " + manifest.microbatches());
        }
        if (schedule.training()) throw new BundleException(prefix + " is a training schedule; a bundle runs inference (F, SEND_F and RECV_F only)");
        for (int k = 0; k < stages; k++) {
            int core = manifest.stages().get(k).core();
            if (schedule.stageToCore(k) != core) {
                throw new BundleException(prefix + " runs stage " + k + " on core " + schedule.stageToCore(k) + ", but manifest.json's stages[" + k
                        + "].core is " + core);
            }
        }
        int mostPerCore = 0;
        for (int c = 0; c < schedule.cores(); c++) mostPerCore = Math.max(mostPerCore, schedule.stagesOf(c).size());
        if (schedule.virtual() != mostPerCore) {
            throw new BundleException(prefix + ": virtual is " + schedule.virtual() + ", but its cores hold at most " + mostPerCore + " stage(s) each");
        }
        ValidationReport report = ScheduleValidator.validate(schedule);
        if (!report.isValid()) {
            List<ScheduleProblem> problems = report.problems();
            List<String> shown = problems.stream().limit(MAX_SCHEDULE_PROBLEMS).map(ScheduleProblem::toString).toList();
            String more = problems.size() > shown.size() ? "; and " + (problems.size() - shown.size()) + " more" : "";
            throw new BundleException(prefix + ": " + (report.deadlock() ? "deadlock: " : "") + String.join("; ", shown) + more);
        }
    }
}
