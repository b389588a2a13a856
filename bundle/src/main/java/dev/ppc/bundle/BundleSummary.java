package dev.ppc.bundle;

import dev.ppc.ir.DType;
import dev.ppc.ir.Module;
import dev.ppc.ir.ModulePath;
import dev.ppc.ir.Names;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-stage figures of a bundle, for {@code ppc inspect OUT.ppc} (as a text table or JSON) and
 * for the bundle's {@code report.json}: ops, parameters and their bytes, constant bytes,
 * activation bytes received and sent per microbatch, channels and tied groups. Computed from the
 * manifest and the stage programs, so a summary of a bundle read back from disk shows what the
 * bundle really holds.
 */
public final class BundleSummary {
    /**
     * The figures of one stage.
     *
     * @param ops                   ops of the stage program, not counting ppc.constant/send/recv
     * @param parameters            elements of the parameter constants the stage holds (a tied weight counts in each stage that holds it)
     * @param parameterBytes        their bytes
     * @param constantBytes         bytes of every constant the stage holds (parameters, buffers, shape constants)
     * @param recvBytesPerMicrobatch activation bytes the stage receives per microbatch
     * @param sendBytesPerMicrobatch activation bytes the stage sends per microbatch
     */
    public record StageRow(int stage, int core, int ops, long parameters, long parameterBytes, long constantBytes,
                           long recvBytesPerMicrobatch, long sendBytesPerMicrobatch, List<Integer> channelsIn,
                           List<Integer> channelsOut, List<Integer> tiedGroups, List<String> blocks, int opsOutsideBlocks) {}


    private final BundleManifest manifest;
    private final List<StageRow> rows;

    private BundleSummary(BundleManifest manifest, List<StageRow> rows) {
        this.manifest = manifest;
        this.rows = List.copyOf(rows);
    }

    /** The summary of a bundle read back from disk. */
    public static BundleSummary of(Bundle bundle) { return of(bundle.manifest(), bundle.stages()); }

    /** The summary of a manifest and its stage programs (stage k at index k, each with its constants). */
    public static BundleSummary of(BundleManifest manifest, List<Module> stagePrograms) {
        List<StageRow> rows = new ArrayList<>();
        for (BundleManifest.Stage s : manifest.stages()) {
            Module m = stagePrograms.get(s.stage());
            int ops = 0, outside = 0;
            java.util.LinkedHashSet<String> blocks = new java.util.LinkedHashSet<>();
            // Ops computed from constants alone (a causal mask sliced from a buffer) are copied into
            // every stage that needs them; they say nothing about which blocks a stage holds.
            java.util.Set<dev.ppc.ir.Value> constantDerived = new java.util.HashSet<>();
            for (Op op : m.main().ops()) {
                boolean fromConstants = op.is("ppc", "constant")
                        || (!op.domain().equals("ppc") && op.operands().stream().allMatch(v -> v == null || constantDerived.contains(v)));
                if (fromConstants) constantDerived.addAll(op.results());
                if (op.domain().equals("ppc")) continue;
                ops++;
                if (fromConstants) continue;
                String block = blockOf(op.location());
                if (block != null) blocks.add(block);
                else outside++;
            }
            long params = 0, paramBytes = 0, constBytes = 0;
            for (Module.Constant c : m.constants().values()) {
                TensorData d = c.data();
                long bytes = d.dtype() == DType.STRING ? 0 : TensorData.expectedBytes(d.type());
                constBytes += bytes;
                if (c.parameter()) {
                    params += d.numel();
                    paramBytes += bytes;
                }
            }
            long recv = 0, send = 0;
            List<Integer> in = new ArrayList<>(), out = new ArrayList<>();
            for (BundleManifest.Channel c : manifest.channels()) {
                if (c.dst() == s.stage()) {
                    recv += c.bytes();
                    in.add(c.id());
                }
                if (c.src() == s.stage()) {
                    send += c.bytes();
                    out.add(c.id());
                }
            }
            List<Integer> tied = new ArrayList<>();
            for (BundleManifest.TiedGroup g : manifest.tiedGroups()) {
                if (g.members().stream().anyMatch(mem -> mem.stage() == s.stage())) tied.add(g.id());
            }
            rows.add(new StageRow(s.stage(), s.core(), ops, params, paramBytes, constBytes, recv, send, in, out, tied, List.copyOf(blocks), outside));
        }
        return new BundleSummary(manifest, rows);
    }

    public List<StageRow> stages() { return rows; }

    public BundleManifest manifest() { return manifest; }

    /** The summary as a JSON document (the content of report.json). */
    public byte[] toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", "ppc-report");
        doc.put("version", 1);
        doc.put("model", manifest.model());
        doc.put("target", manifest.target());
        doc.put("microbatches", manifest.microbatches());
        doc.put("batch", manifest.batch());
        doc.put("stages", rows);
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("ops", rows.stream().mapToLong(StageRow::ops).sum());
        totals.put("parameters_held", rows.stream().mapToLong(StageRow::parameters).sum());
        totals.put("constant_bytes", rows.stream().mapToLong(StageRow::constantBytes).sum());
        totals.put("activation_bytes_per_microbatch", manifest.channels().stream().mapToLong(BundleManifest.Channel::bytes).sum());
        doc.put("totals", totals);
        return BundleJson.pretty(doc);
    }

    /** The summary as a text table followed by the channels and tied groups, one per line. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        BundleManifest.Model model = manifest.model();
        sb.append("model ").append(Names.printable(model.name()));
        if (model.source() != null) sb.append(" from ").append(Names.printable(model.source())).append(" (sha256 ").append(model.sha256(), 0, 12).append("...)");
        sb.append(", target ").append(manifest.target()).append(", ").append(rows.size()).append(rows.size() == 1 ? " stage, " : " stages, ")
                .append(manifest.microbatches()).append(manifest.microbatches() == 1 ? " microbatch\n" : " microbatches\n");
        sb.append(batchLine(manifest.batch())).append('\n');
        String[] head = {"stage", "core", "ops", "params", "param bytes", "const bytes", "recv B/mb", "send B/mb", "in", "out", "tied"};
        List<String[]> table = new ArrayList<>();
        table.add(head);
        for (StageRow r : rows) {
            table.add(new String[] {Integer.toString(r.stage()), Integer.toString(r.core()), Integer.toString(r.ops()), Long.toString(r.parameters()),
                Long.toString(r.parameterBytes()), Long.toString(r.constantBytes()), Long.toString(r.recvBytesPerMicrobatch()),
                Long.toString(r.sendBytesPerMicrobatch()), ids(r.channelsIn()), ids(r.channelsOut()), ids(r.tiedGroups())});
        }
        int[] width = new int[head.length];
        for (String[] row : table) for (int i = 0; i < row.length; i++) width[i] = Math.max(width[i], row[i].length());
        for (String[] row : table) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                if (i > 0) line.append("  ");
                // Numbers right-aligned, id lists left-aligned.
                line.append(i < 8 ? " ".repeat(width[i] - row[i].length()) + row[i] : row[i] + " ".repeat(width[i] - row[i].length()));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        for (StageRow r : rows) {
            sb.append("stage ").append(r.stage()).append(" holds ").append(r.blocks().isEmpty() ? "no block" : Names.printable(String.join(", ", r.blocks())));
            if (r.opsOutsideBlocks() > 0) sb.append(" and ").append(r.opsOutsideBlocks()).append(r.opsOutsideBlocks() == 1 ? " op" : " ops").append(" outside blocks");
            sb.append('\n');
        }
        for (BundleManifest.Channel c : manifest.channels()) {
            sb.append("channel ").append(c.id()).append(": stage ").append(c.src()).append(" -> stage ").append(c.dst()).append(", %").append(Names.printable(c.value()))
                    .append(' ').append(c.dtype()).append(c.shape()).append(", ").append(c.bytes()).append(" bytes\n");
        }
        for (BundleManifest.TiedGroup g : manifest.tiedGroups()) {
            sb.append("tied group ").append(g.id()).append(':');
            for (int i = 0; i < g.members().size(); i++) {
                BundleManifest.TiedMember m = g.members().get(i);
                sb.append(i > 0 ? "," : "").append(" stage ").append(m.stage()).append(" @").append(Names.printable(m.constant())).append(" (").append(m.relation()).append(')');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** {@code batch: input src axis 1 -> output out axis 1 (proven)}, or why a bundle runs one microbatch only. */
    private static String batchLine(BundleManifest.Batch batch) {
        List<String> in = new ArrayList<>(), out = new ArrayList<>();
        batch.inputs().forEach((name, axis) -> in.add(Names.printable(name) + " axis " + axis));
        batch.outputs().forEach((name, axis) -> out.add(Names.printable(name) + " axis " + axis));
        String inputs = (in.size() == 1 ? "input " : "inputs ") + String.join(", ", in);
        if (!batch.proven()) return "batch: " + inputs + ", not proven to keep samples apart, so it runs as 1 microbatch";
        return "batch: " + inputs + " -> " + (out.size() == 1 ? "output " : "outputs ") + String.join(", ", out) + " (proven)";
    }

    /**
     * The block a node name lies in: the item of the outermost module list on its module path,
     * {@code /encoder/layers.2/attn/MatMul} -> {@code encoder.layers.2}; null outside every list.
     */
    private static String blockOf(String location) {
        List<String> path = ModulePath.ofLocation(location);
        for (int k = 0; k < path.size(); k++) if (ModulePath.isIndex(path.get(k))) return String.join(".", path.subList(0, k + 1));
        return null;
    }

    private static String ids(List<Integer> ids) {
        if (ids.isEmpty()) return "-";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) sb.append(i > 0 ? "," : "").append(ids.get(i));
        return sb.toString();
    }
}
