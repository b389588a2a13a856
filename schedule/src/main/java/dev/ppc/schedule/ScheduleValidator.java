package dev.ppc.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Proves a schedule correct by running it: every core steps through its action list, and an
 * action runs only once everything it needs exists.
 *
 * <p>Semantics, which the runtime must honour (or be stricter than):
 * <ul>
 *   <li>A send is buffered: it never blocks, and the message waits at the receiver until the
 *       matching receive takes it (NCCL {@code isend}, or a channel with room for every message the
 *       receiver has not yet taken). Without buffering, the textbook 1F1B order deadlocks: in the
 *       steady state core r sends an activation forward while core r+1 sends a gradient back, and
 *       with rendezvous sends each would wait for the other's receive. Megatron avoids this by
 *       batching the two into one {@code batch_isend_irecv}; ppc's schedules say the same thing
 *       with buffered sends.</li>
 *   <li>A receive blocks until the matching send (same kind, same microbatch, from the adjacent
 *       stage) has run on the peer's core.</li>
 *   <li>REDUCE_TIED is a rendezvous between the two cores that share tied weights: both must
 *       reach it.</li>
 *   <li>Everything else needs its inputs to be already produced on the same core: a forward
 *       needs its received (or, for a stage whose predecessor is on the same core, locally
 *       computed) input; B or I needs the stage's forward and the output gradient (received, local,
 *       or the LOSS on the last stage); W needs I; a send needs the value it sends; the optimizer
 *       step needs every microbatch's gradient and the tied reduction, if any. Since a core runs in
 *       order, an input that is not there yet can never arrive: that is an error, not a wait.</li>
 * </ul>
 * The run is deterministic (cores in round-robin order, each as far as it can go). If no core can
 * move and some are not finished, the schedule deadlocks and the report names each stuck core, its
 * step and the action it waits at, and what that action waits for. A run that finishes is then
 * checked for completeness: every stage runs F for every microbatch once, a training schedule runs
 * B (or I and W) once, and every send was received.
 */
public final class ScheduleValidator {
    private ScheduleValidator() { }

    /** Validates {@code schedule}; never throws for a bad schedule, the report says what is wrong. */
    public static ValidationReport validate(Schedule schedule) { return new Run(schedule).run(); }

    /** Throws a {@link ScheduleException} naming the first problems unless {@code schedule} is valid. */
    public static void requireValid(Schedule schedule) { validate(schedule).throwIfInvalid(); }

    /** One validation: the state of every core and of every value the schedule produces. */
    private static final class Run {
        private static final long NONE = -1;
        /** Returned by {@link #check} when an action must wait for another core. */
        private static final String WAIT = "\u0000wait";

        private final Schedule schedule;
        private final int stages;
        private final int microbatches;
        private final int cores;
        private final int[] pc;
        /** Where each value was produced: core << 32 | step, or NONE. */
        private final long[][] forward;
        private final long[][] inputGrad; // B or I
        private final boolean[][] split; // the input gradient came from I, so a W must follow
        private final long[][] weightGrad;
        private final long[][] loss;
        private final long[][] recvForward; // RECV_F run by stage s (from s-1)
        private final long[][] recvBackward; // RECV_B run by stage s (from s+1)
        private final long[][] sentForward; // SEND_F run by stage s (to s+1)
        private final long[][] sentBackward; // SEND_B run by stage s (to s-1)
        private final boolean[] reduceDone;
        private final boolean[] reduceExpected;
        private final long[] optStep;
        /** REDUCE_TIED(s, t) actions whose core has reached them, keyed s * stages + t. */
        private final Set<Long> reduceArrived = new HashSet<>();
        /** First location of every action in the schedule, to explain waits and missing inputs. */
        private final Map<Action, Long> firstLocation = new HashMap<>();

        Run(Schedule schedule) {
            this.schedule = schedule;
            this.stages = schedule.stageCount();
            this.microbatches = schedule.microbatches();
            this.cores = schedule.cores();
            this.pc = new int[cores];
            forward = grid();
            inputGrad = grid();
            split = new boolean[stages][microbatches];
            weightGrad = grid();
            loss = grid();
            recvForward = grid();
            recvBackward = grid();
            sentForward = grid();
            sentBackward = grid();
            reduceDone = new boolean[stages];
            reduceExpected = new boolean[stages];
            optStep = new long[stages];
            Arrays.fill(optStep, NONE);
        }

        private long[][] grid() {
            long[][] g = new long[stages][microbatches];
            for (long[] row : g) Arrays.fill(row, NONE);
            return g;
        }

        ValidationReport run() {
            List<ScheduleProblem> structural = checkStructure();
            if (!structural.isEmpty()) return new ValidationReport(structural, false);
            boolean progress = true;
            while (progress) {
                progress = false;
                for (int c = 0; c < cores; c++) {
                    List<Action> list = schedule.actions(c);
                    while (pc[c] < list.size()) {
                        Action a = list.get(pc[c]);
                        String verdict = check(c, pc[c], a);
                        if (verdict == WAIT) break;
                        if (verdict != null) return new ValidationReport(List.of(new ScheduleProblem(c, pc[c], a, verdict)), false);
                        apply(c, pc[c], a);
                        pc[c]++;
                        progress = true;
                    }
                }
            }
            List<ScheduleProblem> stuck = new ArrayList<>();
            for (int c = 0; c < cores; c++) {
                if (pc[c] < schedule.actions(c).size()) {
                    Action a = schedule.actions(c).get(pc[c]);
                    stuck.add(new ScheduleProblem(c, pc[c], a, waitReason(c, a)));
                }
            }
            if (!stuck.isEmpty()) return new ValidationReport(stuck, true);
            return new ValidationReport(checkCompleteness(), false);
        }

        // ---- static checks: each action on its own ----

        private List<ScheduleProblem> checkStructure() {
            List<ScheduleProblem> problems = new ArrayList<>();
            for (int c = 0; c < cores; c++) {
                List<Action> list = schedule.actions(c);
                for (int k = 0; k < list.size(); k++) {
                    Action a = list.get(k);
                    String problem = structuralProblem(c, a);
                    if (problem != null) problems.add(new ScheduleProblem(c, k, a, problem));
                    firstLocation.putIfAbsent(a, loc(c, k));
                    if (problem == null && a.type() == ActionType.REDUCE_TIED) {
                        reduceExpected[a.stage()] = true;
                        if (schedule.stageToCore(a.peerStage()) == c) reduceExpected[a.peerStage()] = true;
                    }
                }
            }
            return problems;
        }

        private String structuralProblem(int core, Action a) {
            int s = a.stage();
            if (s < 0 || s >= stages) return "names stage " + s + ", but the schedule has " + stages + " stages";
            if (schedule.stageToCore(s) != core) return "is on the wrong core: stage " + s + " runs on core " + schedule.stageToCore(s);
            if (a.type().hasMicrobatch() && (a.microbatch() < 0 || a.microbatch() >= microbatches))
                return "names microbatch " + a.microbatch() + ", but the schedule has " + microbatches + " microbatches";
            ActionType t = a.type();
            if (!schedule.training() && t != ActionType.F && t != ActionType.SEND_F && t != ActionType.RECV_F)
                return "has no place in an inference schedule (only F, SEND_F and RECV_F)";
            int last = stages - 1;
            return switch (t) {
                case SEND_F -> s == last ? "sends forward from the last stage, which has no next stage"
                        : a.peerStage() != s + 1 ? "sends to stage " + a.peerStage() + ", but activations go from stage " + s + " to stage " + (s + 1) : null;
                case RECV_F -> s == 0 ? "receives activations on stage 0, which has no previous stage"
                        : a.peerStage() != s - 1 ? "receives from stage " + a.peerStage() + ", but stage " + s + " gets its input from stage " + (s - 1) : null;
                case SEND_B -> s == 0 ? "sends a gradient back from stage 0, which has no previous stage"
                        : a.peerStage() != s - 1 ? "sends to stage " + a.peerStage() + ", but stage " + s + " sends its input gradient to stage " + (s - 1) : null;
                case RECV_B -> s == last ? "receives a gradient on the last stage, which gets it from LOSS"
                        : a.peerStage() != s + 1 ? "receives from stage " + a.peerStage() + ", but stage " + s + " gets its output gradient from stage " + (s + 1) : null;
                case LOSS -> s != last ? "is on stage " + s + ", but the loss belongs to the last stage, " + last : null;
                case REDUCE_TIED -> a.peerStage() < 0 || a.peerStage() >= stages || a.peerStage() == s
                        ? "names tied stage " + a.peerStage() + ", which is not another stage of the schedule" : null;
                default -> null;
            };
        }

        // ---- dynamic checks: is the action's input there? ----

        /** Null if {@code a} can run now, {@link #WAIT} if it waits for another core, else the problem. */
        private String check(int c, int k, Action a) {
            int s = a.stage();
            int mb = a.microbatch();
            int last = stages - 1;
            switch (a.type()) {
                case F -> {
                    if (forward[s][mb] != NONE) return ranTwice(forward[s][mb]);
                    if (s > 0) {
                        if (schedule.stageToCore(s - 1) == c) {
                            if (forward[s - 1][mb] == NONE) return "needs the output of " + Action.forward(s - 1, mb) + first(Action.forward(s - 1, mb), c, k);
                        } else if (recvForward[s][mb] == NONE) {
                            Action recv = Action.recvForward(s, mb);
                            return "has no input: " + recv + " must come before it on core " + c + laterOrNone(recv, c, k);
                        }
                    }
                    return null;
                }
                case LOSS -> {
                    if (loss[s][mb] != NONE) return ranTwice(loss[s][mb]);
                    if (forward[s][mb] == NONE) return "needs the output of " + Action.forward(s, mb) + first(Action.forward(s, mb), c, k);
                    return null;
                }
                case B, I -> {
                    if (inputGrad[s][mb] != NONE) return "runs a second backward of stage " + s + ", mb " + mb + ": one already ran at " + where(inputGrad[s][mb]);
                    if (forward[s][mb] == NONE) return "needs the activations of " + Action.forward(s, mb) + first(Action.forward(s, mb), c, k);
                    if (s == last) {
                        if (loss[s][mb] == NONE) return "needs the gradient of the loss: " + Action.loss(s, mb) + " must come before it" + laterOrNone(Action.loss(s, mb), c, k);
                    } else if (schedule.stageToCore(s + 1) == c) {
                        if (inputGrad[s + 1][mb] == NONE) return "needs the input gradient of stage " + (s + 1) + ", mb " + mb + " (its B or I) first";
                    } else if (recvBackward[s][mb] == NONE) {
                        Action recv = Action.recvBackward(s, mb);
                        return "has no output gradient: " + recv + " must come before it on core " + c + laterOrNone(recv, c, k);
                    }
                    return null;
                }
                case W -> {
                    if (weightGrad[s][mb] != NONE) return ranTwice(weightGrad[s][mb]);
                    if (inputGrad[s][mb] != NONE && !split[s][mb]) return "follows the full " + Action.backward(s, mb) + ", which already computed the weight gradient";
                    if (inputGrad[s][mb] == NONE) return "needs " + Action.inputGrad(s, mb) + " first" + first(Action.inputGrad(s, mb), c, k);
                    return null;
                }
                case SEND_F -> {
                    if (sentForward[s][mb] != NONE) return ranTwice(sentForward[s][mb]);
                    if (forward[s][mb] == NONE) return "sends an output that does not exist yet: " + Action.forward(s, mb) + " must come before it" + laterOrNone(Action.forward(s, mb), c, k);
                    return null;
                }
                case SEND_B -> {
                    if (sentBackward[s][mb] != NONE) return ranTwice(sentBackward[s][mb]);
                    if (inputGrad[s][mb] == NONE) return "sends a gradient that does not exist yet: B or I of stage " + s + ", mb " + mb + " must come before it";
                    return null;
                }
                case RECV_F -> {
                    if (recvForward[s][mb] != NONE) return ranTwice(recvForward[s][mb]);
                    return sentForward[s - 1][mb] != NONE ? null : WAIT;
                }
                case RECV_B -> {
                    if (recvBackward[s][mb] != NONE) return ranTwice(recvBackward[s][mb]);
                    return sentBackward[s + 1][mb] != NONE ? null : WAIT;
                }
                case REDUCE_TIED -> {
                    int t = a.peerStage();
                    if (reduceDone[s]) return "reduces the tied weights of stage " + s + " a second time";
                    String missing = missingGradient(s);
                    if (missing == null && schedule.stageToCore(t) == c) missing = missingGradient(t);
                    if (missing != null) return "comes before all gradients are complete: " + missing;
                    if (schedule.stageToCore(t) == c) return null;
                    reduceArrived.add(key(s, t));
                    return reduceArrived.contains(key(t, s)) ? null : WAIT;
                }
                case OPT_STEP -> {
                    if (optStep[s] != NONE) return ranTwice(optStep[s]);
                    String missing = missingGradient(s);
                    if (missing != null) return "comes before all gradients of stage " + s + " are complete: " + missing;
                    if (reduceExpected[s] && !reduceDone[s]) return "comes before the tied-weight reduction of stage " + s;
                    return null;
                }
            }
            throw new AssertionError(a);
        }

        private void apply(int c, int k, Action a) {
            int s = a.stage();
            int mb = a.microbatch();
            long here = loc(c, k);
            switch (a.type()) {
                case F -> forward[s][mb] = here;
                case LOSS -> loss[s][mb] = here;
                case B, I -> {
                    inputGrad[s][mb] = here;
                    split[s][mb] = a.type() == ActionType.I;
                }
                case W -> weightGrad[s][mb] = here;
                case SEND_F -> sentForward[s][mb] = here;
                case SEND_B -> sentBackward[s][mb] = here;
                case RECV_F -> recvForward[s][mb] = here;
                case RECV_B -> recvBackward[s][mb] = here;
                case REDUCE_TIED -> {
                    reduceDone[s] = true;
                    if (schedule.stageToCore(a.peerStage()) == c) reduceDone[a.peerStage()] = true;
                }
                case OPT_STEP -> optStep[s] = here;
            }
        }

        /** The first microbatch of {@code stage} whose gradient is not complete, described; or null. */
        private String missingGradient(int stage) {
            for (int mb = 0; mb < microbatches; mb++) {
                if (inputGrad[stage][mb] == NONE) return "stage " + stage + ", mb " + mb + " has no B or I before it";
                if (split[stage][mb] && weightGrad[stage][mb] == NONE) return "stage " + stage + ", mb " + mb + " has no W before it";
            }
            return null;
        }

        // ---- deadlock explanation ----

        private String waitReason(int c, Action a) {
            Action partner = switch (a.type()) {
                case RECV_F -> Action.sendForward(a.stage() - 1, a.microbatch());
                case RECV_B -> Action.sendBackward(a.stage() + 1, a.microbatch());
                case REDUCE_TIED -> Action.reduceTied(a.peerStage(), a.stage());
                default -> throw new AssertionError("only receives and REDUCE_TIED wait: " + a);
            };
            Long at = firstLocation.get(partner);
            if (at == null) {
                return a.type() == ActionType.REDUCE_TIED
                        ? "waits forever: core " + schedule.stageToCore(a.peerStage()) + " never runs " + partner
                        : "waits forever: no core sends it";
            }
            int d = coreOf(at);
            if (d == c) return "waits forever: the matching " + partner + " comes later on this core, at step " + stepOf(at);
            String holdUp = pc[d] < schedule.actions(d).size()
                    ? "core " + d + " is stuck at step " + pc[d] + ": " + schedule.actions(d).get(pc[d])
                    : "core " + d + " has finished";
            return "waits forever for " + partner + " at core " + d + ", step " + stepOf(at) + ", but " + holdUp;
        }

        // ---- completeness, once every core has finished ----

        private List<ScheduleProblem> checkCompleteness() {
            List<ScheduleProblem> problems = new ArrayList<>();
            int last = stages - 1;
            for (int s = 0; s < stages; s++) {
                int core = schedule.stageToCore(s);
                for (int mb = 0; mb < microbatches; mb++) {
                    if (forward[s][mb] == NONE) problems.add(new ScheduleProblem(core, -1, Action.forward(s, mb), "never runs"));
                    if (!schedule.training()) continue;
                    if (s == last && loss[s][mb] == NONE) problems.add(new ScheduleProblem(core, -1, Action.loss(s, mb), "never runs"));
                    if (inputGrad[s][mb] == NONE) {
                        problems.add(new ScheduleProblem(core, -1, Action.backward(s, mb), "never runs (neither B nor I)"));
                    } else if (split[s][mb] && weightGrad[s][mb] == NONE) {
                        problems.add(new ScheduleProblem(core, -1, Action.weightGrad(s, mb), "never runs, so the weight gradient of "
                                + Action.inputGrad(s, mb) + " at step " + stepOf(inputGrad[s][mb]) + " is never computed"));
                    }
                }
            }
            for (int s = 0; s < stages; s++) {
                for (int mb = 0; mb < microbatches; mb++) {
                    if (sentForward[s][mb] != NONE && (s + 1 >= stages || recvForward[s + 1][mb] == NONE))
                        problems.add(unreceived(sentForward[s][mb], Action.recvForward(s + 1, mb)));
                    if (sentBackward[s][mb] != NONE && (s == 0 || recvBackward[s - 1][mb] == NONE))
                        problems.add(unreceived(sentBackward[s][mb], Action.recvBackward(s - 1, mb)));
                }
            }
            return problems;
        }

        private ScheduleProblem unreceived(long sendAt, Action receive) {
            int c = coreOf(sendAt);
            int k = stepOf(sendAt);
            return new ScheduleProblem(c, k, schedule.actions(c).get(k), "is never received: no core runs " + receive);
        }

        // ---- wording helpers ----

        private String ranTwice(long earlier) { return "runs twice: it already ran at " + where(earlier); }

        /** ", which comes later on this core, at step j" / ", which no step of core c runs". */
        private String first(Action needed, int c, int k) {
            Long at = firstLocation.get(needed);
            if (at == null) return ", which no core runs";
            if (coreOf(at) == c && stepOf(at) > k) return ", which comes later on this core, at step " + stepOf(at);
            return ", which runs at " + where(at) + ", not before this step on this core";
        }

        /** ", but it comes later, at step j" / ", but it is on core d" / ", and core c has none". */
        private String laterOrNone(Action needed, int c, int k) {
            Long at = firstLocation.get(needed);
            if (at == null) return ", and core " + c + " has none";
            if (coreOf(at) != c) return ", but it is at " + where(at);
            return ", but it comes later, at step " + stepOf(at);
        }

        private static long loc(int core, int step) { return ((long) core << 32) | step; }

        private static int coreOf(long loc) { return (int) (loc >>> 32); }

        private static int stepOf(long loc) { return (int) loc; }

        private static String where(long loc) { return "core " + coreOf(loc) + ", step " + stepOf(loc); }

        private long key(int s, int t) { return (long) s * stages + t; }
    }
}
