package io.waymark.core.operator;

/** How a rollback ended. */
public enum RollbackStatus {
    /** The old content was republished, forced, as a new generation. */
    PUBLISHED,
    /** No such generation in history (never published, or cleaned up). */
    NOT_FOUND,
    /**
     * The old plan would leave an endpoint that the latest plan serves without an address family it
     * serves (A or AAAA answers turning into NOERROR with no records, I1): nothing published. Dropping a
     * family on purpose is a forced publish with a reason.
     */
    EMPTIES_A_FAMILY,
    /**
     * The old plan holds no endpoint that is still configured (or, without a configuration, in the
     * latest plan): republishing it would serve nothing but endpoints that left: nothing published.
     */
    NOTHING_CONFIGURED,
    /** The old plan's hash does not verify: its content is not what was published. */
    CORRUPT,
    /** Other publishers kept winning the compare-and-set; nothing published. */
    CONFLICT,
    /** The plan store could not be reached. */
    STORE_UNAVAILABLE
}
