package io.waymark.core.role;

/**
 * A role's condition changed at {@code atNanos}: the one moment worth a log line (issue 7, defect 15).
 * {@link #recovered()} when trouble ended, {@link #troubleStarted()} when it began or changed kind.
 */
public record Transition(RoleCondition from, RoleCondition to, long atNanos) {
    public Transition {
        if (from == null || to == null) throw new IllegalArgumentException("a transition goes from a condition to another");
        if (from.same(to)) throw new IllegalArgumentException("not a transition: " + from + " -> " + to);
    }

    public boolean recovered() {
        return from.trouble() && !to.trouble();
    }

    public boolean troubleStarted() {
        return to.trouble();
    }

    @Override
    public String toString() {
        return from.kind() + " -> " + to;
    }
}
