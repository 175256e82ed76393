package io.waymark.core.planner;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Target;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One managed endpoint as configured: its TTL and the targets behind it (each address at most once). */
public record EndpointSpec(Endpoint endpoint, int ttlSeconds, List<Target> targets) {
    public EndpointSpec {
        if (endpoint == null || targets == null) throw new IllegalArgumentException("endpoint spec needs an endpoint and targets");
        if (targets.isEmpty()) throw new IllegalArgumentException("endpoint " + endpoint + " needs at least one target");
        if (targets.size() > RecordSet.ADDRESSES_MAX) throw new IllegalArgumentException("endpoint " + endpoint + " has more than " + RecordSet.ADDRESSES_MAX + " targets");
        if (ttlSeconds < 0 || ttlSeconds > RecordSet.TTL_SECONDS_MAX) throw new IllegalArgumentException("TTL of " + endpoint + " must be in 0.." + RecordSet.TTL_SECONDS_MAX + " s, got " + ttlSeconds);
        targets = List.copyOf(targets);
        Set<InetAddress> addresses = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (Target t : targets) {
            if (!addresses.add(t.address())) throw new IllegalArgumentException("address " + t.address().getHostAddress() + " appears twice behind " + endpoint);
            if (!ids.add(t.id())) throw new IllegalArgumentException("target id " + t.id() + " appears twice behind " + endpoint);
        }
    }

    public long totalCapacity() {
        long sum = 0;
        for (Target t : targets) sum += t.capacity();
        return sum;
    }
}
