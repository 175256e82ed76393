package io.waymark.core.model;

import java.util.HashMap;
import java.util.Map;

/**
 * The health input: for each target id, what its health check says. A target without an entry is
 * {@link Health#UNKNOWN} — never down: at a cold start, after a restart or a planner fail-over every
 * target is unknown, and the planner then keeps what is served (DESIGN.md, "Unknown is not down").
 */
public record HealthObservations(Map<String, Health> byTargetId) {
    public static final HealthObservations NONE = new HealthObservations(Map.of());

    public HealthObservations {
        if (byTargetId == null) throw new IllegalArgumentException("health observations must not be null");
        for (Map.Entry<String, Health> e : byTargetId.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) throw new IllegalArgumentException("health observations hold no null target id or state");
        }
        byTargetId = Map.copyOf(byTargetId);
    }

    /** From decided probe results (true = UP, false = DOWN); targets not listed stay UNKNOWN. */
    public static HealthObservations ofDecided(Map<String, Boolean> healthyByTargetId) {
        Map<String, Health> m = new HashMap<>();
        healthyByTargetId.forEach((id, healthy) -> m.put(id, Health.of(healthy)));
        return new HealthObservations(m);
    }

    public Health of(String targetId) {
        return byTargetId.getOrDefault(targetId, Health.UNKNOWN);
    }

    public boolean up(String targetId) {
        return of(targetId) == Health.UP;
    }
}
