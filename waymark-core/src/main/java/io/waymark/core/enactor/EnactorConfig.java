package io.waymark.core.enactor;

/**
 * Limits and thresholds of one enactor.
 *
 * <p>Build by name from {@link #DEFAULTS} with the {@code with…} methods rather than
 * with six positional values.
 *
 * @param endpointsPerTickMax   stamps read per tick at most (bounded work per tick); the enactor walks
 *                              its shuffled order from a cursor, so every endpoint of a plan is visited
 *                              within ceil(endpoints / endpointsPerTickMax) ticks
 * @param applyBatchSize        conditional applies handed to the record store in one call, so that an
 *                              embedded store can group-commit them (one fsync, one snapshot swap)
 * @param conflictRetriesMax    re-reads of one endpoint after a CONFLICT within one tick; past that the
 *                              endpoint is left to the next tick
 * @param changeThreshold       largest accepted fraction of served addresses that a plan removes
 *                              (octoDNS' 30% rule, see {@link ChangeGuard}); forced plans skip it
 * @param changeGuardMinServed  the change threshold is judged only when at least this many addresses
 *                              are served across the plan's endpoints (octoDNS: 10), because removing
 *                              one address of three is a 33% change that nobody should need to force
 * @param errorDetailsMax       error messages kept in a TickResult (counts are always exact)
 */
public record EnactorConfig(int endpointsPerTickMax, int applyBatchSize, int conflictRetriesMax,
                            double changeThreshold, int changeGuardMinServed, int errorDetailsMax) {
    public static final EnactorConfig DEFAULTS = new EnactorConfig(100_000, 4096, 3, 0.30, 10, 8);

    public EnactorConfig {
        if (endpointsPerTickMax < 1) throw new IllegalArgumentException("endpointsPerTickMax must be >= 1, got " + endpointsPerTickMax);
        if (applyBatchSize < 1) throw new IllegalArgumentException("applyBatchSize must be >= 1, got " + applyBatchSize);
        if (conflictRetriesMax < 0 || conflictRetriesMax > 100) throw new IllegalArgumentException("conflictRetriesMax must be in 0..100, got " + conflictRetriesMax);
        if (!(changeThreshold >= 0.0 && changeThreshold <= 1.0)) throw new IllegalArgumentException("changeThreshold must be in 0..1, got " + changeThreshold);
        if (changeGuardMinServed < 0) throw new IllegalArgumentException("changeGuardMinServed must be >= 0, got " + changeGuardMinServed);
        if (errorDetailsMax < 0) throw new IllegalArgumentException("errorDetailsMax must be >= 0, got " + errorDetailsMax);
    }

    /** The change guard these enactors apply; the planner steps its plans to pass it. */
    public ChangeGuard changeGuard() {
        return new ChangeGuard(changeThreshold, changeGuardMinServed);
    }

    public EnactorConfig withEndpointsPerTickMax(int v) {
        return new EnactorConfig(v, applyBatchSize, conflictRetriesMax, changeThreshold, changeGuardMinServed, errorDetailsMax);
    }

    public EnactorConfig withApplyBatchSize(int v) {
        return new EnactorConfig(endpointsPerTickMax, v, conflictRetriesMax, changeThreshold, changeGuardMinServed, errorDetailsMax);
    }

    public EnactorConfig withConflictRetriesMax(int v) {
        return new EnactorConfig(endpointsPerTickMax, applyBatchSize, v, changeThreshold, changeGuardMinServed, errorDetailsMax);
    }

    public EnactorConfig withErrorDetailsMax(int v) {
        return new EnactorConfig(endpointsPerTickMax, applyBatchSize, conflictRetriesMax, changeThreshold, changeGuardMinServed, v);
    }

    public EnactorConfig withChangeThreshold(double v, int minServed) {
        return new EnactorConfig(endpointsPerTickMax, applyBatchSize, conflictRetriesMax, v, minServed, errorDetailsMax);
    }
}
