package io.waymark.sim.system.old;

import io.waymark.core.planner.SafetyEvent;

import io.waymark.core.model.RecordSet;
import java.util.List;

/** A COPY of core's {@code EndpointDecision} at main 33942b1 (see {@link OldPlanner}). What the safety rules decided for one endpoint: its record set, the capacity it removes, and which rules fired. */
public record OldEndpointDecision(RecordSet records, long removedCapacity, List<SafetyEvent> events) {
    public OldEndpointDecision {
        if (records == null || events == null) throw new IllegalArgumentException("decision parts must not be null");
        if (removedCapacity < 0) throw new IllegalArgumentException("removed capacity must be >= 0");
        events = List.copyOf(events);
    }
}
