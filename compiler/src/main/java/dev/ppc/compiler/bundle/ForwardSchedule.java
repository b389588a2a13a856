package dev.ppc.compiler.bundle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The forward-only (inference) schedule written to a bundle's {@code schedule.json}: stage k on
 * core k, and on each core, for each microbatch in order, a {@code RECV_F} from every stage it
 * receives from, the forward {@code F}, then a {@code SEND_F} to every stage it sends to (one
 * action per peer stage, carrying all of that pair's channels). The format:
 * <pre>
 * {"format": "ppc-schedule", "version": 1, "kind": "forward", "stages": P, "microbatches": M,
 *  "cores": [{"core": 0, "actions": [{"type": "F", "stage": 0, "microbatch": 0},
 *                                    {"type": "SEND_F", "stage": 0, "microbatch": 0, "peer_stage": 1}, ...]}]}
 * </pre>
 * Every send is matched by a receive of the same (stage pair, microbatch), and since channels only
 * run forward, the order cannot deadlock. Training schedules (GPipe, 1F1B, ...) come from the
 * schedule module; this one covers what the compiler emits today.
 */
final class ForwardSchedule {
    private ForwardSchedule() {}

    static byte[] toJson(BundleManifest manifest) {
        int stages = manifest.stages().size();
        List<TreeSet<Integer>> from = new ArrayList<>(), to = new ArrayList<>();
        for (int s = 0; s < stages; s++) {
            from.add(new TreeSet<>());
            to.add(new TreeSet<>());
        }
        for (BundleManifest.Channel c : manifest.channels()) {
            from.get(c.dst()).add(c.src());
            to.get(c.src()).add(c.dst());
        }
        List<Map<String, Object>> cores = new ArrayList<>();
        for (BundleManifest.Stage s : manifest.stages()) {
            List<Map<String, Object>> actions = new ArrayList<>();
            for (int mb = 0; mb < manifest.microbatches(); mb++) {
                for (int peer : from.get(s.stage())) actions.add(action("RECV_F", s.stage(), mb, peer));
                actions.add(action("F", s.stage(), mb, -1));
                for (int peer : to.get(s.stage())) actions.add(action("SEND_F", s.stage(), mb, peer));
            }
            Map<String, Object> core = new LinkedHashMap<>();
            core.put("core", s.core());
            core.put("actions", actions);
            cores.add(core);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", "ppc-schedule");
        doc.put("version", 1);
        doc.put("kind", "forward");
        doc.put("stages", stages);
        doc.put("microbatches", manifest.microbatches());
        doc.put("cores", cores);
        return BundleJson.pretty(doc);
    }

    private static Map<String, Object> action(String type, int stage, int microbatch, int peer) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("type", type);
        a.put("stage", stage);
        a.put("microbatch", microbatch);
        if (peer >= 0) a.put("peer_stage", peer);
        return a;
    }
}
