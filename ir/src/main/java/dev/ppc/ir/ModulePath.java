package dev.ppc.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch module paths ({@code encoder.layers.3.self_attn}) recovered from ONNX node names, and
 * from the way users write them in {@code --cuts}.
 *
 * <p>{@code torch.onnx.export} (1.13 and later) names a node after the modules that were called
 * to compute it, one {@code /}-separated segment per called module, each segment the module's
 * <em>unqualified</em> name: the qualified name from its last non-numeric atom on. So
 * {@code encoder.layers.0.self_attn} becomes {@code /encoder/layers.0/self_attn/MatMul} (a
 * {@code ModuleList} is never called, so {@code layers} gets no segment of its own), while the
 * items of a called {@code nn.Sequential} repeat its name: {@code layer1.0} becomes
 * {@code /layer1/layer1.0/conv1/Conv}. Other exporters give list indices a segment of their own
 * ({@code /layers/0/attn/MatMul}). {@link #ofSegments} turns all three forms into the same dotted
 * path, which is the name a PyTorch user knows the module by. Cut specifications resolve names
 * with it, and bundle summaries name the blocks a stage holds with it.
 */
public final class ModulePath {
    private ModulePath() {}

    /**
     * The module path of a node name, as atoms: {@code /encoder/layers.0/attn/MatMul} gives
     * [encoder, layers, 0, attn]. Empty for a name that is not a {@code /}-path or has an empty
     * segment; the last segment (the op's own name) is not part of the path.
     */
    public static List<String> ofLocation(String location) {
        if (location == null || !location.startsWith("/")) return List.of();
        String[] parts = location.substring(1).split("/", -1);
        List<String> segments = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].isEmpty()) return List.of();
            segments.add(parts[i]);
        }
        return ofSegments(segments);
    }

    /**
     * Joins scope segments into one module path. A segment of several atoms whose leading atoms
     * repeat the end of the path so far ({@code layer1} then {@code layer1.0}, {@code blocks.0}
     * then {@code blocks.0.1}) is a {@code Sequential}'s item and adds only its new atoms; any
     * other segment adds all of its atoms ({@code encoder} then {@code layers.0}, {@code layers}
     * then {@code 0}).
     */
    public static List<String> ofSegments(List<String> segments) {
        List<String> path = new ArrayList<>();
        for (String segment : segments) {
            String[] atoms = segment.split("\\.", -1);
            int overlap = 0;
            for (int k = Math.min(path.size(), atoms.length - 1); k >= 1; k--) {
                if (path.subList(path.size() - k, path.size()).equals(List.of(atoms).subList(0, k))) {
                    overlap = k;
                    break;
                }
            }
            for (int i = overlap; i < atoms.length; i++) path.add(atoms[i]);
        }
        return path;
    }

    /**
     * The dotted module path a {@code --cuts} item names: {@code encoder.layers.3},
     * {@code encoder/layers.3}, {@code /encoder/layers/3} and {@code layer1/layer1.0} are read
     * as node-name scopes would be, so each gives the same path as the nodes it means.
     */
    public static String ofUserText(String text) {
        String t = text.startsWith("/") ? text.substring(1) : text;
        if (!t.contains("/")) return t;
        return String.join(".", ofSegments(List.of(t.split("/", -1))));
    }

    /** Whether an atom is a list index ({@code 0}, {@code 11}). */
    public static boolean isIndex(String atom) {
        if (atom.isEmpty()) return false;
        for (int i = 0; i < atom.length(); i++) if (atom.charAt(i) < '0' || atom.charAt(i) > '9') return false;
        return true;
    }
}
