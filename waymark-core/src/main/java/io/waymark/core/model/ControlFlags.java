package io.waymark.core.model;

/**
 * Operator switches kept in the plan store. {@code paused} is the kill switch: enactors write nothing.
 * {@code pinned}: the planner publishes nothing (operators hold the current plan).
 */
public record ControlFlags(boolean paused, boolean pinned) {
    public static final ControlFlags NONE = new ControlFlags(false, false);

    public ControlFlags withPaused(boolean p) {
        return new ControlFlags(p, pinned);
    }

    public ControlFlags withPinned(boolean p) {
        return new ControlFlags(paused, p);
    }
}
