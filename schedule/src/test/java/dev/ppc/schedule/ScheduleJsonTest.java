package dev.ppc.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleJsonTest {
    @Test
    void everyKindRoundTrips() throws Exception {
        List<ScheduleSpec> specs = List.of(ScheduleSpec.of(ScheduleKind.FORWARD, 3, 5, 2), ScheduleSpec.of(ScheduleKind.GPIPE, 4, 6, 1),
                new ScheduleSpec(ScheduleKind.ONE_F_ONE_B, 4, 8, 1, true), new ScheduleSpec(ScheduleKind.INTERLEAVED, 2, 4, 3, true),
                ScheduleSpec.of(ScheduleKind.ZB_H1, 5, 7, 1));
        for (ScheduleSpec spec : specs) {
            Schedule s = Schedules.generate(spec);
            String json = ScheduleJson.write(s);
            assertEquals(s, ScheduleJson.read(json), spec.toString());
            JsonNode tree = new ObjectMapper().readTree(json);
            assertEquals(s.size(), tree.get("actions").findValues("op").size());
        }
        Schedule imported = PyTorchCsv.read("0F0,0F1,3F0,3B0,3F1,3B1,0B0,0B1\n1F0,2F0,1F1,2F1,2B0,1B0,2B1,1B1\n");
        assertEquals(imported, ScheduleJson.read(ScheduleJson.write(imported)));
    }

    @Test
    void writesOneActionPerLine() {
        String json = ScheduleJson.write(Schedules.generate(ScheduleKind.ONE_F_ONE_B, 2, 1, 1));
        assertEquals("""
                {
                  "format": "ppc-schedule",
                  "version": 1,
                  "kind": "1f1b",
                  "cores": 2,
                  "stages": 2,
                  "virtual": 1,
                  "microbatches": 1,
                  "training": true,
                  "stageToCore": [0,1],
                  "actions": [
                    [
                      {"op":"F","stage":0,"mb":0},
                      {"op":"SEND_F","stage":0,"mb":0,"peer":1},
                      {"op":"RECV_B","stage":0,"mb":0,"peer":1},
                      {"op":"B","stage":0,"mb":0},
                      {"op":"OPT_STEP","stage":0}
                    ],
                    [
                      {"op":"RECV_F","stage":1,"mb":0,"peer":0},
                      {"op":"F","stage":1,"mb":0},
                      {"op":"LOSS","stage":1,"mb":0},
                      {"op":"B","stage":1,"mb":0},
                      {"op":"SEND_B","stage":1,"mb":0,"peer":0},
                      {"op":"OPT_STEP","stage":1}
                    ]
                  ]
                }
                """, json);
    }

    @Test
    void rejectsMalformedFiles() {
        String good = ScheduleJson.write(Schedules.generate(ScheduleKind.GPIPE, 2, 1, 1));
        assertEquals("schedule.json: version 2 is not supported; this ppc reads version 1",
                assertThrows(ScheduleException.class, () -> ScheduleJson.read(good.replace("\"version\": 1", "\"version\": 2"))).getMessage());
        String unknownOp = assertThrows(ScheduleException.class, () -> ScheduleJson.read(good.replaceFirst("\"op\":\"F\"", "\"op\":\"FWD\""))).getMessage();
        assertTrue(unknownOp.startsWith("schedule.json: core 0, step 0: unknown op \"FWD\""), unknownOp);
        assertEquals("schedule.json: core 0, step 0: F needs an integer 'mb'",
                assertThrows(ScheduleException.class, () -> ScheduleJson.read(good.replaceFirst(",\"mb\":0", ""))).getMessage());
        assertEquals("schedule.json: 'actions' must be an array of 3 action lists, one per core",
                assertThrows(ScheduleException.class, () -> ScheduleJson.read(good.replace("\"cores\": 2", "\"cores\": 3"))).getMessage());
        assertEquals("stage 1 is mapped to core 5, but there are 2 cores",
                assertThrows(ScheduleException.class, () -> ScheduleJson.read(good.replace("[0,1]", "[0,5]"))).getMessage());
        assertTrue(assertThrows(ScheduleException.class, () -> ScheduleJson.read("{")).getMessage().startsWith("schedule.json is not valid JSON"));
    }

    @Test
    void refusesDuplicateKeysUnknownFieldsAndFractions() {
        String good = ScheduleJson.write(Schedules.generate(ScheduleKind.FORWARD, 2, 2, 1));
        String duplicate = assertThrows(ScheduleException.class, () -> ScheduleJson.read(good.replace("\"kind\": \"forward\",",
                "\"kind\": \"forward\", \"kind\": \"gpipe\","))).getMessage();
        assertTrue(duplicate.startsWith("schedule.json is not valid JSON: Duplicate field 'kind'"), duplicate);
        assertEquals("schedule.json: unknown field 'cors' (known: actions, cores, format, kind, microbatches, stageToCore, stages, training, "
                        + "version, virtual)",
                assertThrows(ScheduleException.class, () -> ScheduleJson.read(good.replace("\"cores\": 2,", "\"cores\": 2, \"cors\": 2,"))).getMessage());
        assertEquals("schedule.json: core 0, step 0: unknown field 'mb2' (an action has mb, op, peer, stage)",
                assertThrows(ScheduleException.class, () -> ScheduleJson.read(good.replaceFirst("\"mb\":0", "\"mb\":0,\"mb2\":1"))).getMessage());
        assertEquals("schedule.json: core 0, step 0: F needs an integer 'stage'",
                assertThrows(ScheduleException.class, () -> ScheduleJson.read(good.replaceFirst("\"stage\":0", "\"stage\":0.5"))).getMessage());
        assertEquals("schedule.json: stageToCore[1] is not a core number",
                assertThrows(ScheduleException.class, () -> ScheduleJson.read(good.replace("[0,1]", "[0,1.0]"))).getMessage());
    }
}
