package io.waymark.sim.cascade;

/**
 * A recursive resolver's cache for the one endpoint. Non-empty answers are kept for the record TTL;
 * empty answers are cached too (RFC 2308 negative caching, for the SOA minimum), which is why
 * clients kept failing for minutes after the records were restored by hand.
 */
final class CachingResolver {
    private final EndpointAnswers authority;
    private final long positiveTtlMs;
    private final long negativeTtlMs;
    private Answer cached;
    private long expiresAtMs = Long.MIN_VALUE;

    CachingResolver(EndpointAnswers authority, long positiveTtlMs, long negativeTtlMs) {
        if (positiveTtlMs < 0 || negativeTtlMs < 0) throw new IllegalArgumentException("TTLs must be >= 0");
        this.authority = authority;
        this.positiveTtlMs = positiveTtlMs;
        this.negativeTtlMs = negativeTtlMs;
    }

    Answer resolve(long nowMs) {
        if (cached == null || nowMs >= expiresAtMs) {
            cached = authority.answerAt(nowMs);
            expiresAtMs = nowMs + (cached.empty() ? negativeTtlMs : positiveTtlMs);
        }
        return cached;
    }
}
