package io.waymark.core.port;

import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;

/** Result of {@link PlanStore#publish}: the new plan, or the generation that beat us to it. */
public sealed interface PublishOutcome {
    record Published(Plan plan) implements PublishOutcome {}

    /** The latest generation was not the expected one: someone else published first. Nothing written. */
    record Conflict(Generation actualLatest) implements PublishOutcome {}
}
