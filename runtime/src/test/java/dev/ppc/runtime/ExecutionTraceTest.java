package dev.ppc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ppc.schedule.Action;
import dev.ppc.schedule.ActionType;
import dev.ppc.schedule.Schedule;
import dev.ppc.schedule.Timeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace of a real run and the measurements derived from it. */
class ExecutionTraceTest {
    @Test
    void chromeTraceHasOneRowPerCoreAndOneSpanPerExecutedAction(@TempDir Path dir) throws Exception {
        ChainModel model = new ChainModel(3, 4, 2);
        Schedule schedule = TestSchedules.forward(3, 4);
        try (Pipeline p = Pipeline.create(model.spec(schedule, model.newStages()))) {
            p.run(model.inputs(1));
            Path file = dir.resolve("trace.json");
            p.writeTrace(file);
            JsonNode trace = new ObjectMapper().readTree(file.toFile());
            List<String> rows = new ArrayList<>();
            List<JsonNode> spans = new ArrayList<>();
            for (JsonNode e : trace.get("traceEvents")) {
                if (e.get("ph").asText().equals("M") && e.get("name").asText().equals("thread_name")) rows.add(e.get("args").get("name").asText());
                if (e.get("ph").asText().equals("X")) spans.add(e);
            }
            assertEquals(List.of("core 0", "core 1", "core 2"), rows);
            assertEquals(schedule.size(), spans.size());
            boolean[][] seen = new boolean[3][];
            for (int c = 0; c < 3; c++) seen[c] = new boolean[schedule.actions(c).size()];
            for (JsonNode e : spans) {
                int core = e.get("tid").asInt();
                int step = e.get("args").get("step").asInt();
                Action a = schedule.actions(core).get(step);
                assertEquals(a.compact(), e.get("name").asText());
                assertEquals(a.type().name(), e.get("cat").asText());
                assertTrue(e.get("ts").asDouble() >= 0 && e.get("dur").asDouble() >= 0);
                seen[core][step] = true;
            }
            for (boolean[] core : seen) for (boolean s : core) assertTrue(s);
            JsonNode meta = trace.get("otherData");
            assertTrue(meta.get("complete").asBoolean());
            double bubble = meta.get("bubble").asDouble();
            assertTrue(bubble >= 0 && bubble < 1, "bubble " + bubble);
            assertEquals(8, meta.get("batch").asInt());
            assertTrue(meta.get("samples_per_second").asDouble() > 0);
        }
    }

    @Test
    void statsFollowTheSimulatorsDefinitionsOverTheMeasuredTimeline() {
        ChainModel model = new ChainModel(4, 8, 4);
        try (Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(4, 8), model.newStages()))) {
            p.run(model.inputs(2));
            RunStats stats = p.lastRunStats();
            ExecutionTrace trace = p.lastTrace();
            Timeline timeline = trace.timeline();
            long busy = 0;
            for (int c = 0; c < 4; c++) {
                long core = timeline.spansOn(c).stream().filter(s -> s.action().type() == ActionType.F).mapToLong(Timeline.Span::duration).sum();
                assertEquals(core, stats.busyNanos(c));
                assertTrue(core > 0, "core " + c + " has no busy time");
                busy += core;
            }
            assertEquals(timeline.makespanTicks(), stats.makespanNanos());
            assertEquals(1.0 - (double) busy / (4.0 * stats.makespanNanos()), stats.bubble(), 1e-12);
            assertTrue(stats.bubble() >= 0 && stats.bubble() < 1, "bubble " + stats.bubble());
            assertTrue(stats.makespanNanos() <= stats.wallNanos());
            assertEquals(32, stats.batchSize());
            assertEquals(8, stats.microbatches());
            assertEquals(32 * 1e9 / stats.wallNanos(), stats.samplesPerSecond(), 1e-6);
            assertEquals(1_000_000, timeline.ticksPerUnit());
        }
    }

    @Test
    void eachCoresSpansFollowItsActionOrderWithoutOverlap() {
        ChainModel model = new ChainModel(2, 8, 2);
        try (Pipeline p = Pipeline.create(model.spec(TestSchedules.forwardVirtual(1, 8, 2), model.newStages()))) {
            p.run(model.inputs(3));
            List<Timeline.Span> spans = p.lastTrace().timeline().spansOn(0);
            assertEquals(16, spans.size());
            for (int k = 1; k < spans.size(); k++) assertTrue(spans.get(k).start() >= spans.get(k - 1).end());
        }
    }
}
