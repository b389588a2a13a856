package dev.ppc.schedule;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The bundle's {@code schedule.json}: a schedule as the runtime reads it.
 *
 * <pre>
 * {
 *   "format": "ppc-schedule",
 *   "version": 1,
 *   "kind": "1f1b",
 *   "cores": 4,            pipeline depth p
 *   "stages": 4,           (virtual) stages S
 *   "virtual": 1,          stages per core v
 *   "microbatches": 8,
 *   "training": true,
 *   "stageToCore": [0,1,2,3],
 *   "actions": [           one list per core, in order
 *     [
 *       {"op":"F","stage":0,"mb":0},
 *       {"op":"SEND_F","stage":0,"mb":0,"peer":1},
 *       ...
 *       {"op":"OPT_STEP","stage":0}
 *     ],
 *     ...
 *   ]
 * }
 * </pre>
 * {@code mb} is present for actions on one microbatch and {@code peer} for sends, receives and
 * REDUCE_TIED. The writer puts one action per line so that schedules diff well; the reader
 * accepts any JSON layout, but no duplicate key, unknown field or non-integer number.
 */
public final class ScheduleJson {
    /** The value of the {@code format} field. */
    public static final String FORMAT = "ppc-schedule";
    /** The version this class writes and reads. */
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> FIELDS = Set.of("format", "version", "kind", "cores", "stages", "virtual", "microbatches", "training",
            "stageToCore", "actions");
    private static final Set<String> ACTION_FIELDS = Set.of("op", "stage", "mb", "peer");

    private ScheduleJson() { }

    /** {@code schedule} as {@code schedule.json} text, ending in a newline. */
    public static String write(Schedule schedule) {
        try {
            StringBuilder out = new StringBuilder("{\n");
            field(out, "format", MAPPER.writeValueAsString(FORMAT));
            field(out, "version", Integer.toString(VERSION));
            field(out, "kind", MAPPER.writeValueAsString(schedule.kind().cliName()));
            field(out, "cores", Integer.toString(schedule.cores()));
            field(out, "stages", Integer.toString(schedule.stageCount()));
            field(out, "virtual", Integer.toString(schedule.virtual()));
            field(out, "microbatches", Integer.toString(schedule.microbatches()));
            field(out, "training", Boolean.toString(schedule.training()));
            field(out, "stageToCore", MAPPER.writeValueAsString(schedule.stageToCoreMap()));
            out.append("  \"actions\": [");
            for (int c = 0; c < schedule.cores(); c++) {
                out.append(c == 0 ? "\n" : ",\n").append("    [");
                List<Action> actions = schedule.actions(c);
                for (int k = 0; k < actions.size(); k++) {
                    out.append(k == 0 ? "\n" : ",\n").append("      ").append(MAPPER.writeValueAsString(toNode(actions.get(k))));
                }
                out.append(actions.isEmpty() ? "]" : "\n    ]");
            }
            out.append("\n  ]\n}\n");
            return out.toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a schedule", e);
        }
    }

    private static void field(StringBuilder out, String name, String json) {
        out.append("  \"").append(name).append("\": ").append(json).append(",\n");
    }

    private static ObjectNode toNode(Action a) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("op", a.type().name());
        node.put("stage", a.stage());
        if (a.type().hasMicrobatch()) node.put("mb", a.microbatch());
        if (a.type().hasPeer()) node.put("peer", a.peerStage());
        return node;
    }

    /**
     * Reads {@code schedule.json} text. Checks the format, version and shape; the meaning is
     * {@link ScheduleValidator}'s job.
     */
    public static Schedule read(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ScheduleException("schedule.json is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) throw new ScheduleException("schedule.json must hold a JSON object");
        String unknown = unknownField(root, FIELDS);
        if (unknown != null) throw new ScheduleException("schedule.json: unknown field '" + unknown + "' (known: " + sorted(FIELDS) + ")");
        if (!FORMAT.equals(root.path("format").asText()))
            throw new ScheduleException("schedule.json: field 'format' must be \"" + FORMAT + "\", got " + root.path("format"));
        int version = intField(root, "version");
        if (version != VERSION)
            throw new ScheduleException("schedule.json: version " + version + " is not supported; this ppc reads version " + VERSION);
        ScheduleKind kind = ScheduleKind.parse(textField(root, "kind"));
        int cores = intField(root, "cores");
        int stages = intField(root, "stages");
        int virtual = intField(root, "virtual");
        int microbatches = intField(root, "microbatches");
        JsonNode training = root.get("training");
        if (training == null || !training.isBoolean()) throw new ScheduleException("schedule.json: field 'training' must be true or false");
        JsonNode map = root.get("stageToCore");
        if (map == null || !map.isArray() || map.size() != stages)
            throw new ScheduleException("schedule.json: 'stageToCore' must be an array of " + stages + " core numbers, one per stage");
        int[] stageToCore = new int[stages];
        for (int s = 0; s < stages; s++) {
            if (!isInt(map.get(s))) throw new ScheduleException("schedule.json: stageToCore[" + s + "] is not a core number");
            stageToCore[s] = map.get(s).asInt();
        }
        JsonNode actions = root.get("actions");
        if (actions == null || !actions.isArray() || actions.size() != cores)
            throw new ScheduleException("schedule.json: 'actions' must be an array of " + cores + " action lists, one per core");
        List<List<Action>> lists = new ArrayList<>();
        for (int c = 0; c < cores; c++) {
            JsonNode list = actions.get(c);
            if (!list.isArray()) throw new ScheduleException("schedule.json: actions of core " + c + " must be an array");
            List<Action> core = new ArrayList<>();
            for (int k = 0; k < list.size(); k++) core.add(readAction(list.get(k), c, k));
            lists.add(core);
        }
        return new Schedule(kind, virtual, microbatches, training.asBoolean(), stageToCore, lists);
    }

    private static Action readAction(JsonNode node, int core, int step) {
        String where = "schedule.json: core " + core + ", step " + step + ": ";
        if (!node.isObject()) throw new ScheduleException(where + "an action must be an object like {\"op\":\"F\",\"stage\":0,\"mb\":0}");
        String unknown = unknownField(node, ACTION_FIELDS);
        if (unknown != null) throw new ScheduleException(where + "unknown field '" + unknown + "' (an action has " + sorted(ACTION_FIELDS) + ")");
        ActionType type;
        try {
            type = ActionType.valueOf(node.path("op").asText());
        } catch (IllegalArgumentException e) {
            throw new ScheduleException(where + "unknown op " + node.path("op") + "; expected one of " + Arrays.toString(ActionType.values()));
        }
        if (!isInt(node.path("stage"))) throw new ScheduleException(where + type + " needs an integer 'stage'");
        int mb = -1;
        if (type.hasMicrobatch()) {
            if (!isInt(node.path("mb"))) throw new ScheduleException(where + type + " needs an integer 'mb'");
            mb = node.get("mb").asInt();
        } else if (node.has("mb")) {
            throw new ScheduleException(where + type + " is not about one microbatch; remove 'mb'");
        }
        int peer = -1;
        if (type.hasPeer()) {
            if (!isInt(node.path("peer"))) throw new ScheduleException(where + type + " needs an integer 'peer' stage");
            peer = node.get("peer").asInt();
        } else if (node.has("peer")) {
            throw new ScheduleException(where + type + " has no peer stage; remove 'peer'");
        }
        return new Action(type, node.get("stage").asInt(), mb, peer);
    }

    /** An integer that fits an int: not a fraction, a string or a boolean. */
    private static boolean isInt(JsonNode n) { return n != null && n.isIntegralNumber() && n.canConvertToInt(); }

    private static String unknownField(JsonNode object, Set<String> known) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) return name;
        }
        return null;
    }

    private static String sorted(Set<String> names) { return String.join(", ", new TreeSet<>(names)); }

    private static int intField(JsonNode root, String name) {
        JsonNode n = root.get(name);
        if (!isInt(n))
            throw new ScheduleException("schedule.json: field '" + name + "' must be an integer");
        return n.asInt();
    }

    private static String textField(JsonNode root, String name) {
        JsonNode n = root.get(name);
        if (n == null || !n.isTextual()) throw new ScheduleException("schedule.json: field '" + name + "' must be a string");
        return n.asText();
    }
}
