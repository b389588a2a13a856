package dev.ppc.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a timeline in the Chrome trace event format, which {@code chrome://tracing} and Perfetto
 * (ui.perfetto.dev) open: one process for the pipeline, one thread per core, a complete
 * ({@code "ph": "X"}) event per action. Simulated timelines show F, B, I and W and a
 * {@code "wait"} event wherever a receive held its core; measured timelines (the runtime's) show
 * every action that ran. One unit of the timeline's time is shown as one millisecond (trace
 * timestamps are in microseconds).
 */
public final class ChromeTraceWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ChromeTraceWriter() { }

    /** The trace of a simulation as JSON text. */
    public static String write(SimulationResult result) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("schedule", result.schedule().describe());
        meta.put("costs", result.costs());
        meta.put("makespan", result.makespan().toString());
        meta.put("bubble", result.bubble().toString());
        return write(result.schedule(), result.timeline(), "ppc " + result.schedule().describe(), false, meta);
    }

    /**
     * The trace of any timeline of {@code schedule} as JSON text.
     *
     * @param everyAction {@code true} for a measured run: one event per action, as it happened;
     *                    {@code false} for a simulation: compute actions and the waits of receives
     * @param otherData   summary values shown in the trace's {@code otherData}
     */
    public static String write(Schedule schedule, Timeline timeline, String processName, boolean everyAction, Map<String, Object> otherData) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode events = root.putArray("traceEvents");
        ObjectNode process = events.addObject();
        process.put("name", "process_name").put("ph", "M").put("pid", 0);
        process.putObject("args").put("name", processName);
        for (int c = 0; c < schedule.cores(); c++) {
            ObjectNode thread = events.addObject();
            thread.put("name", "thread_name").put("ph", "M").put("pid", 0).put("tid", c);
            thread.putObject("args").put("name", "core " + c);
            ObjectNode order = events.addObject();
            order.put("name", "thread_sort_index").put("ph", "M").put("pid", 0).put("tid", c);
            order.putObject("args").put("sort_index", c);
        }
        for (Timeline.Span span : timeline.spans()) {
            Action a = span.action();
            boolean compute = a.type().isBusy() && span.duration() > 0;
            boolean waiting = !everyAction && (a.type() == ActionType.RECV_F || a.type() == ActionType.RECV_B) && span.duration() > 0;
            if (!everyAction && !compute && !waiting) continue;
            ObjectNode e = events.addObject();
            e.put("name", waiting ? "wait " + a.compact() : a.compact());
            e.put("cat", waiting ? "wait" : a.type().name());
            e.put("ph", "X");
            e.put("ts", micros(span.start(), timeline.ticksPerUnit()));
            e.put("dur", micros(span.duration(), timeline.ticksPerUnit()));
            e.put("pid", 0);
            e.put("tid", span.core());
            e.putObject("args").put("stage", a.stage()).put("microbatch", a.microbatch()).put("step", span.step());
        }
        root.put("displayTimeUnit", "ms");
        root.set("otherData", MAPPER.valueToTree(otherData));
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a trace", e);
        }
    }

    /** Ticks to trace microseconds, one timeline time unit being 1000 microseconds. */
    private static double micros(long ticks, long ticksPerUnit) { return ticks * 1000.0 / ticksPerUnit; }
}
