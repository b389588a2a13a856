package dev.ppc.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PyTorchCsvTest {
    @Test
    void oneFOneBIsWrittenAsPyTorchsGrid() {
        assertEquals("""
                0F0,0F1,0F2,0F3,,,,0B0,0F4,0B1,0F5,0B2,0F6,0B3,0F7,0B4,,0B5,,0B6,,0B7
                ,1F0,1F1,1F2,,,1B0,1F3,1B1,1F4,1B2,1F5,1B3,1F6,1B4,1F7,1B5,,1B6,,1B7
                ,,2F0,2F1,,2B0,2F2,2B1,2F3,2B2,2F4,2B3,2F5,2B4,2F6,2B5,2F7,2B6,,2B7
                ,,,3F0,3B0,3F1,3B1,3F2,3B2,3F3,3B3,3F4,3B4,3F5,3B5,3F6,3B6,3F7,3B7
                """, PyTorchCsv.write(Schedules.generate(ScheduleKind.ONE_F_ONE_B, 4, 8, 1)));
    }

    @Test
    void everyKindRoundTrips() {
        for (ScheduleKind kind : List.of(ScheduleKind.FORWARD, ScheduleKind.GPIPE, ScheduleKind.ONE_F_ONE_B, ScheduleKind.ZB_H1,
                ScheduleKind.INTERLEAVED)) {
            for (int p = 1; p <= 5; p++) {
                for (int m : new int[] {1, 3, 4, 8, 10}) {
                    for (int v = 1; v <= 3; v++) {
                        if (v > 1 && (kind != ScheduleKind.INTERLEAVED && kind != ScheduleKind.FORWARD || m % p != 0)) continue;
                        Schedule original = Schedules.generate(kind, p, m, v);
                        for (PyTorchCsv.Layout layout : PyTorchCsv.Layout.values()) {
                            String csv = PyTorchCsv.write(original, layout);
                            Schedule back = PyTorchCsv.read(csv, layout, false);
                            String where = kind + " p=" + p + " m=" + m + " v=" + v + " " + layout;
                            for (int c = 0; c < p; c++) assertEquals(original.computeActions(c), back.computeActions(c), where);
                            // ppc's lowering is the one the generators use, so the whole schedule comes back.
                            assertEquals(original.withKind(ScheduleKind.CUSTOM), back, where);
                            assertEquals(csv, PyTorchCsv.write(back, layout), where);
                        }
                    }
                }
            }
        }
    }

    @Test
    void readsAHandWrittenPyTorchScheduleWithIdleCells() {
        // Two ranks of 1F1B in PyTorch's compute-only form, idle steps left empty, Windows line ends.
        String csv = "0F0,0F1,,0B0,0F2,0B1,,0B2\r\n,1F0,1B0,1F1,1B1,1F2,1B2\r\n";
        Schedule s = PyTorchCsv.read(csv);
        assertEquals(ScheduleKind.CUSTOM, s.kind());
        assertEquals(2, s.cores());
        assertEquals(3, s.microbatches());
        assertTrue(s.training());
        assertTrue(ScheduleValidator.validate(s).isValid(), ScheduleValidator.validate(s).summary());
        assertEquals(Schedules.generate(ScheduleKind.ONE_F_ONE_B, 2, 3, 1).allActions(), s.allActions());
        SimulationResult r = ScheduleSimulator.simulate(s, Costs.of(1, 1, 0));
        assertEquals(Fraction.of(1, 4), r.bubble());
    }

    @Test
    void readsAVShapedScheduleWithTwoStagesPerRank() {
        // Rank 0 holds stages 0 and 3, rank 1 holds 1 and 2 (PyTorch's ScheduleVShaped placement).
        String csv = """
                0F0,0F1,3F0,3B0,3F1,3B1,0B0,0B1
                1F0,2F0,1F1,2F1,2B0,1B0,2B1,1B1
                """;
        Schedule s = PyTorchCsv.read(csv);
        assertArrayEquals(new int[] {0, 1, 1, 0}, s.stageToCoreMap());
        assertEquals(2, s.virtual());
        assertTrue(ScheduleValidator.validate(s).isValid(), ScheduleValidator.validate(s).summary());
        // Stages 1 and 2 share rank 1: nothing is sent between them.
        assertFalse(s.actions(1).contains(Action.sendForward(1, 0)));
        assertTrue(s.actions(1).contains(Action.sendForward(2, 0)));
        SimulationResult r = ScheduleSimulator.simulate(s, Costs.of(2, 2, 0));
        assertEquals(Fraction.of(8), r.busy(0)); // 2 stages x 2 microbatches x (F + B) at half a rank's cost each
    }

    @Test
    void readsComputeAndCommsFormAsGiven() {
        String csv = """
                0F0,0SEND_F0,0RECV_B0,0I0,0W0
                1RECV_F0,1F0,1I0,1SEND_B0,1W0
                """;
        Schedule s = PyTorchCsv.read(csv);
        assertEquals(List.of(Action.recvForward(1, 0), Action.forward(1, 0), Action.loss(1, 0), Action.inputGrad(1, 0),
                Action.sendBackward(1, 0), Action.weightGrad(1, 0), Action.optimizerStep(1)), s.actions(1));
        assertTrue(ScheduleValidator.validate(s).isValid(), ScheduleValidator.validate(s).summary());
    }

    @Test
    void aBrokenImportIsCaughtByTheValidator() {
        // Rank 1 runs microbatch 1's backward before its forward.
        Schedule s = PyTorchCsv.read("0F0,0F1,0B0,0B1\n1F0,1B1,1B0,1F1\n");
        // Core 1 after lowering: 0 RECV_F0, 1 F0, 2 LOSS0, 3 B1, 4 SEND_B1, 5 B0, 6 SEND_B0, 7 RECV_F1, 8 F1, ...
        assertEquals("invalid schedule: core 1, step 3: B(stage 1, mb 1) needs the activations of F(stage 1, mb 1), which comes later on "
                + "this core, at step 8", ScheduleValidator.validate(s).summary());
    }

    @Test
    void badFilesAreRejectedWithTheirLocation() {
        assertEquals("PyTorch CSV line 2, cell 3: 'XF0' is not an action like 0F1, 1B0, 2W3 or 1RECV_F0",
                assertThrows(ScheduleException.class, () -> PyTorchCsv.read("0F0\n1F0,,XF0\n")).getMessage());
        assertEquals("stage 0 appears on rank 0 and on rank 1 of the PyTorch CSV; each stage runs on one rank",
                assertThrows(ScheduleException.class, () -> PyTorchCsv.read("0F0\n0F1\n")).getMessage());
        assertEquals("stage 1 never appears in the PyTorch CSV; stages must be numbered 0 to 2 without gaps",
                assertThrows(ScheduleException.class, () -> PyTorchCsv.read("0F0\n2F0\n")).getMessage());
        assertEquals("the PyTorch CSV is empty: expected one row of actions (like 0F0,0F1,0B0) per rank",
                assertThrows(ScheduleException.class, () -> PyTorchCsv.read("\n\n")).getMessage());
        assertEquals("PyTorch CSV line 1, cell 1: '0F' has no microbatch (like 0F0)",
                assertThrows(ScheduleException.class, () -> PyTorchCsv.read("0F")).getMessage());
    }

    @Test
    void columnLayoutPutsRanksInColumns() {
        assertEquals("0F0,\n0F1,1F0\n,1B0\n0B0,1F1\n,1B1\n0B1,\n",
                PyTorchCsv.write(Schedules.generate(ScheduleKind.ONE_F_ONE_B, 2, 2, 1), PyTorchCsv.Layout.RANK_PER_COLUMN));
        assertEquals(PyTorchCsv.Layout.RANK_PER_COLUMN, PyTorchCsv.Layout.parse("columns"));
        assertThrows(ScheduleException.class, () -> PyTorchCsv.Layout.parse("diagonal"));
    }
}
