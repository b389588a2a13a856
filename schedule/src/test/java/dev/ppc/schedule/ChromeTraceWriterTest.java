package dev.ppc.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChromeTraceWriterTest {
    @Test
    void oneCompleteEventPerComputeActionAndAThreadPerCore() throws Exception {
        SimulationResult r = ScheduleSimulator.simulate(Schedules.generate(ScheduleKind.INTERLEAVED, 2, 2, 2), Costs.of(1, 2, 0, 1));
        JsonNode trace = new ObjectMapper().readTree(ChromeTraceWriter.write(r));
        List<JsonNode> compute = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        int waits = 0;
        for (JsonNode e : trace.get("traceEvents")) {
            if (e.get("ph").asText().equals("M") && e.get("name").asText().equals("thread_name")) threads.add(e.get("args").get("name").asText());
            if (e.get("ph").asText().equals("X") && !e.get("cat").asText().equals("wait")) compute.add(e);
            if (e.get("ph").asText().equals("X") && e.get("cat").asText().equals("wait")) waits++;
        }
        assertEquals(List.of("core 0", "core 1"), threads);
        assertEquals(2 * 2 * 2 * 2, compute.size()); // 4 stages x 2 microbatches x (F + B)
        assertEquals(r.timeline().spans().stream().filter(s -> (s.action().type() == ActionType.RECV_F
                || s.action().type() == ActionType.RECV_B) && s.duration() > 0).count(), waits);
        // Stage 0's first forward: a stage costs half a core's share, F = 0.5 units = 500 microseconds.
        JsonNode first = compute.get(0);
        assertEquals("0F0", first.get("name").asText());
        assertEquals(0.0, first.get("ts").asDouble());
        assertEquals(500.0, first.get("dur").asDouble());
        assertEquals(0, first.get("tid").asInt());
        for (JsonNode e : compute) {
            Timeline.Span span = r.timeline().spansOn(e.get("tid").asInt()).get(e.get("args").get("step").asInt());
            assertEquals(span.action().compact(), e.get("name").asText());
            assertEquals(span.start() * 1000.0 / r.timeline().ticksPerUnit(), e.get("ts").asDouble(), 1e-9);
        }
        assertEquals(r.bubble().toString(), trace.get("otherData").get("bubble").asText());
    }
}
