package dev.ppc.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes schedules in the CSV form of PyTorch's {@code torch.distributed.pipelining}
 * ({@code PipelineScheduleMulti._dump_csv} / {@code _load_csv}), so a schedule written for
 * PyTorch can be validated and simulated by ppc, and a ppc schedule run by PyTorch.
 *
 * <p>The format: one CSV row per rank (core), one cell per time step, each cell an action in the
 * compact notation {@code [stage][type][microbatch]} ({@code 0F1}, {@code 1B0}, {@code 2I3},
 * {@code 2W3}) or empty for an idle step. Stages are global stage indices; the rank a stage's
 * actions appear on is the rank that runs it. PyTorch's "compute_only" form holds F, B, I and W;
 * its "compute_comms" form also has {@code 1RECV_F0}, {@code 0SEND_F0}, {@code 1SEND_B0},
 * {@code 0RECV_B0} (FSDP's {@code UNSHARD}/{@code RESHARD} are read and ignored). PyTorch has no
 * loss or optimizer-step actions; on import ppc adds LOSS after each last-stage forward, the
 * optimizer steps at the end and, for compute-only files, the sends and receives
 * ({@link CommunicationLowering}).
 *
 * <p>Export writes compute actions only, each in the time step it occupies when every F, B, I and
 * W takes one step ({@link CostModel#unitSteps()}), so the file reads as the usual schedule grid.
 * {@link Layout#RANK_PER_COLUMN} transposes the grid (one row per time step, one column per rank,
 * as PyTorch prints schedules with {@code _format_pipeline_order}).
 */
public final class PyTorchCsv {
    /** Which way ranks run in the file. */
    public enum Layout {
        /** One row per rank: PyTorch's {@code _dump_csv} / {@code _load_csv}. */
        RANK_PER_ROW,
        /** One column per rank, one row per time step. */
        RANK_PER_COLUMN;

        /** {@code "rows"} or {@code "columns"}. */
        public static Layout parse(String name) {
            return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
                case "rows", "row" -> RANK_PER_ROW;
                case "columns", "column", "cols" -> RANK_PER_COLUMN;
                default -> throw new ScheduleException("unknown CSV layout '" + name + "'; expected rows (one row per rank, PyTorch's) or columns");
            };
        }
    }

    private static final Pattern ACTION = Pattern.compile("(\\d+)(F|I|B|W|UNSHARD|RESHARD|SEND_F|RECV_F|SEND_B|RECV_B)(\\d*)");

    private static final int MAX_INDEX = 1 << 16;

    private PyTorchCsv() { }

    /** The schedule's compute actions, one row per rank, aligned to unit time steps. */
    public static String write(Schedule schedule) { return write(schedule, Layout.RANK_PER_ROW); }

    /** The schedule's compute actions in {@code layout}, aligned to unit time steps. */
    public static String write(Schedule schedule, Layout layout) {
        Timeline timeline = ScheduleSimulator.simulate(schedule, CostModel.unitSteps()).timeline();
        int steps = (int) timeline.makespanTicks();
        String[][] grid = new String[schedule.cores()][steps];
        for (String[] row : grid) Arrays.fill(row, "");
        for (Timeline.Span span : timeline.spans()) {
            if (span.action().type().isCompute()) grid[span.core()][(int) span.start()] = span.action().compact();
        }
        StringBuilder out = new StringBuilder();
        if (layout == Layout.RANK_PER_ROW) {
            for (String[] row : grid) out.append(String.join(",", trimTrailingEmpty(Arrays.asList(row)))).append('\n');
        } else {
            for (int t = 0; t < steps; t++) {
                List<String> line = new ArrayList<>();
                for (String[] row : grid) line.add(row[t]);
                out.append(String.join(",", line)).append('\n');
            }
        }
        return out.toString();
    }

    /** Reads a PyTorch CSV with one row per rank; no tied-weight reduction. */
    public static Schedule read(String csv) { return read(csv, Layout.RANK_PER_ROW, false); }

    /**
     * Reads a PyTorch CSV schedule and completes it into a ppc schedule (see the class comment).
     * The result is not validated; run {@link ScheduleValidator} on it.
     */
    public static Schedule read(String csv, Layout layout, boolean reduceTied) {
        List<List<String>> lines = new ArrayList<>();
        for (String line : csv.replace("\uFEFF", "").split("\r?\n|\r", -1)) lines.add(Arrays.asList(line.split(",", -1)));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).stream().allMatch(String::isBlank)) lines.remove(lines.size() - 1);
        if (lines.isEmpty()) throw new ScheduleException("the PyTorch CSV is empty: expected one row of actions (like 0F0,0F1,0B0) per rank");

        int ranks = layout == Layout.RANK_PER_ROW ? lines.size() : lines.stream().mapToInt(List::size).max().orElse(0);
        List<List<Action>> perRank = new ArrayList<>();
        for (int r = 0; r < ranks; r++) perRank.add(new ArrayList<>());
        for (int li = 0; li < lines.size(); li++) {
            List<String> cells = lines.get(li);
            for (int ci = 0; ci < cells.size(); ci++) {
                Action a = parseCell(cells.get(ci), li + 1, ci + 1);
                if (a != null) perRank.get(layout == Layout.RANK_PER_ROW ? li : ci).add(a);
            }
        }

        int maxStage = -1;
        int maxMicrobatch = -1;
        boolean training = false;
        boolean hasComm = false;
        for (List<Action> list : perRank) {
            for (Action a : list) {
                maxStage = Math.max(maxStage, a.stage());
                maxMicrobatch = Math.max(maxMicrobatch, a.microbatch());
                training |= a.type() == ActionType.B || a.type() == ActionType.I || a.type() == ActionType.W;
                hasComm |= a.type().isCommunication();
            }
        }
        if (maxMicrobatch < 0) throw new ScheduleException("the PyTorch CSV has no F, B, I or W actions");
        // Indices size the validator's tables; refuse ones no real pipeline has before allocating.
        if (maxStage >= MAX_INDEX || maxMicrobatch >= MAX_INDEX)
            throw new ScheduleException("the PyTorch CSV names stage " + maxStage + " and microbatch " + maxMicrobatch
                    + "; ppc reads stage and microbatch indices below " + MAX_INDEX);
        int[] stageToCore = new int[maxStage + 1];
        Arrays.fill(stageToCore, -1);
        for (int r = 0; r < ranks; r++) {
            for (Action a : perRank.get(r)) {
                int s = a.stage();
                if (stageToCore[s] >= 0 && stageToCore[s] != r)
                    throw new ScheduleException("stage " + s + " appears on rank " + stageToCore[s] + " and on rank " + r
                            + " of the PyTorch CSV; each stage runs on one rank");
                stageToCore[s] = r;
            }
        }
        for (int s = 0; s <= maxStage; s++) {
            if (stageToCore[s] < 0)
                throw new ScheduleException("stage " + s + " never appears in the PyTorch CSV; stages must be numbered 0 to " + maxStage + " without gaps");
        }
        if (reduceTied && !training)
            throw new ScheduleException("tied-weight reduction needs gradients, and the imported schedule has no backward");
        int virtual = 1;
        for (int r = 0; r < ranks; r++) {
            int held = 0;
            for (int core : stageToCore) if (core == r) held++;
            virtual = Math.max(virtual, held);
        }
        int microbatches = maxMicrobatch + 1;
        return hasComm
                ? CommunicationLowering.completeTraining(ScheduleKind.CUSTOM, virtual, microbatches, training, stageToCore, perRank, reduceTied)
                : CommunicationLowering.lower(ScheduleKind.CUSTOM, virtual, microbatches, training, stageToCore, perRank, reduceTied);
    }

    private static Action parseCell(String raw, int line, int column) {
        String cell = raw.trim();
        if (cell.length() >= 2 && cell.startsWith("\"") && cell.endsWith("\"")) cell = cell.substring(1, cell.length() - 1).trim();
        if (cell.isEmpty()) return null;
        Matcher m = ACTION.matcher(cell);
        if (!m.matches())
            throw new ScheduleException("PyTorch CSV line " + line + ", cell " + column + ": '" + cell
                    + "' is not an action like 0F1, 1B0, 2W3 or 1RECV_F0");
        String type = m.group(2);
        if (type.equals("UNSHARD") || type.equals("RESHARD")) return null; // FSDP bookkeeping, no pipeline order
        if (m.group(3).isEmpty())
            throw new ScheduleException("PyTorch CSV line " + line + ", cell " + column + ": '" + cell + "' has no microbatch (like " + cell + "0)");
        int stage;
        int mb;
        try {
            stage = Integer.parseInt(m.group(1));
            mb = Integer.parseInt(m.group(3));
        } catch (NumberFormatException e) {
            throw new ScheduleException("PyTorch CSV line " + line + ", cell " + column + ": '" + cell + "' has a number that is too large");
        }
        String where = "PyTorch CSV line " + line + ", cell " + column + ": '" + cell + "' ";
        return switch (type) {
            case "F" -> Action.forward(stage, mb);
            case "B" -> Action.backward(stage, mb);
            case "I" -> Action.inputGrad(stage, mb);
            case "W" -> Action.weightGrad(stage, mb);
            case "SEND_F" -> Action.sendForward(stage, mb);
            case "SEND_B" -> {
                if (stage == 0) throw new ScheduleException(where + "sends a gradient back from stage 0, which has no previous stage");
                yield Action.sendBackward(stage, mb);
            }
            case "RECV_F" -> {
                if (stage == 0) throw new ScheduleException(where + "receives activations on stage 0, which has no previous stage");
                yield Action.recvForward(stage, mb);
            }
            case "RECV_B" -> Action.recvBackward(stage, mb);
            default -> throw new AssertionError(type);
        };
    }

    private static List<String> trimTrailingEmpty(List<String> cells) {
        int end = cells.size();
        while (end > 0 && cells.get(end - 1).isEmpty()) end--;
        return cells.subList(0, end);
    }
}
