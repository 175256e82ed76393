package io.waymark.core.planner;

import io.waymark.core.model.RecordSet;
import java.util.List;

/** What the safety rules decided for one endpoint: its record set, the capacity it removes, and which rules fired. */
public record EndpointDecision(RecordSet records, long removedCapacity, List<SafetyEvent> events) {
    public EndpointDecision {
        if (records == null || events == null) throw new IllegalArgumentException("decision parts must not be null");
        if (removedCapacity < 0) throw new IllegalArgumentException("removed capacity must be >= 0");
        events = List.copyOf(events);
    }
}
