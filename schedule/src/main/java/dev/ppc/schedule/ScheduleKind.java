package dev.ppc.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The families of schedules ppc generates, plus {@link #CUSTOM} for imported ones. */
public enum ScheduleKind {
    /** Inference: forwards only, each core streams microbatches through its stages. */
    FORWARD("forward", true),
    /** GPipe (fill-drain): all forwards, then all backwards. */
    GPIPE("gpipe", true),
    /** 1F1B (PipeDream-flush), as in Megatron-LM and NeuronxDistributed. */
    ONE_F_ONE_B("1f1b", true),
    /** Megatron's interleaved 1F1B (virtual pipeline): core r holds stages r, r+p, r+2p, ... */
    INTERLEAVED("interleaved", true),
    /** ZB-H1 (Qi et al., Zero Bubble Pipeline Parallelism, 2024): W moved into 1F1B's bubble. */
    ZB_H1("zb-h1", true),
    /** A schedule that was imported (from PyTorch's CSV notation or a hand-written schedule.json). */
    CUSTOM("custom", false);

    private final String cliName;
    private final boolean generated;

    ScheduleKind(String cliName, boolean generated) {
        this.cliName = cliName;
        this.generated = generated;
    }

    /** The name used by {@code --kind} and in {@code schedule.json}. */
    public String cliName() { return cliName; }

    /** Whether ppc can generate this kind (everything but {@link #CUSTOM}). */
    public boolean isGenerated() { return generated; }

    /** Whether schedules of this kind train (have backward passes). */
    public boolean isTraining() { return this != FORWARD; }

    /** Parses a {@link #cliName()}, case-insensitively; the error lists what is accepted. */
    public static ScheduleKind parse(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (ScheduleKind k : values()) {
            if (k.cliName.equals(wanted)) return k;
        }
        throw new ScheduleException("unknown schedule kind '" + name + "'; expected one of " + generatedNames());
    }

    /** {@code "forward, gpipe, 1f1b, interleaved, zb-h1"}. */
    public static String generatedNames() {
        return Arrays.stream(values()).filter(ScheduleKind::isGenerated).map(ScheduleKind::cliName)
                .collect(Collectors.joining(", "));
    }

    @Override
    public String toString() { return cliName; }
}
