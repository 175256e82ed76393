package io.waymark.core.role;

import io.waymark.core.history.CleanupResult;
import io.waymark.core.history.HistoryCleaner;
import java.util.Optional;

/**
 * History clean-up as a role: {@link #step} runs one {@link HistoryCleaner#clean()} when at least
 * {@code intervalNanos} passed since the last run (history grows slowly and a run reads every stamp,
 * so it runs far less often than it is stepped), else does nothing. The first step runs at once.
 */
public final class CleanerRole {
    private final HistoryCleaner cleaner;
    private final long intervalNanos;
    private final ConditionTracker condition = new ConditionTracker();
    private boolean ran;
    private long lastRunNanos;

    /**
     * @param result     the run's result, when one was due
     * @param transition present when the condition changed with this step: log it, once
     */
    public record Step(Optional<CleanupResult> result, RoleCondition condition, Optional<Transition> transition) {}

    public CleanerRole(HistoryCleaner cleaner, long intervalNanos) {
        if (cleaner == null) throw new IllegalArgumentException("cleaner role needs a cleaner");
        if (intervalNanos < 0) throw new IllegalArgumentException("intervalNanos must be >= 0, got " + intervalNanos);
        this.cleaner = cleaner;
        this.intervalNanos = intervalNanos;
    }

    public Step step(long nowNanos) {
        // Overflow-safe comparison of monotonic readings (System.nanoTime's contract).
        if (ran && nowNanos - lastRunNanos < intervalNanos) return new Step(Optional.empty(), condition.current(), Optional.empty());
        ran = true;
        lastRunNanos = nowNanos;
        CleanupResult r = cleaner.clean();
        RoleCondition c = r.error().isPresent()
                ? new RoleCondition(RoleCondition.Kind.STORE_UNAVAILABLE, "", "clean-up: " + r.error().get())
                : RoleCondition.ok("oldest served " + r.oldestServed() + ", deleted " + r.deleted().size());
        return new Step(Optional.of(r), c, condition.observe(c, nowNanos));
    }

    public RoleCondition condition() {
        return condition.current();
    }

    public long conditionSinceNanos() {
        return condition.sinceNanos();
    }
}
