package dev.ppc.passes.partition;

import dev.ppc.ir.Function;
import dev.ppc.ir.Op;
import dev.ppc.ir.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves a {@link CutSpec} against a function and gives every op that is not computed from
 * constants alone exactly one pipeline stage.
 *
 * <p>Each cut names the set of ops that must run before it: for a cut after block k, the ops of
 * blocks 0..k and those placed before them ({@link BlockStructure} says where ops outside every
 * block go); for a cut after a
 * nested scope, the ops of that scope; for a cut at a value, the op that computes it. That set is
 * then closed under "is computed from", so a cut never separates an op from its inputs, and an
 * op's stage is the first cut whose (cumulative) set holds it, or the last stage. Because every set
 * is closed under producers, a value only ever flows from a stage to the same or a later stage.
 *
 * <p>Failures are {@link CutSpecException}s: a name that matches nothing (with the nearest scopes
 * and the blocks), a name that ends several scopes (listing them), a block number past the last
 * block, more stages than blocks, cuts out of order or repeated, and a cut that leaves a stage
 * empty.
 */
final class StageAssignment {
    private final int stageCount;
    private final Map<Op, Integer> stages;

    private StageAssignment(int stageCount, Map<Op, Integer> stages) {
        this.stageCount = stageCount;
        this.stages = stages;
    }

    int stageCount() { return stageCount; }

    /** The stage of an op, or -1 for an op computed from constants only (copied where used). */
    int stageOf(Op op) { return stages.getOrDefault(op, -1); }

    /** A resolved cut: the user's text, where it cuts (for messages) and the ops before it. */
    private record Resolved(String text, String where, Set<Op> before) {}

    static StageAssignment resolve(Function f, CutSpec spec, BlockStructure blocks, Set<Op> constantOps) {
        String prefix = "--cuts " + spec.text() + ": ";
        List<Op> computeOps = new ArrayList<>();
        for (Op op : f.ops()) if (!constantOps.contains(op)) computeOps.add(op);
        checkStagesAgainstBlocks(spec, blocks, prefix);

        List<Resolved> cuts = new ArrayList<>();
        for (CutSpec.Cut cut : spec.cuts()) cuts.add(resolveCut(f, cut, blocks, constantOps, computeOps, prefix));

        for (int i = 0; i + 1 < cuts.size(); i++) {
            Resolved a = cuts.get(i), b = cuts.get(i + 1);
            if (a.before.equals(b.before)) {
                throw new CutSpecException(prefix + "cut '" + b.text + "' repeats cut '" + a.text + "' (both cut " + a.where + ")");
            }
            if (a.before.containsAll(b.before)) {
                throw new CutSpecException(prefix + "cut '" + b.text + "' (" + b.where + ") comes before cut '" + a.text + "' ("
                        + a.where + "); list the cuts in pipeline order");
            }
        }

        int last = cuts.size();
        Map<Op, Integer> stages = new HashMap<>();
        for (int i = 0; i < cuts.size(); i++) {
            for (Op op : cuts.get(i).before) stages.putIfAbsent(op, i);
        }
        int[] counts = new int[last + 1];
        for (Op op : computeOps) {
            int s = stages.computeIfAbsent(op, k -> last);
            counts[s]++;
        }
        for (int s = 0; s <= last; s++) {
            if (counts[s] > 0) continue;
            if (s == last) {
                Resolved c = cuts.get(last - 1);
                throw new CutSpecException(prefix + "cut '" + c.text + "' leaves stage " + s + " empty: no op of the model comes after it ("
                        + c.where + ")");
            }
            if (s == 0) throw new CutSpecException(prefix + "cut '" + cuts.get(0).text + "' leaves stage 0 empty: no op of the model comes before it");
            throw new CutSpecException(prefix + "cuts '" + cuts.get(s - 1).text + "' and '" + cuts.get(s).text + "' leave stage " + s
                    + " empty: no op lies between them");
        }
        return new StageAssignment(last + 1, stages);
    }

    /**
     * Cutting only between blocks makes at most one stage per block, plus one when ops follow the
     * last block (a cut after it gives them their own stage).
     */
    private static void checkStagesAgainstBlocks(CutSpec spec, BlockStructure blocks, String prefix) {
        boolean onlyBlockCuts = true;
        boolean anyNumber = false;
        for (CutSpec.Cut c : spec.cuts()) {
            if (c instanceof CutSpec.AfterBlock) anyNumber = true;
            else if (!(c instanceof CutSpec.AfterScope s && namesBlock(blocks, s))) onlyBlockCuts = false;
        }
        if (anyNumber && blocks.source() == BlockStructure.Source.NONE) {
            throw new CutSpecException(prefix + "the model has " + blocks.describe() + "; cut at values instead (@name)");
        }
        int most = blocks.blocks().size() + (blocks.hasOpsAfterLastBlock() ? 1 : 0);
        if (onlyBlockCuts && spec.stageCount() > most) {
            throw new CutSpecException(prefix + spec.stageCount() + " stages are more than the model's " + blocks.describe()
                    + (blocks.hasOpsAfterLastBlock() ? " and the ops after the last block" : "") + " can fill; cut between blocks at most "
                    + (most - 1) + " times, or also cut at values (@name)");
        }
    }

    private static boolean namesBlock(BlockStructure blocks, CutSpec.AfterScope s) {
        List<String> named = blocks.scopesNamed(s.scope());
        return named.size() == 1 && blocks.block(named.get(0)) != null;
    }

    private static Resolved resolveCut(Function f, CutSpec.Cut cut, BlockStructure blocks, Set<Op> constantOps,
                                       List<Op> computeOps, String prefix) {
        if (cut instanceof CutSpec.AfterBlock b) {
            if (b.number() > blocks.blocks().size()) {
                throw new CutSpecException(prefix + "cut '" + b.text() + "' is past the last block: the model has " + blocks.describe());
            }
            return afterBlock(b.text(), blocks.blocks().get(b.number() - 1), blocks, constantOps, computeOps);
        }
        if (cut instanceof CutSpec.AfterScope s) {
            List<String> named = blocks.scopesNamed(s.scope());
            if (named.size() > 1) {
                throw new CutSpecException(prefix + "'" + s.text() + "' is ambiguous: it ends " + named.size() + " module scopes ("
                        + String.join(", ", named.subList(0, Math.min(3, named.size()))) + (named.size() > 3 ? ", ..." : "")
                        + "); write the full path");
            }
            if (named.size() == 1) {
                String scope = named.get(0);
                BlockStructure.Block block = blocks.block(scope);
                if (block != null) return afterBlock(s.text(), block, blocks, constantOps, computeOps);
                return new Resolved(s.text(), "after scope " + scope, producerClosure(blocks.opsInScope(scope), constantOps));
            }
            String raw = s.text().startsWith("/") ? s.text().substring(1) : s.text();
            Map<String, Value> values = valuesByName(f);
            String value = values.containsKey(s.text()) ? s.text() : values.containsKey(raw) ? raw : null;
            if (value != null) {
                throw new CutSpecException(prefix + "'" + s.text() + "' is not a module scope; to cut at the value " + value + " write @" + value);
            }
            if (blocks.scopes().isEmpty()) {
                throw new CutSpecException(prefix + "no module scope is named '" + s.text() + "': the model's node names have no scopes; cut by block number (1.."
                        + blocks.blocks().size() + ") or at a value (@name)");
            }
            throw new CutSpecException(prefix + "no module scope is named '" + s.text() + "'" + Candidates.nearest(s.scope(), blocks.scopes())
                    + "; " + blocks.cutHint());
        }
        CutSpec.AtValue at = (CutSpec.AtValue) cut;
        Map<String, Value> values = valuesByName(f);
        Value v = values.get(at.value());
        if (v == null) {
            List<String> pool = new ArrayList<>();
            for (Map.Entry<String, Value> e : values.entrySet()) {
                Op def = e.getValue().definingOp();
                if (def == null || !constantOps.contains(def)) pool.add(e.getKey());
            }
            throw new CutSpecException(prefix + "no value is named '" + at.value() + "'" + Candidates.nearest(at.value(), pool));
        }
        if (v.isParameter()) {
            throw new CutSpecException(prefix + "'" + at.text() + "' is a model input; cut at a value the model computes");
        }
        if (constantOps.contains(v.definingOp())) {
            throw new CutSpecException(prefix + "'" + at.text() + "' is computed from constants only (each stage that needs it gets its own copy);"
                    + " cut at a value computed from the model's inputs");
        }
        return new Resolved(at.text(), "at value %" + v.name(), producerClosure(List.of(v.definingOp()), constantOps));
    }

    private static Resolved afterBlock(String text, BlockStructure.Block block, BlockStructure blocks, Set<Op> constantOps, List<Op> computeOps) {
        List<Op> seeds = new ArrayList<>();
        for (Op op : computeOps) if (blocks.isBeforeCutAfter(op, block.index())) seeds.add(op);
        return new Resolved(text, "after block " + block.name(), producerClosure(seeds, constantOps));
    }

    /** {@code seeds} and every op they are transitively computed from, except constant-only ops. */
    private static Set<Op> producerClosure(Collection<Op> seeds, Set<Op> constantOps) {
        Set<Op> closed = new HashSet<>(seeds);
        Deque<Op> work = new ArrayDeque<>(seeds);
        while (!work.isEmpty()) {
            for (Value v : work.pop().operands()) {
                if (v == null || v.isParameter()) continue;
                Op def = v.definingOp();
                if (!constantOps.contains(def) && closed.add(def)) work.push(def);
            }
        }
        return closed;
    }

    private static Map<String, Value> valuesByName(Function f) {
        Map<String, Value> byName = new LinkedHashMap<>();
        for (Value p : f.params()) byName.put(p.name(), p);
        for (Op op : f.ops()) for (Value r : op.results()) byName.put(r.name(), r);
        return byName;
    }
}
