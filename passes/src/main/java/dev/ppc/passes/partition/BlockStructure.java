package dev.ppc.passes.partition;

import dev.ppc.ir.Function;
import dev.ppc.ir.ModulePath;
import dev.ppc.ir.Op;
import dev.ppc.ir.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The blocks of a model (its transformer layers, its stacked linears, at any depth), which numbered
 * and named cuts refer to.
 *
 * <p><b>From scopes.</b> PyTorch's exporter names nodes by module path ({@link ModulePath}):
 * {@code /encoder/layers.2/attn/MatMul} lies in module {@code encoder.layers.2} and in its nested
 * module {@code encoder.layers.2.attn}; {@code /layers/2/attn/MatMul} and
 * {@code /layer1/layer1.2/conv1/Conv} are read the same way. A module list is the modules that
 * differ only in their last atom, an index ({@code encoder.layers.0 .. encoder.layers.5}); the
 * blocks are the items of the longest list that is not itself inside an item of another list (the
 * transformer layers, not the experts inside one layer), numbered in the order their first op
 * appears; a tie goes to the list seen first. An op outside every block lies just after the latest
 * block it depends on, or before the first block when it depends on none: embeddings come before
 * block 0, a ReLU that PyTorch applies between {@code linears.2} and {@code linears.3} comes after
 * {@code linears.2} (so a cut after {@code linears.2} puts it in the next stage), and the final
 * norm and LM head come after the last block (so a cut after the last block gives them a stage of
 * their own).
 *
 * <p><b>From repeated structure</b>, when no node name lies in a module list: every {@code MatMul} or
 * {@code Gemm} that has a weight operand (a constant, or a value computed from constants only, of
 * rank 2 or more) starts a new block, and every other op belongs to the block started last before
 * it in program order; ops before the first such op come before block 0. For a plain MLP this
 * makes one block per linear layer; for an unscoped transformer it makes one block per projection,
 * which is finer than a layer but still a sound place to cut.
 *
 * <p>Ops computed from constants only ({@link ConstantSubgraph}) belong to no block.
 */
public final class BlockStructure {
    /** Where the blocks came from. */
    public enum Source { SCOPES, REPEATED_STRUCTURE, NONE }

    /** One top-level block: its position in pipeline order and its name. */
    public record Block(int index, String name) {}

    private final Source source;
    private final List<Block> blocks;
    private final Map<Op, Integer> position;
    private final Map<String, List<Op>> scopes;

    private BlockStructure(Source source, List<Block> blocks, Map<Op, Integer> position, Map<String, List<Op>> scopes) {
        this.source = source;
        this.blocks = List.copyOf(blocks);
        this.position = position;
        this.scopes = scopes;
    }

    /** The blocks of {@code f} (for listing them, e.g. in {@code ppc inspect}, and for resolving cuts). */
    public static BlockStructure of(Function f) { return discover(f, ConstantSubgraph.of(f)); }

    /** Finds the blocks of {@code f}; {@code constantOps} are the ops that belong to no block. */
    static BlockStructure discover(Function f, Set<Op> constantOps) {
        Map<String, List<Op>> scopes = new LinkedHashMap<>();
        // Each module list (by its dotted path, "" for the root) with its items in first-seen order,
        // and for each op the outermost list item it lies in.
        Map<String, Set<String>> lists = new LinkedHashMap<>();
        Map<Op, String[]> itemOf = new HashMap<>();
        for (Op op : f.ops()) {
            if (constantOps.contains(op)) continue;
            List<String> path = ModulePath.ofLocation(op.location());
            for (int k = 1; k <= path.size(); k++) {
                String scope = String.join(".", path.subList(0, k));
                scopes.computeIfAbsent(scope, key -> new ArrayList<>()).add(op);
                if (ModulePath.isIndex(path.get(k - 1)) && !itemOf.containsKey(op)) {
                    String list = String.join(".", path.subList(0, k - 1));
                    lists.computeIfAbsent(list, key -> new LinkedHashSet<>()).add(scope);
                    itemOf.put(op, new String[] {list, scope});
                }
            }
        }
        String longest = null;
        for (Map.Entry<String, Set<String>> e : lists.entrySet()) {
            if (longest == null || e.getValue().size() > lists.get(longest).size()) longest = e.getKey();
        }
        Map<Op, Integer> position = new HashMap<>();
        List<Block> blocks = new ArrayList<>();
        if (longest != null) {
            Map<String, Integer> blockIndex = new HashMap<>();
            for (String item : lists.get(longest)) {
                blockIndex.put(item, blocks.size());
                blocks.add(new Block(blocks.size(), item));
            }
            for (Op op : f.ops()) {
                if (constantOps.contains(op)) continue;
                String[] item = itemOf.get(op);
                boolean inBlock = item != null && item[0].equals(longest);
                position.put(op, inBlock ? inBlock(blockIndex.get(item[1])) : afterBlock(latestBlock(op, position)));
            }
            return new BlockStructure(Source.SCOPES, blocks, position, scopes);
        }
        int current = -1;
        for (Op op : f.ops()) {
            if (constantOps.contains(op)) continue;
            if (startsBlock(op, constantOps)) {
                current = blocks.size();
                blocks.add(new Block(current, "#" + current + (op.location() != null ? " " + op.location() : "")));
            }
            position.put(op, current < 0 ? -1 : inBlock(current));
        }
        return new BlockStructure(blocks.isEmpty() ? Source.NONE : Source.REPEATED_STRUCTURE, blocks, position, scopes);
    }

    // Positions order ops along the pipeline: 2k is inside block k, 2k + 1 is just after it, and
    // -1 is before the first block. A cut after block k takes every op whose position is <= 2k.
    private static int inBlock(int block) { return 2 * block; }

    private static int afterBlock(int block) { return block < 0 ? -1 : 2 * block + 1; }

    /** The latest block that {@code op}'s operands come from, or -1. */
    private static int latestBlock(Op op, Map<Op, Integer> position) {
        int p = -1;
        for (Value v : op.operands()) {
            if (v == null || v.isParameter()) continue;
            Integer q = position.get(v.definingOp());
            if (q != null && q >= 0) p = Math.max(p, q / 2);
        }
        return p;
    }

    private static boolean startsBlock(Op op, Set<Op> constantOps) {
        if (!op.isOnnx("MatMul") && !op.isOnnx("Gemm")) return false;
        for (Value v : op.operands()) {
            if (v == null || v.isParameter() || !constantOps.contains(v.definingOp())) continue;
            if (v.type().isRanked() && v.type().rank() >= 2) return true;
        }
        return false;
    }

    public Source source() { return source; }

    public List<Block> blocks() { return blocks; }

    /** The block named {@code name}, or {@code null}. */
    public Block block(String name) {
        for (Block b : blocks) if (b.name().equals(name)) return b;
        return null;
    }

    /** Whether a cut after block {@code block} puts {@code op} before it (its own block or an earlier place). */
    boolean isBeforeCutAfter(Op op, int block) { return position.getOrDefault(op, -1) <= inBlock(block); }

    /** Whether some op lies after the last block (a final norm, a head), so that a cut after the last block leaves a stage. */
    public boolean hasOpsAfterLastBlock() {
        if (blocks.isEmpty()) return false;
        int last = inBlock(blocks.size() - 1);
        for (int p : position.values()) if (p > last) return true;
        return false;
    }

    /** Every module path seen in node names ({@code layers.2}, {@code layers.2.attn}, ...), dotted, in first-seen order. */
    public Set<String> scopes() { return Collections.unmodifiableSet(scopes.keySet()); }

    /**
     * The module scopes a {@code --cuts} name (a dotted path, see {@link ModulePath#ofUserText})
     * means: the scope of exactly that path, or else every scope whose path ends with it, so that
     * {@code layers.3} finds {@code model.layers.3}. More than one means the name is ambiguous.
     */
    List<String> scopesNamed(String path) {
        if (scopes.containsKey(path)) return List.of(path);
        List<String> found = new ArrayList<>();
        for (String s : scopes.keySet()) if (s.endsWith("." + path)) found.add(s);
        return found;
    }

    /** The ops (not computed from constants only) whose node name lies in {@code scope}. */
    List<Op> opsInScope(String scope) { return scopes.getOrDefault(scope, List.of()); }

    /**
     * For diagnostics, what can be cut after: {@code the model's repeated blocks are
     * encoder.layers.0 .. encoder.layers.5 (use --cuts 1..5 or a name)}.
     */
    String cutHint() {
        int most = blocks.size() - (hasOpsAfterLastBlock() ? 0 : 1);
        String numbers = most < 1 ? "" : most == 1 ? "--cuts 1" : "--cuts 1.." + most;
        return switch (source) {
            case NONE -> "the model has " + describe() + "; cut at a value (@name)";
            case SCOPES -> "the model's repeated blocks are " + blocks.get(0).name()
                    + (blocks.size() > 1 ? " .. " + blocks.get(blocks.size() - 1).name() : "")
                    + " (use " + (numbers.isEmpty() ? "" : numbers + " or ") + "a name)";
            case REPEATED_STRUCTURE -> "no node name lies in a module list such as /layers.0/, so the model's "
                    + blocks.size() + (blocks.size() == 1 ? " block starts" : " blocks start") + " at each MatMul/Gemm with a weight"
                    + " (use " + (numbers.isEmpty() ? "" : numbers + ", ") + "a scope name or @value)";
        };
    }

    /** For diagnostics: {@code 5 blocks (linears.0 .. linears.4)}. */
    public String describe() {
        return switch (source) {
            case NONE -> "no blocks (no node name lies in a module list such as /layers.0/, and no MatMul or Gemm has a weight)";
            case SCOPES -> blocks.size() + (blocks.size() == 1 ? " block (" : " blocks (") + blocks.get(0).name()
                    + (blocks.size() > 1 ? " .. " + blocks.get(blocks.size() - 1).name() : "") + ")";
            case REPEATED_STRUCTURE -> blocks.size() + (blocks.size() == 1 ? " block" : " blocks")
                    + " (no node name lies in a module list; each MatMul/Gemm with a weight starts one)";
        };
    }
}
