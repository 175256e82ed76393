package io.waymark.core.invariant;

import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What earlier checks saw, which I1 and I2 need: the highest generation each endpoint was seen serving,
 * and every address family each endpoint was ever seen serving (I1 holds per (endpoint, family)).
 */
public record Observation(Map<Endpoint, Generation> highestServed, Map<Endpoint, Set<AddressFamily>> familiesServed) {
    public static final Observation NONE = new Observation(Map.of(), Map.of());

    public Observation {
        if (highestServed == null || familiesServed == null) throw new IllegalArgumentException("observation parts must not be null");
        highestServed = Collections.unmodifiableMap(new TreeMap<>(highestServed));
        TreeMap<Endpoint, Set<AddressFamily>> families = new TreeMap<>();
        familiesServed.forEach((e, f) -> {
            if (!f.isEmpty()) families.put(e, Collections.unmodifiableSet(EnumSet.copyOf(f)));
        });
        familiesServed = Collections.unmodifiableMap(families);
    }

    /** Generations only (no family seen yet): what observations held before I1 was judged per family. */
    public Observation(Map<Endpoint, Generation> highestServed) {
        this(highestServed, Map.of());
    }

    public boolean everServed(Endpoint endpoint) {
        return highestServed.containsKey(endpoint) || familiesServed.containsKey(endpoint);
    }

    public Generation highest(Endpoint endpoint) {
        return highestServed.getOrDefault(endpoint, Generation.ZERO);
    }

    /** The address families {@code endpoint} was ever seen serving (empty if none). */
    public Set<AddressFamily> families(Endpoint endpoint) {
        return familiesServed.getOrDefault(endpoint, Set.of());
    }

    /**
     * This observation without {@code endpoint}: call it when the endpoint is retired on purpose (removed
     * from the configuration and tombstoned), after which it legitimately serves nothing.
     */
    public Observation retire(Endpoint endpoint) {
        Map<Endpoint, Generation> highest = new TreeMap<>(highestServed);
        highest.remove(endpoint);
        Map<Endpoint, Set<AddressFamily>> families = new TreeMap<>(familiesServed);
        families.remove(endpoint);
        return new Observation(highest, families);
    }
}
