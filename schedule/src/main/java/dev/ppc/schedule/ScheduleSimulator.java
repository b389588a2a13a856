package dev.ppc.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a valid schedule against a cost model and records when each action runs.
 *
 * <p>Each core runs its actions in order, as early as it can: a compute action starts when the
 * core finishes the previous one; a send takes no core time and its message arrives
 * {@link CostModel#messageDelay} later; a receive holds the core until the message has arrived;
 * a tied reduction starts when both cores have reached it. These are the semantics the
 * {@link ScheduleValidator} proves deadlock-free, so the schedule is validated first.
 */
public final class ScheduleSimulator {
    private ScheduleSimulator() { }

    /** Simulates {@code schedule} with {@code costs} applied per stage (see {@link Costs}). */
    public static SimulationResult simulate(Schedule schedule, Costs costs) {
        return simulate(schedule, costs.modelFor(schedule));
    }

    /** Simulates {@code schedule} with an arbitrary cost model; throws if the schedule is invalid. */
    public static SimulationResult simulate(Schedule schedule, CostModel costs) {
        ScheduleValidator.requireValid(schedule);
        int cores = schedule.cores();
        int stages = schedule.stageCount();
        int microbatches = schedule.microbatches();
        long[] clock = new long[cores];
        int[] pc = new int[cores];
        long[] busy = new long[cores];
        long[][] forwardArrival = unknown(stages, microbatches); // message from stage s to s+1
        long[][] backwardArrival = unknown(stages, microbatches); // message from stage s to s-1
        Map<Long, Long> reduceReached = new HashMap<>();
        List<Timeline.Span> spans = new ArrayList<>(schedule.size());

        boolean progress = true;
        while (progress) {
            progress = false;
            for (int c = 0; c < cores; c++) {
                List<Action> list = schedule.actions(c);
                while (pc[c] < list.size()) {
                    Action a = list.get(pc[c]);
                    int s = a.stage();
                    int mb = a.microbatch();
                    long start = clock[c];
                    long end = -1; // stays -1 while the action waits for another core
                    switch (a.type()) {
                        case RECV_F, RECV_B -> {
                            long arrival = a.type() == ActionType.RECV_F ? forwardArrival[s - 1][mb] : backwardArrival[s + 1][mb];
                            if (arrival >= 0) end = Math.max(start, arrival);
                        }
                        case SEND_F, SEND_B -> {
                            end = start;
                            long[][] arrivals = a.type() == ActionType.SEND_F ? forwardArrival : backwardArrival;
                            arrivals[s][mb] = start + costs.messageDelay(a);
                        }
                        case REDUCE_TIED -> {
                            int t = a.peerStage();
                            if (schedule.stageToCore(t) == c) {
                                end = start;
                            } else {
                                reduceReached.putIfAbsent((long) s * stages + t, start);
                                Long other = reduceReached.get((long) t * stages + s);
                                if (other != null) {
                                    // The collective starts when the later of the two cores arrives.
                                    start = Math.max(start, other);
                                    end = start + costs.duration(a);
                                }
                            }
                        }
                        default -> {
                            long d = costs.duration(a);
                            end = start + d;
                            if (a.type().isBusy()) busy[c] += d;
                        }
                    }
                    if (end < 0) break;
                    spans.add(new Timeline.Span(c, pc[c], a, start, end));
                    clock[c] = end;
                    pc[c]++;
                    progress = true;
                }
            }
        }
        for (int c = 0; c < cores; c++) {
            if (pc[c] < schedule.actions(c).size())
                throw new IllegalStateException("simulation stalled at core " + c + ", step " + pc[c] + " of a validated schedule");
        }
        int[] peakInFlight = new int[cores];
        int[] peakStashed = new int[cores];
        for (int c = 0; c < cores; c++) {
            int inFlight = 0;
            int stashed = 0;
            for (Action a : schedule.actions(c)) {
                switch (a.type()) {
                    case F -> { inFlight++; stashed++; }
                    case B -> { inFlight--; stashed--; }
                    case I -> inFlight--;
                    case W -> stashed--;
                    default -> { }
                }
                peakInFlight[c] = Math.max(peakInFlight[c], inFlight);
                peakStashed[c] = Math.max(peakStashed[c], stashed);
            }
        }
        return new SimulationResult(schedule, new Timeline(cores, costs.ticksPerUnit(), spans), busy, peakInFlight, peakStashed,
                costs.describe());
    }

    private static long[][] unknown(int stages, int microbatches) {
        long[][] g = new long[stages][microbatches];
        for (long[] row : g) Arrays.fill(row, -1);
        return g;
    }
}
