package io.waymark.core.model;

/**
 * What the health checks say about one target. Three states, never two: a target nobody has probed
 * yet (after a start, a restart, a planner fail-over) is {@link #UNKNOWN}, which is not {@link #DOWN}.
 * The planner keeps an unknown target that is served, does not add one that is not, and never spends
 * velocity budget on it (DESIGN.md, "Unknown is not down").
 */
public enum Health {
    /** Not probed yet, or its probes have not decided: keep what is served. */
    UNKNOWN,
    /** Its health check passes. */
    UP,
    /** Its health check fails. */
    DOWN;

    /** UP or DOWN from a decided probe result. */
    public static Health of(boolean healthy) {
        return healthy ? UP : DOWN;
    }
}
