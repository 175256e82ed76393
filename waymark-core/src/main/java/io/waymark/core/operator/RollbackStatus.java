package io.waymark.core.operator;

/** How a rollback ended. */
public enum RollbackStatus {
    /** The old content was republished, forced, as a new generation. */
    PUBLISHED,
    /** No such generation in history (never published, or cleaned up). */
    NOT_FOUND,
    /** The old plan's hash does not verify: its content is not what was published. */
    CORRUPT,
    /** Other publishers kept winning the compare-and-set; nothing published. */
    CONFLICT,
    /** The plan store could not be reached. */
    STORE_UNAVAILABLE
}
