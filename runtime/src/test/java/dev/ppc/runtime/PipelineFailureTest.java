package dev.ppc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.schedule.ActionType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failures end runs promptly and say where; stalls become errors; close leaves nothing behind. */
class PipelineFailureTest {
    /** Generous bound on the whole test, so that a broken cancellation fails instead of hanging the build. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(20);

    /** The names of live worker threads of any pipeline. */
    static List<String> liveWorkerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(Pipeline.THREAD_PREFIX)).sorted().toList();
    }

    @AfterEach
    void noWorkerThreadOutlivesATest() {
        assertEquals(List.of(), liveWorkerThreads());
    }

    @Test
    void aStageThatThrowsOnCore1AtMicrobatch3EndsTheRunWithinOneSecond() {
        ChainModel model = new ChainModel(4, 8, 2);
        // No watchdog: the run must end because the failure cancels it, not because of a timeout.
        PipelineOptions options = PipelineOptions.defaults().withWatchdogTimeout(Duration.ZERO);
        Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(4, 8), s -> {
            s.get(1).failOnCall(3);
            return s;
        }), options);
        try {
            PipelineException e = assertTimeoutPreemptively(HANG_GUARD, () -> {
                long start = System.nanoTime();
                PipelineException thrown = assertThrows(PipelineException.class, () -> p.run(model.inputs(1)));
                long elapsed = System.nanoTime() - start;
                assertTrue(elapsed < Duration.ofSeconds(1).toNanos(), "run took " + elapsed / 1_000_000 + " ms to fail");
                return thrown;
            });
            assertEquals("core 1, stage 1, microbatch 3: F failed: injected fault in /layers.1/Mul", e.getMessage());
            assertEquals(1, e.core());
            assertEquals(1, e.stage());
            assertEquals(3, e.microbatch());
            assertTrue(e.getCause() instanceof IllegalStateException);
            // The trace keeps what ran: stage 1's first three microbatches, not the fourth.
            ExecutionTrace trace = p.lastTrace();
            assertFalse(trace.complete());
            assertTrue(trace.timeline().spansOn(1).stream().noneMatch(sp -> sp.action().microbatch() == 3
                    && sp.action().type() == ActionType.F));
            // The workers have stopped, and the pipeline refuses to run again.
            assertEquals(List.of(), liveWorkerThreads());
            String again = assertThrows(IllegalStateException.class, () -> p.run(model.inputs(1))).getMessage();
            assertTrue(again.contains("stopped after a failed run") && again.contains("microbatch 3"), again);
            assertTrue(assertThrows(IllegalStateException.class, p::lastRunStats).getMessage().contains("the last run failed"));
        } finally {
            p.close();
        }
    }

    @Test
    void theWatchdogTurnsABlockedStageIntoAnErrorNamingEveryWaitingCore() {
        ChainModel model = new ChainModel(3, 4, 2);
        CountDownLatch never = new CountDownLatch(1);
        // Long enough that core 0 finishes its four microbatches first even on a loaded machine.
        PipelineOptions options = PipelineOptions.defaults().withWatchdogTimeout(Duration.ofMillis(500));
        try (Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(3, 4), s -> {
            s.get(1).blockOnCall(0, never, false);
            return s;
        }), options)) {
            PipelineException e = assertTimeoutPreemptively(HANG_GUARD, () -> assertThrows(PipelineException.class, () -> p.run(model.inputs(1))));
            String m = e.getMessage();
            assertTrue(m.startsWith("pipeline stalled: no core has finished an action for "), m);
            assertTrue(m.contains("(watchdog timeout 500 ms)"), m);
            assertTrue(m.contains("core 1 has been running F(stage 1, mb 0) (step 1) for "), m);
            assertTrue(m.contains("core 2 has been waiting in RECV_F(stage 2, mb 0, from stage 1) (step 0) for "), m);
            assertFalse(m.contains("core 0 "), m); // core 0 finished all its work
            assertEquals(1, e.core());
            assertEquals(1, e.stage());
            assertEquals(0, e.microbatch());
        }
    }

    @Test
    void aStageThatIgnoresInterruptsIsReportedByClose() throws Exception {
        ChainModel model = new ChainModel(2, 2, 2);
        CountDownLatch release = new CountDownLatch(1);
        PipelineOptions options = new PipelineOptions(Duration.ofMillis(300), Duration.ofMillis(200));
        List<AffineStage> stages = model.newStages();
        stages.get(1).blockOnCall(0, release, true);
        Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(2, 2), stages), options);
        try {
            PipelineException e = assertTimeoutPreemptively(HANG_GUARD, () -> assertThrows(PipelineException.class, () -> p.run(model.inputs(1))));
            assertTrue(e.getMessage().startsWith("pipeline stalled"), e.getMessage());
            assertEquals(1, e.getSuppressed().length);
            assertTrue(e.getSuppressed()[0].getMessage().contains("could not stop core 1"), e.getSuppressed()[0].getMessage());
            String m = assertThrows(PipelineException.class, p::close).getMessage();
            assertEquals("could not stop core 1 (thread ppc-core-1, in F(stage 1, mb 0)) within 200 ms; the thread is left running as a "
                    + "daemon and its stages are not closed", m);
            assertTrue(stages.get(0).closed());
            assertFalse(stages.get(1).closed());
        } finally {
            release.countDown();
            for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().startsWith(Pipeline.THREAD_PREFIX)) t.join();
        }
    }

    @Test
    void closingDuringARunFailsTheRun() throws Exception {
        ChainModel model = new ChainModel(2, 2, 2);
        CountDownLatch never = new CountDownLatch(1);
        List<AffineStage> stages = model.newStages();
        stages.get(0).blockOnCall(0, never, false);
        Pipeline p = Pipeline.create(model.spec(TestSchedules.forward(2, 2), stages),
                PipelineOptions.defaults().withWatchdogTimeout(Duration.ZERO));
        Thread closer = new Thread(() -> {
            // Close once stage 0 is blocked in its first call.
            while (stages.get(0).runner() == null) Thread.onSpinWait();
            p.close();
        });
        closer.start();
        PipelineException e = assertTimeoutPreemptively(HANG_GUARD, () -> assertThrows(PipelineException.class, () -> p.run(model.inputs(1))));
        closer.join();
        assertEquals("the pipeline was closed during a run", e.getMessage());
    }

    @Test
    void aCauseWithoutAHelpfulMessageIsNamedByItsClass() {
        assertEquals("ArithmeticException: / by zero", PipelineException.describe(new ArithmeticException("/ by zero")));
        assertEquals("java.lang.NullPointerException", PipelineException.describe(new NullPointerException()));
        assertEquals("bad shape at /layers.0/MatMul", PipelineException.describe(new IllegalArgumentException("bad shape at /layers.0/MatMul")));
    }
}
