package io.waymark.adapters.rfc2136;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where and how an {@link Rfc2136RecordStore} writes. Built from {@link #defaults} with the
 * {@code with…} methods (named, not positional); the daemon's configuration, the tests and the bench
 * use the same defaults.
 *
 * @param server                 the authoritative server (primary) that accepts UPDATE for the zone
 * @param zone                   the zone every endpoint lies in, absolute ({@code example.test.})
 * @param tsig                   key that signs every message (UPDATE, queries, AXFR); empty only for tests of unsigned refusal
 * @param timeoutMs              one message's round trip at most; past it the outcome is unknown
 * @param updateBytesMax         one UPDATE message at most this large (TCP carries 65,535 bytes; TSIG needs room)
 * @param updatesInFlightMax     UPDATE messages outstanding at once across every caller of the store (one caller's
 *                               large batch goes out pipelined up to this many; after a failure it restarts at 1)
 * @param updatesPerSecondMax    ceiling on UPDATE messages sent per second (recovery admission: no stampede)
 * @param readRefreshMs          reads are answered from a zone transfer at most this old (an IXFR from the serial
 *                               held this often: one message when nothing changed); drift is found within it
 * @param fullReadIntervalMs     a full AXFR at least this often (a tool that edits the zone without raising the
 *                               serial, a server without a journal of differences)
 * @param backoffBaseMs          first wait after a failed exchange; doubles per consecutive failure, jittered
 * @param backoffMaxMs           longest wait between attempts while the server keeps failing
 * @param resendsPerSecond       retry budget: UPDATEs re-sent after a rejection (split batches) refill at this rate
 */
public record Rfc2136Settings(
        InetSocketAddress server,
        String zone,
        Optional<TsigKey> tsig,
        int timeoutMs,
        int updateBytesMax,
        int updatesInFlightMax,
        int updatesPerSecondMax,
        long readRefreshMs,
        long fullReadIntervalMs,
        long backoffBaseMs,
        long backoffMaxMs,
        int resendsPerSecond) {
    /** TCP's two-byte length prefix bounds a DNS message. */
    public static final int TCP_MESSAGE_MAX = 65_535;
    /** Room kept for the TSIG record (name, algorithm, 32-byte MAC) and the header. */
    static final int TSIG_RESERVE_BYTES = 512;

    public Rfc2136Settings {
        if (server == null) throw new IllegalArgumentException("server must not be null");
        if (zone == null || zone.isBlank()) throw new IllegalArgumentException("zone must not be empty");
        zone = zone.toLowerCase(java.util.Locale.ROOT);
        if (!zone.endsWith(".")) zone = zone + ".";
        if (tsig == null) throw new IllegalArgumentException("tsig must not be null (Optional.empty() for none)");
        check("timeoutMs", timeoutMs, 10, 600_000);
        check("updateBytesMax", updateBytesMax, 1_024, TCP_MESSAGE_MAX - TSIG_RESERVE_BYTES);
        check("updatesInFlightMax", updatesInFlightMax, 1, 1_024);
        check("updatesPerSecondMax", updatesPerSecondMax, 1, 1_000_000);
        check("readRefreshMs", readRefreshMs, 0, 3_600_000);
        check("fullReadIntervalMs", fullReadIntervalMs, readRefreshMs, 86_400_000);
        check("backoffBaseMs", backoffBaseMs, 1, 60_000);
        check("backoffMaxMs", backoffMaxMs, backoffBaseMs, 3_600_000);
        check("resendsPerSecond", resendsPerSecond, 1, 100_000);
    }

    private static void check(String name, long v, long min, long max) {
        if (v < min || v > max) throw new IllegalArgumentException(name + " must be in the range [" + min + ", " + max + "], got " + v);
    }

    public static Rfc2136Settings defaults(InetSocketAddress server, String zone, TsigKey tsig) {
        // 16 in flight: Knot applies the UPDATEs queued at once in one commit ("DDNS, processing N updates"), and its
        // cost is per commit, so a deeper window halved Knot's CPU for 100,000 endpoints (bench/README.md, RFC 2136).
        return new Rfc2136Settings(server, zone, Optional.ofNullable(tsig), 5_000, 60_000, 16, 200, 1_000, 30_000, 100, 10_000, 20);
    }

    public Rfc2136Settings withTimeoutMs(int v) {
        return new Rfc2136Settings(server, zone, tsig, v, updateBytesMax, updatesInFlightMax, updatesPerSecondMax, readRefreshMs, fullReadIntervalMs, backoffBaseMs, backoffMaxMs, resendsPerSecond);
    }

    public Rfc2136Settings withUpdateBytesMax(int v) {
        return new Rfc2136Settings(server, zone, tsig, timeoutMs, v, updatesInFlightMax, updatesPerSecondMax, readRefreshMs, fullReadIntervalMs, backoffBaseMs, backoffMaxMs, resendsPerSecond);
    }

    public Rfc2136Settings withUpdatesInFlightMax(int v) {
        return new Rfc2136Settings(server, zone, tsig, timeoutMs, updateBytesMax, v, updatesPerSecondMax, readRefreshMs, fullReadIntervalMs, backoffBaseMs, backoffMaxMs, resendsPerSecond);
    }

    public Rfc2136Settings withUpdatesPerSecondMax(int v) {
        return new Rfc2136Settings(server, zone, tsig, timeoutMs, updateBytesMax, updatesInFlightMax, v, readRefreshMs, fullReadIntervalMs, backoffBaseMs, backoffMaxMs, resendsPerSecond);
    }

    public Rfc2136Settings withReadRefreshMs(long refresh, long fullRead) {
        return new Rfc2136Settings(server, zone, tsig, timeoutMs, updateBytesMax, updatesInFlightMax, updatesPerSecondMax, refresh, fullRead, backoffBaseMs, backoffMaxMs, resendsPerSecond);
    }

    public Rfc2136Settings withBackoffMs(long base, long max) {
        return new Rfc2136Settings(server, zone, tsig, timeoutMs, updateBytesMax, updatesInFlightMax, updatesPerSecondMax, readRefreshMs, fullReadIntervalMs, base, max, resendsPerSecond);
    }

    public Rfc2136Settings withTsig(Optional<TsigKey> key) {
        return new Rfc2136Settings(server, zone, key, timeoutMs, updateBytesMax, updatesInFlightMax, updatesPerSecondMax, readRefreshMs, fullReadIntervalMs, backoffBaseMs, backoffMaxMs, resendsPerSecond);
    }

    /** host:port for messages. */
    public String serverText() {
        return server.getHostString() + ":" + server.getPort();
    }
}
