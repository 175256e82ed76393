package io.waymark.core.role;

/**
 * The state a role's last step left it in, for logs and status views.
 *
 * @param kind   what kind of state
 * @param key    what distinguishes two states of the same kind worth reporting apart (a refusal of
 *               g7 is news after a refusal of g6; the tenth "record store unavailable" is not): two
 *               conditions are the {@link #same} when kind and key match, whatever the detail says
 * @param detail for humans: what happened, in one line
 */
public record RoleCondition(Kind kind, String key, String detail) {
    public enum Kind {
        /** Working normally (including "nothing to do"). */
        OK,
        /** The kill switch is on (enactors) or the plan is pinned (planner): by operator choice. */
        HELD,
        /** The plan store holds no plan yet. */
        NO_PLAN,
        /** A guard refused the latest plan; it stays refused until a newer or a forced plan arrives. */
        REFUSED,
        /** A store could not be read or written; the role retries at its next step. */
        STORE_UNAVAILABLE,
        /** The step threw: a bug. The role is stepped again; the first such failure is worth a stack trace. */
        FAILED
    }

    public static final RoleCondition STARTING = new RoleCondition(Kind.OK, "starting", "not run yet");

    public RoleCondition {
        if (kind == null || key == null || detail == null) throw new IllegalArgumentException("a condition needs a kind, a key and a detail");
    }

    public static RoleCondition ok(String detail) {
        return new RoleCondition(Kind.OK, "", detail);
    }

    /** Same kind and key: a repetition, not news. */
    public boolean same(RoleCondition other) {
        return other != null && kind == other.kind && key.equals(other.key);
    }

    /** Anything an operator should look at (not OK, not an operator's own hold, not the empty start). */
    public boolean trouble() {
        return kind == Kind.REFUSED || kind == Kind.STORE_UNAVAILABLE || kind == Kind.FAILED;
    }

    @Override
    public String toString() {
        return kind + (detail.isEmpty() ? "" : ": " + detail);
    }
}
