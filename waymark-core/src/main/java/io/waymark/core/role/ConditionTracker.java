package io.waymark.core.role;

import java.util.Optional;

/**
 * Remembers a role's condition and since when, and turns a stream of per-step conditions into the
 * few {@link Transition}s worth reporting. Not thread-safe (one per role, driven by its caller).
 *
 * <p>Rules: a change into trouble, or between two conditions that are not trouble, is reported at
 * once. Leaving trouble is reported only once the new condition has held for {@code settleNanos}: a
 * store that works for a moment after each reopen and fails again (disk still full) would otherwise
 * be reported as recovered and failed again on every cycle. Coming back to the trouble last reported
 * within that time is no news at all.
 */
public final class ConditionTracker {
    /** How long leaving trouble must hold before it is reported as a recovery. */
    public static final long SETTLE_NANOS_DEFAULT = 5_000_000_000L;
    private static final long NONE = Long.MIN_VALUE;

    private final long settleNanos;
    private RoleCondition current = RoleCondition.STARTING;
    private RoleCondition reported = RoleCondition.STARTING;
    private long sinceNanos;
    private long leftTroubleAt = NONE;
    private boolean started;

    public ConditionTracker() {
        this(SETTLE_NANOS_DEFAULT);
    }

    public ConditionTracker(long settleNanos) {
        if (settleNanos < 0) throw new IllegalArgumentException("settleNanos must be >= 0, got " + settleNanos);
        this.settleNanos = settleNanos;
    }

    /** Records {@code next} as the condition at {@code nowNanos}; a transition only when it is news (see the class comment). */
    public Optional<Transition> observe(RoleCondition next, long nowNanos) {
        if (next == null) throw new IllegalArgumentException("condition must not be null");
        if (!started) {
            started = true;
            sinceNanos = nowNanos;
            RoleCondition before = current;
            current = next;
            reported = next;
            // Starting into OK is not news; starting into anything else is.
            return next.kind() == RoleCondition.Kind.OK ? Optional.empty() : Optional.of(new Transition(before, next, nowNanos));
        }
        if (!current.same(next)) sinceNanos = nowNanos;
        current = next; // the freshest detail, for status views
        if (reported.same(next)) {
            leftTroubleAt = NONE; // back to what was last reported: nothing new
            return Optional.empty();
        }
        if (reported.trouble() && !next.trouble()) {
            if (leftTroubleAt == NONE) leftTroubleAt = nowNanos;
            if (nowNanos - leftTroubleAt < settleNanos) return Optional.empty();
        }
        return Optional.of(report(next, nowNanos));
    }

    private Transition report(RoleCondition next, long nowNanos) {
        Transition t = new Transition(reported, next, nowNanos);
        reported = next;
        leftTroubleAt = NONE;
        return t;
    }

    public RoleCondition current() {
        return current;
    }

    /** When the current condition began (a reading of the caller's clock). */
    public long sinceNanos() {
        return sinceNanos;
    }
}
