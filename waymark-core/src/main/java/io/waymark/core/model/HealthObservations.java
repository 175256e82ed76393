package io.waymark.core.model;

import java.util.Map;

/**
 * The health input: for each target id, whether its health check currently passes. A target with no
 * observation yet counts as NOT healthy — at a cold start every target is unobserved, and the fail-open
 * rule then keeps (or, with no plan yet, serves) every configured target.
 */
public record HealthObservations(Map<String, Boolean> healthyByTargetId) {
    public static final HealthObservations NONE = new HealthObservations(Map.of());

    public HealthObservations {
        if (healthyByTargetId == null) throw new IllegalArgumentException("health observations must not be null");
        healthyByTargetId = Map.copyOf(healthyByTargetId);
    }

    public boolean healthy(String targetId) {
        return healthyByTargetId.getOrDefault(targetId, false);
    }
}
