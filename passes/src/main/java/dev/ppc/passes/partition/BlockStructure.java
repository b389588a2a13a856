package dev.ppc.passes.partition;

import dev.ppc.ir.Function;
import dev.ppc.ir.Op;
import dev.ppc.ir.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The top-level blocks of a model (its transformer layers, its stacked linears), which numbered
 * and named cuts refer to.
 *
 * <p><b>From scopes.</b> PyTorch's exporter names nodes by module path: {@code /layers.2/attn/MatMul}
 * lies in scope {@code layers.2}, and in its nested scope {@code layers.2/attn}. A top-level block
 * is a first-level scope of the form {@code <list>.<index>} ({@code h.0}, {@code layers.3},
 * {@code layer.1}, {@code linears.4}); blocks are numbered in the order their first op appears.
 * An op outside every block lies just after the latest block it depends on, or before the first
 * block when it depends on none: embeddings come before block 0, a ReLU that PyTorch applies
 * between {@code linears.2} and {@code linears.3} comes after {@code linears.2} (so a cut after
 * {@code linears.2} puts it in the next stage), and the final norm and LM head come after the
 * last block (so a cut after the last block gives them a stage of their own).
 *
 * <p><b>From repeated structure</b>, when no node name has such a scope: every {@code MatMul} or
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

    private static final Pattern LIST_ITEM = Pattern.compile(".+\\.[0-9]+");

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
        Map<String, Integer> blockIndex = new LinkedHashMap<>();
        Map<Op, String> blockName = new HashMap<>();
        for (Op op : f.ops()) {
            if (constantOps.contains(op)) continue;
            List<String> path = scopePath(op.location());
            StringBuilder scope = new StringBuilder();
            for (String segment : path) {
                if (scope.length() > 0) scope.append('/');
                scope.append(segment);
                scopes.computeIfAbsent(scope.toString(), k -> new ArrayList<>()).add(op);
            }
            if (!path.isEmpty() && LIST_ITEM.matcher(path.get(0)).matches()) {
                blockIndex.putIfAbsent(path.get(0), blockIndex.size());
                blockName.put(op, path.get(0));
            }
        }
        Map<Op, Integer> position = new HashMap<>();
        List<Block> blocks = new ArrayList<>();
        if (!blockIndex.isEmpty()) {
            blockIndex.forEach((name, index) -> blocks.add(new Block(index, name)));
            for (Op op : f.ops()) {
                if (constantOps.contains(op)) continue;
                String b = blockName.get(op);
                position.put(op, b != null ? inBlock(blockIndex.get(b)) : afterBlock(latestBlock(op, position)));
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

    /** The scope segments of a node name: {@code /layers.2/attn/MatMul} gives [layers.2, attn]. */
    static List<String> scopePath(String location) {
        if (location == null || !location.startsWith("/")) return List.of();
        String[] parts = location.substring(1).split("/", -1);
        List<String> path = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].isEmpty()) return List.of();
            path.add(parts[i]);
        }
        return path;
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

    /** Every scope path seen in node names ({@code layers.2}, {@code layers.2/attn}, ...), in first-seen order. */
    public Set<String> scopes() { return Collections.unmodifiableSet(scopes.keySet()); }

    /** The ops (not computed from constants only) whose node name lies in {@code scope}. */
    List<Op> opsInScope(String scope) { return scopes.getOrDefault(scope, List.of()); }

    /** For diagnostics: {@code 5 blocks (linears.0 .. linears.4)}. */
    public String describe() {
        return switch (source) {
            case NONE -> "no blocks (no node name has a scope like /layers.0/, and no MatMul or Gemm has a weight)";
            case SCOPES -> blocks.size() + (blocks.size() == 1 ? " block (" : " blocks (") + blocks.get(0).name()
                    + (blocks.size() > 1 ? " .. " + blocks.get(blocks.size() - 1).name() : "") + ")";
            case REPEATED_STRUCTURE -> blocks.size() + (blocks.size() == 1 ? " block" : " blocks")
                    + " (node names have no scopes; each MatMul/Gemm with a weight starts one)";
        };
    }
}
