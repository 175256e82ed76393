package io.waymark.core.planner;

import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.RecordSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the safety rules decided for one endpoint: its record set (empty only for an endpoint never
 * served whose targets are not known UP yet: nothing to publish for it), the capacity it removes per
 * address family, and which rules fired.
 */
public record EndpointDecision(Optional<RecordSet> records, Map<AddressFamily, Long> removedCapacity, List<SafetyEvent> events) {
    public EndpointDecision {
        if (records == null || removedCapacity == null || events == null) throw new IllegalArgumentException("decision parts must not be null");
        EnumMap<AddressFamily, Long> copy = new EnumMap<>(AddressFamily.class);
        removedCapacity.forEach((f, c) -> {
            if (c == null || c < 0) throw new IllegalArgumentException("removed capacity must be >= 0, got " + c + " for " + f);
            copy.put(f, c);
        });
        removedCapacity = Collections.unmodifiableMap(copy);
        events = List.copyOf(events);
    }

    public long removedCapacityTotal() {
        long sum = 0;
        for (long c : removedCapacity.values()) sum += c;
        return sum;
    }
}
