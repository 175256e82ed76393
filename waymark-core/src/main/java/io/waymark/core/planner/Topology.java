package io.waymark.core.planner;

import io.waymark.core.model.Endpoint;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** The configured fleet: every managed endpoint with the targets behind it. */
public record Topology(SortedMap<Endpoint, EndpointSpec> endpoints) {
    public Topology {
        if (endpoints == null || endpoints.isEmpty()) throw new IllegalArgumentException("a topology needs at least one endpoint");
        endpoints.forEach((e, spec) -> {
            if (!spec.endpoint().equals(e)) throw new IllegalArgumentException("topology key " + e + " holds the spec of " + spec.endpoint());
        });
        endpoints = Collections.unmodifiableSortedMap(new TreeMap<>(endpoints));
    }

    public static Topology of(List<EndpointSpec> specs) {
        TreeMap<Endpoint, EndpointSpec> map = new TreeMap<>();
        for (EndpointSpec s : specs) {
            if (map.put(s.endpoint(), s) != null) throw new IllegalArgumentException("endpoint " + s.endpoint() + " configured twice");
        }
        return new Topology(map);
    }
}
