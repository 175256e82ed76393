package io.waymark.core.enactor;

/** Why an enactor refused to apply the latest plan at all (it then writes nothing this tick). */
public enum RefusalReason {
    /** The plan's stored hash does not match its content: corrupted at rest or in transit. */
    CORRUPT_PLAN,
    /** A record set is empty or its weights sum to zero (defence in depth: RecordSet forbids it). */
    EMPTY_RECORD_SET,
    /** The plan removes more of what is served than the change threshold allows, and is not forced. */
    CHANGE_THRESHOLD
}
