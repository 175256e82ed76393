package io.waymark.core.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one endpoint serves: its addresses with weights, and the TTL. Never empty, weights sum above
 * zero, no address twice (I1 is enforced here first, then again in every store). Kept sorted so that
 * equal record sets are equal values and hash the same.
 */
public record RecordSet(List<WeightedAddress> addresses, int ttlSeconds) {
    public static final int ADDRESSES_MAX = 4096;
    public static final int TTL_SECONDS_MAX = 604_800;

    public RecordSet {
        if (addresses == null || addresses.isEmpty()) throw new IllegalArgumentException("a record set must hold at least one address");
        if (addresses.size() > ADDRESSES_MAX) throw new IllegalArgumentException("a record set holds at most " + ADDRESSES_MAX + " addresses, got " + addresses.size());
        if (ttlSeconds < 0 || ttlSeconds > TTL_SECONDS_MAX) throw new IllegalArgumentException("TTL must be in 0.." + TTL_SECONDS_MAX + " s, got " + ttlSeconds);
        List<WeightedAddress> sorted = new ArrayList<>(addresses);
        sorted.sort(null);
        Set<java.net.InetAddress> seen = new HashSet<>();
        long weightSum = 0;
        for (WeightedAddress a : sorted) {
            if (!seen.add(a.address())) throw new IllegalArgumentException("address " + a.address().getHostAddress() + " appears twice in a record set");
            weightSum += a.weight();
        }
        if (weightSum <= 0) throw new IllegalArgumentException("weights of a record set must sum above zero");
        addresses = List.copyOf(sorted);
    }

    public static RecordSet of(int ttlSeconds, WeightedAddress... addresses) {
        return new RecordSet(List.of(addresses), ttlSeconds);
    }

    public long weightSum() {
        long sum = 0;
        for (WeightedAddress a : addresses) sum += a.weight();
        return sum;
    }

    /** Canonical text, one line, used in plan hashing: "ttl addr*w addr*w ...". */
    public String canonical() {
        StringBuilder sb = new StringBuilder().append(ttlSeconds);
        for (WeightedAddress a : addresses) sb.append(' ').append(a.address().getHostAddress()).append('*').append(a.weight());
        return sb.toString();
    }

    @Override
    public String toString() {
        return canonical();
    }
}
