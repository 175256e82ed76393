package io.waymark.core.role;

import java.util.Optional;

/**
 * Remembers a role's condition and since when, and turns a stream of per-step conditions into the
 * few {@link Transition}s worth reporting. Not thread-safe (one per role, driven by its caller).
 */
public final class ConditionTracker {
    private RoleCondition current = RoleCondition.STARTING;
    private long sinceNanos;
    private boolean started;

    /** Records {@code next} as the condition at {@code nowNanos}; a transition only when it differs. */
    public Optional<Transition> observe(RoleCondition next, long nowNanos) {
        if (next == null) throw new IllegalArgumentException("condition must not be null");
        if (!started) {
            started = true;
            sinceNanos = nowNanos;
            RoleCondition before = current;
            current = next;
            // Starting into OK is not news; starting into anything else is.
            return next.kind() == RoleCondition.Kind.OK ? Optional.empty() : Optional.of(new Transition(before, next, nowNanos));
        }
        if (current.same(next)) {
            current = next; // keep the freshest detail for status views
            return Optional.empty();
        }
        Transition t = new Transition(current, next, nowNanos);
        current = next;
        sinceNanos = nowNanos;
        return Optional.of(t);
    }

    public RoleCondition current() {
        return current;
    }

    /** When the current condition began (a reading of the caller's clock). */
    public long sinceNanos() {
        return sinceNanos;
    }
}
