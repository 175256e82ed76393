package io.waymark.adapters.health;

import io.waymark.core.model.Health;

/**
 * The health of one target as its probes have shown it: a pure state machine over probe results.
 * Before the first probe the state is {@link Health#UNKNOWN} (and stays so until a probe ends, whatever
 * its outcome: unknown is not down); the first result decides directly (there is no history to be
 * cautious about); after that, rise/fall consecutive results are needed to flip.
 */
public record TargetHealth(Health state, int consecutivePasses, int consecutiveFails, long probes) {
    public static final TargetHealth UNKNOWN = new TargetHealth(Health.UNKNOWN, 0, 0, 0);
    /** Counters saturate: they only ever need to reach {@link CheckPolicy#COUNT_MAX}. */
    private static final int COUNTER_MAX = 1_000_000;

    public TargetHealth {
        if (state == null) throw new IllegalArgumentException("state must not be null");
        if (consecutivePasses < 0 || consecutiveFails < 0 || probes < 0) throw new IllegalArgumentException("counters must be >= 0");
        if (consecutivePasses > 0 && consecutiveFails > 0) throw new IllegalArgumentException("a target cannot both pass and fail consecutively");
        if ((state == Health.UNKNOWN) != (probes == 0)) throw new IllegalArgumentException("a target is UNKNOWN exactly until its first probe ends, got " + state + " after " + probes + " probes");
    }

    public TargetHealth observe(boolean pass, CheckPolicy policy) {
        int passes = pass ? Math.min(consecutivePasses + 1, COUNTER_MAX) : 0;
        int fails = pass ? 0 : Math.min(consecutiveFails + 1, COUNTER_MAX);
        boolean nowHealthy;
        if (!known()) nowHealthy = pass;
        else if (healthy()) nowHealthy = fails < policy.fall();
        else nowHealthy = passes >= policy.rise();
        return new TargetHealth(Health.of(nowHealthy), passes, fails, probes == Long.MAX_VALUE ? probes : probes + 1);
    }

    /** True once a probe has ended. */
    public boolean known() {
        return state != Health.UNKNOWN;
    }

    /** True when UP (false when DOWN or UNKNOWN). */
    public boolean healthy() {
        return state == Health.UP;
    }

    /** True when this result flipped the state (or made it known). */
    public boolean changedFrom(TargetHealth before) {
        return state != before.state;
    }
}
