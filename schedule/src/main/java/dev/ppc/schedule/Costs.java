package dev.ppc.schedule;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Costs of the work of one core's share of the model, in any time unit, as exact integer ticks.
 *
 * <p>Convention (that of the zero-bubble paper): {@code forward} is one forward pass,
 * {@code backward} is the input-gradient part of the backward (I), {@code weight} the
 * weight-gradient part (W). A schedule that does not split the backward runs B, which costs
 * {@code backward + weight}; ZB-H1 runs I at {@code backward} and W at {@code weight}. So
 * {@code --costs 1,1,1} describes the usual "backward is twice the forward" with the backward
 * half input-gradient and half weight-gradient, and 1F1B and ZB-H1 are compared on the same work.
 * {@code comm} is added to every message between a send and the matching receive.
 *
 * <p>These are costs per core's share: a schedule with S stages on p cores cuts that share into
 * S/p equal stages, so each stage's F costs {@code forward * p / S} (for interleaved 1F1B with v
 * virtual stages per core, {@code forward / v}); a message costs {@code comm} whatever the cut.
 * That convention is what makes the interleaved bubble {@code (p-1)/(v*m+p-1)}: same work, v
 * times finer grain.
 *
 * @param forward       F, in ticks (positive)
 * @param backward      I (the input-gradient part of B), in ticks (positive)
 * @param weight        W (the weight-gradient part of B), in ticks (non-negative)
 * @param comm          per-message communication delay, in ticks (non-negative)
 * @param ticksPerUnit  ticks per user time unit (positive)
 */
public record Costs(long forward, long backward, long weight, long comm, long ticksPerUnit) {
    /** F = 1, B = 1 (I = 1, W = 1: a full backward costs 2), no communication cost. */
    public static final Costs DEFAULT = of(1, 1, 1, 0);

    public Costs {
        if (forward <= 0 || backward <= 0 || weight < 0 || comm < 0 || ticksPerUnit <= 0)
            throw new ScheduleException("costs need F > 0, B > 0, W >= 0 and communication >= 0, got F=" + forward + " B=" + backward
                    + " W=" + weight + " comm=" + comm);
    }

    /** Whole-unit costs. */
    public static Costs of(long forward, long backward, long weight, long comm) {
        return new Costs(forward, backward, weight, comm, 1);
    }

    /** Whole-unit costs without communication cost. */
    public static Costs of(long forward, long backward, long weight) { return of(forward, backward, weight, 0); }

    /**
     * Parses {@code "F,B,W"} (decimals allowed, e.g. {@code "1,1.5,0.5"}) and a communication cost
     * ({@code null} or blank for 0). The error says what the expected form is.
     */
    public static Costs parse(String fbw, String comm) {
        String[] parts = fbw == null ? new String[0] : fbw.split(",", -1);
        if (parts.length != 3) throw badCosts(fbw, "expected three numbers F,B,W");
        BigDecimal[] values = new BigDecimal[4];
        for (int i = 0; i < 3; i++) values[i] = number(parts[i], fbw);
        values[3] = comm == null || comm.isBlank() ? BigDecimal.ZERO : number(comm, comm);
        if (values[0].signum() <= 0 || values[1].signum() <= 0 || values[2].signum() < 0)
            throw badCosts(fbw, "F and B must be positive and W must not be negative");
        if (values[3].signum() < 0) throw new ScheduleException("communication cost must not be negative, got '" + comm + "'");
        int scale = 0;
        for (BigDecimal v : values) scale = Math.max(scale, Math.max(0, v.stripTrailingZeros().scale()));
        if (scale > 9) throw badCosts(fbw, "use at most 9 decimal places");
        BigInteger ticksPerUnit = BigInteger.TEN.pow(scale);
        long[] ticks = new long[4];
        BigInteger gcd = ticksPerUnit;
        try {
            for (int i = 0; i < 4; i++) {
                ticks[i] = values[i].movePointRight(scale).toBigIntegerExact().longValueExact();
                gcd = gcd.gcd(BigInteger.valueOf(ticks[i]));
            }
        } catch (ArithmeticException e) {
            throw badCosts(fbw, "the numbers are too large");
        }
        long g = gcd.longValueExact();
        return new Costs(ticks[0] / g, ticks[1] / g, ticks[2] / g, ticks[3] / g, ticksPerUnit.longValueExact() / g);
    }

    private static BigDecimal number(String text, String context) {
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw badCosts(context, "'" + text.trim() + "' is not a number");
        }
    }

    private static ScheduleException badCosts(String given, String why) {
        return new ScheduleException("bad costs '" + given + "': " + why + " (e.g. 1,1,1 or 1,2,0)");
    }

    /**
     * The cost model for {@code schedule}: every stage gets {@code p/S} of these costs (see the
     * class comment). Ticks are rescaled so that this stays an integer.
     */
    public CostModel modelFor(Schedule schedule) {
        long stages = schedule.stageCount();
        long cores = schedule.cores();
        long g = Fraction.gcd(stages, cores);
        long perStage = cores / g; // a stage's cost, in the new ticks, per old tick of a core's share
        long perUnit = stages / g; // new ticks per old tick
        long f = Math.multiplyExact(forward, perStage);
        long i = Math.multiplyExact(backward, perStage);
        long w = Math.multiplyExact(weight, perStage);
        long c = Math.multiplyExact(comm, perUnit);
        long tpu = Math.multiplyExact(ticksPerUnit, perUnit);
        String text = describe();
        return new CostModel() {
            @Override public long ticksPerUnit() { return tpu; }

            @Override public long duration(Action action) {
                return switch (action.type()) {
                    case F -> f;
                    case B -> i + w;
                    case I -> i;
                    case W -> w;
                    case REDUCE_TIED -> c;
                    default -> 0;
                };
            }

            @Override public long messageDelay(Action send) { return c; }

            @Override public String describe() { return text; }
        };
    }

    /** {@code "F=1 B=1 W=1 comm=0"}, in user units. */
    public String describe() {
        return "F=" + units(forward) + " B=" + units(backward) + " W=" + units(weight) + " comm=" + units(comm);
    }

    private String units(long ticks) {
        return new BigDecimal(BigInteger.valueOf(ticks)).divide(BigDecimal.valueOf(ticksPerUnit)).stripTrailingZeros().toPlainString();
    }
}
