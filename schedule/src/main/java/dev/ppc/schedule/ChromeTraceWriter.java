package dev.ppc.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes a simulated timeline in the Chrome trace event format, which {@code chrome://tracing}
 * and Perfetto (ui.perfetto.dev) open: one process for the pipeline, one thread per core, a
 * complete ({@code "ph": "X"}) event per F, B, I and W, and a {@code "wait"} event wherever a
 * receive held its core. One unit of the schedule's time is shown as one millisecond (trace
 * timestamps are in microseconds).
 */
public final class ChromeTraceWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ChromeTraceWriter() { }

    /** The trace of {@code result} as JSON text. */
    public static String write(SimulationResult result) {
        Schedule schedule = result.schedule();
        Timeline timeline = result.timeline();
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode events = root.putArray("traceEvents");
        ObjectNode process = events.addObject();
        process.put("name", "process_name").put("ph", "M").put("pid", 0);
        process.putObject("args").put("name", "ppc " + schedule.describe());
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
            boolean waiting = (a.type() == ActionType.RECV_F || a.type() == ActionType.RECV_B) && span.duration() > 0;
            if (!compute && !waiting) continue;
            ObjectNode e = events.addObject();
            e.put("name", waiting ? "wait " + a.compact() : a.compact());
            e.put("cat", waiting ? "wait" : a.type().name());
            e.put("ph", "X");
            e.put("ts", micros(span.start(), timeline.ticksPerUnit()));
            e.put("dur", micros(span.duration(), timeline.ticksPerUnit()));
            e.put("pid", 0);
            e.put("tid", span.core());
            ObjectNode args = e.putObject("args");
            args.put("stage", a.stage()).put("microbatch", a.microbatch()).put("step", span.step());
        }
        root.put("displayTimeUnit", "ms");
        ObjectNode meta = root.putObject("otherData");
        meta.put("schedule", schedule.describe());
        meta.put("costs", result.costs());
        meta.put("makespan", result.makespan().toString());
        meta.put("bubble", result.bubble().toString());
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a trace", e);
        }
    }

    /** Ticks to trace microseconds, one schedule time unit being 1000 microseconds. */
    private static double micros(long ticks, long ticksPerUnit) { return ticks * 1000.0 / ticksPerUnit; }
}
