package io.waymark.core.planner;

/** How a planner tick ended. */
public enum PlannerStatus {
    /** A new generation was published. */
    PUBLISHED,
    /** The computed record sets equal the latest plan's: nothing published. */
    UNCHANGED,
    /** Operators pinned the plan: nothing computed, nothing published. */
    PINNED,
    /** Another publisher won the compare-and-set on the latest generation: nothing published; the next tick recomputes. */
    CONFLICT,
    /** The plan store could not be reached: nothing published. */
    STORE_UNAVAILABLE
}
