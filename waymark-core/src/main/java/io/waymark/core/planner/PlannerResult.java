package io.waymark.core.planner;

import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import java.util.List;
import java.util.Optional;

/**
 * What one planner tick did, for callers to log and count.
 *
 * @param latestBefore  the latest generation the tick started from ({@link Generation#ZERO} if none or unknown)
 * @param published     the plan published, when status is PUBLISHED
 * @param safetyEvents  every safety rule that fired, per endpoint (also when nothing was published)
 * @param error         what went wrong, when status is STORE_UNAVAILABLE, CONFLICT or CHECK_FAILED
 */
public record PlannerResult(PlannerStatus status, Generation latestBefore, Optional<Plan> published,
                            List<SafetyEvent> safetyEvents, Optional<String> error) {
    public PlannerResult {
        if (status == null || latestBefore == null || published == null || safetyEvents == null || error == null) {
            throw new IllegalArgumentException("planner result parts must not be null");
        }
        if (published.isPresent() != (status == PlannerStatus.PUBLISHED)) throw new IllegalArgumentException("a published plan comes with status PUBLISHED and only then");
        safetyEvents = List.copyOf(safetyEvents);
    }
}
