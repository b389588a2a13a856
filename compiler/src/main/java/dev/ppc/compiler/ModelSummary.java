package dev.ppc.compiler;

import dev.ppc.ir.Function;
import dev.ppc.ir.Module;
import dev.ppc.ir.Names;
import dev.ppc.ir.Op;
import dev.ppc.ir.TensorType;
import dev.ppc.ir.Value;
import dev.ppc.ir.text.IrPrinter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code ppc inspect} reports about a module: signature, opsets, op histogram, the
 * parameters (constants referenced by the entry function) with their element count and bytes,
 * and the ops the CPU backend cannot run ({@code unsupportedOps}, null when it runs them all;
 * with symbolic shapes only the op types are judged, not their dtypes).
 */
public record ModelSummary(String name, Map<String, Integer> opsets, List<Signature> inputs, List<Signature> outputs,
                           Map<String, Integer> opHistogram, int opCount, long parameterCount, long parameterBytes,
                           int constantTensors, long constantBytes, String unsupportedOps) {

    /** A named input or output and its type in text form. */
    public record Signature(String name, String type) {}

    public static ModelSummary of(Module m) {
        Function f = m.main();
        List<Signature> ins = new ArrayList<>();
        for (Value p : f.params()) ins.add(new Signature(p.name(), IrPrinter.type(p.type())));
        List<Signature> outs = new ArrayList<>();
        for (Function.Output o : f.outputs()) outs.add(new Signature(o.name(), IrPrinter.type(o.value().type())));
        Map<String, Integer> hist = new TreeMap<>();
        Set<String> referenced = new HashSet<>();
        int ops = 0;
        for (Op op : f.ops()) {
            if (op.is("ppc", "constant")) {
                referenced.add(op.stringAttr("name", ""));
                continue;
            }
            hist.merge(op.qualifiedName(), 1, Integer::sum);
            ops++;
        }
        long params = 0, paramBytes = 0, constBytes = 0;
        int consts = 0;
        for (Module.Constant c : m.constants().values()) {
            if (!referenced.contains(c.name())) continue;
            TensorType t = c.data().type();
            long bytes = dev.ppc.ir.TensorData.expectedBytes(t);
            if (c.parameter()) {
                params += t.numel();
                paramBytes += bytes;
            } else {
                consts++;
                constBytes += bytes;
            }
        }
        return new ModelSummary(m.name(), new LinkedHashMap<>(m.opsetImports()), ins, outs, hist, ops, params, paramBytes, consts, constBytes,
                BackendSupport.unsupportedOps(m));
    }

    /** The human-readable form printed by {@code ppc inspect}; names are escaped so each stays on its line. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("model ").append(Names.printable(name)).append("  opsets ");
        opsets.forEach((d, v) -> sb.append(d.isEmpty() ? "ai.onnx" : d).append('=').append(v).append(' '));
        sb.append('\n');
        sb.append("inputs:\n");
        for (Signature s : inputs) sb.append("  ").append(Names.printable(s.name())).append(": ").append(s.type()).append('\n');
        sb.append("outputs:\n");
        for (Signature s : outputs) sb.append("  ").append(Names.printable(s.name())).append(": ").append(s.type()).append('\n');
        sb.append(String.format("parameters: %,d (%s)%n", parameterCount, bytes(parameterBytes)));
        sb.append(String.format("other constants: %d tensors (%s)%n", constantTensors, bytes(constantBytes)));
        sb.append("ops: ").append(opCount).append('\n');
        opHistogram.entrySet().stream().sorted((a, b) -> b.getValue() != a.getValue().intValue() ? b.getValue() - a.getValue() : a.getKey().compareTo(b.getKey()))
                .forEach(e -> sb.append(String.format("  %-24s %d%n", e.getKey(), e.getValue())));
        sb.append(unsupportedOps == null ? "every op is supported by the " + BackendSupport.TARGET + " backend" : unsupportedOps).append('\n');
        return sb.toString();
    }

    static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024 * 1024) return String.format("%.1f KiB", b / 1024.0);
        if (b < 1024L * 1024 * 1024) return String.format("%.1f MiB", b / (1024.0 * 1024));
        return String.format("%.2f GiB", b / (1024.0 * 1024 * 1024));
    }
}
