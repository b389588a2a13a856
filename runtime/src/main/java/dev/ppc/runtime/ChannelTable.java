package dev.ppc.runtime;

import dev.ppc.schedule.Schedule;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The pipeline's channels by id, each set up as local or cross-core from the schedule's placement. */
final class ChannelTable {
    private final Map<Integer, Channel> byId = new LinkedHashMap<>();

    ChannelTable(PipelineSpec spec) {
        Schedule schedule = spec.schedule();
        for (ChannelSpec ch : spec.channels()) {
            boolean local = schedule.stageToCore(ch.srcStage()) == schedule.stageToCore(ch.dstStage());
            byId.put(ch.id(), new Channel(ch, local, spec.microbatches()));
        }
    }

    Channel get(int id) {
        Channel ch = byId.get(id);
        if (ch == null) throw new IllegalArgumentException("no channel " + id);
        return ch;
    }

    Collection<Channel> all() { return Collections.unmodifiableCollection(byId.values()); }

    /** Wakes every receiver, so that a cancelled run ends promptly on every core. */
    void wakeAll() {
        for (Channel ch : byId.values()) ch.wake();
    }

    /** Tensors allocated over all channels so far. */
    int allocatedBuffers() {
        int n = 0;
        for (Channel ch : byId.values()) n += ch.pool().allocated();
        return n;
    }

    /** Drops every channel's buffers. */
    void release() {
        for (Channel ch : byId.values()) ch.pool().clear();
    }
}
