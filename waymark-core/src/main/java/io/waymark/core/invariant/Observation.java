package io.waymark.core.invariant;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What earlier checks saw, which I1 and I2 need: the highest generation each endpoint was seen
 * serving, and (by its keys) every endpoint that was ever seen serving records.
 */
public record Observation(Map<Endpoint, Generation> highestServed) {
    public static final Observation NONE = new Observation(Map.of());

    public Observation {
        if (highestServed == null) throw new IllegalArgumentException("highestServed must not be null");
        highestServed = Collections.unmodifiableMap(new TreeMap<>(highestServed));
    }

    public boolean everServed(Endpoint endpoint) {
        return highestServed.containsKey(endpoint);
    }

    public Generation highest(Endpoint endpoint) {
        return highestServed.getOrDefault(endpoint, Generation.ZERO);
    }
}
