package io.waymark.dns;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The open TCP connections, bounded in all and per source address (RFC 7766 §6.2). When a limit is
 * reached, the connection idle longest (no message in progress) is closed to make room — of the same
 * address when it is that address's limit — and only when none is idle is the new one refused. So a
 * flood of idle or trickling connections from one address takes at most its share, and competes only
 * with itself.
 * Admission and removal are rare next to queries: one lock, O(open) only when full.
 */
final class TcpConnectionTable {
    private final int max;
    private final int perAddressMax;
    private final Set<TcpConnectionGuard> open = new LinkedHashSet<>();
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();

    TcpConnectionTable(int max, int perAddressMax) {
        if (max < 1 || perAddressMax < 1 || perAddressMax > max) throw new IllegalArgumentException("need 1 <= per-address max <= max, got " + perAddressMax + " and " + max);
        this.max = max;
        this.perAddressMax = perAddressMax;
    }

    /**
     * Registers {@code connection} if the limits allow, making room when they do not: at its
     * address's limit, by closing that address's longest-idle connection; with the table full, the
     * longest-idle one of all. False (refuse it) when there is none idle to close.
     */
    synchronized boolean admit(TcpConnectionGuard connection) {
        InetAddress address = connection.address();
        boolean addressFull = perAddress.getOrDefault(address, 0) >= perAddressMax;
        if (addressFull || open.size() >= max) {
            TcpConnectionGuard victim = longestIdle(addressFull ? address : null);
            if (victim == null) return false;
            remove(victim);
            victim.evict();
        }
        open.add(connection);
        perAddress.merge(address, 1, Integer::sum);
        return true;
    }

    /** The open connection idle longest, from {@code address} only unless null; null when none is idle. */
    private TcpConnectionGuard longestIdle(InetAddress address) {
        TcpConnectionGuard victim = null;
        for (TcpConnectionGuard c : open) {
            long since = c.idleSinceNanos();
            if (since < 0 || (address != null && !address.equals(c.address()))) continue;
            if (victim == null || since - victim.idleSinceNanos() < 0) victim = c;
        }
        return victim;
    }

    /** Forgets {@code connection}; idempotent (an evicted one is removed before its close completes). */
    synchronized void remove(TcpConnectionGuard connection) {
        if (!open.remove(connection)) return;
        perAddress.computeIfPresent(connection.address(), (a, n) -> n == 1 ? null : n - 1);
    }

    synchronized int open() {
        return open.size();
    }
}
