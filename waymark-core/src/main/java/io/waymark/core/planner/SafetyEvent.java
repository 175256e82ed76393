package io.waymark.core.planner;

import io.waymark.core.model.Endpoint;

/** One safety rule that fired for one endpoint in one planner tick, with why (for logs and counters). */
public record SafetyEvent(Endpoint endpoint, SafetyRule rule, String detail) {
    public SafetyEvent {
        if (endpoint == null || rule == null || detail == null) throw new IllegalArgumentException("safety event parts must not be null");
    }
}
