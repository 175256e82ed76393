package io.waymark.core.enactor;

/** How a tick ended, before counting what it wrote. */
public enum TickStatus {
    /** The kill switch is on: nothing read beyond the flags, nothing written. */
    PAUSED,
    /** The plan store holds no plan yet. */
    NO_PLAN,
    /** A guard refused the latest plan; see {@link TickResult#refusal()}. */
    REFUSED,
    /** A store could not be read before any decision (flags, latest plan, the change guard's reads): nothing written. */
    STORE_UNAVAILABLE,
    /** The tick walked its share of endpoints; the counts say what happened to each. */
    WORKED
}
