package io.waymark.core.planner;

/** The planner's safety rules, as reported when one of them changed what would have been published. */
public enum SafetyRule {
    /** Every target unhealthy: the last known good record set is kept. */
    FAIL_OPEN,
    /** Healthy capacity below the minimum fraction: nothing removed. */
    MIN_HEALTHY_FRACTION,
    /** Removing every unhealthy target would exceed the capacity removal budget of the window. */
    VELOCITY,
    /** The record set would have been empty (fail open switched off): the last known good one is kept. */
    NEVER_EMPTY,
    /**
     * Removing everything the other rules allow in one plan would exceed the enactors' change threshold
     * (or empty an address family): the change is stepped over several plans, or waits for a forced publish.
     */
    CHANGE_THRESHOLD,
    /**
     * An endpoint retired at the latest plan is configured again: the store brings a retired endpoint back
     * only with a plan above its tombstone, so the same content is republished as a new generation.
     */
    RETIRED_RETURNS
}
