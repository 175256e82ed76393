package io.waymark.core.planner;

/** How a planner tick ended. */
public enum PlannerStatus {
    /** A new generation was published. */
    PUBLISHED,
    /** The computed record sets equal the latest plan's: nothing published. */
    UNCHANGED,
    /**
     * No endpoint has anything to serve yet (no plan, and no target known UP): nothing published.
     * Nothing is published that depends on a target nobody has probed.
     */
    AWAITING_HEALTH,
    /** Operators pinned the plan: nothing computed, nothing published. */
    PINNED,
    /** Another publisher won the compare-and-set on the latest generation: nothing published; the next tick recomputes. */
    CONFLICT,
    /**
     * An always-on check refused the computed draft (it would have emptied an address family that an
     * endpoint serves): nothing published, and the result's error says which. A bug, to count and report.
     */
    CHECK_FAILED,
    /** The plan store could not be reached: nothing published. */
    STORE_UNAVAILABLE
}
