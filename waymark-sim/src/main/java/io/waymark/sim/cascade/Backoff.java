package io.waymark.sim.cascade;

import java.util.SplittableRandom;

/**
 * Exponential backoff with "equal jitter": the wait for retry n is uniform in [c/2, c] with
 * c = min(cap, base * 2^(n-1)). The jitter spreads a crowd of retries out; the floor keeps a retry
 * from coming straight back.
 */
final class Backoff {
    private final SplittableRandom random;
    private final long baseMs;
    private final long capMs;

    Backoff(SplittableRandom random, long baseMs, long capMs) {
        if (baseMs <= 0 || capMs < baseMs) throw new IllegalArgumentException("need 0 < base <= cap");
        this.random = random;
        this.baseMs = baseMs;
        this.capMs = capMs;
    }

    long delayMs(int retry) {
        if (retry < 1) throw new IllegalArgumentException("retry counts from 1");
        long ceiling = Math.min(capMs, baseMs << Math.min(retry - 1, 30));
        long delay = ceiling / 2 + random.nextLong(ceiling / 2 + 1);
        assert delay >= baseMs / 2 && delay <= capMs;
        return delay;
    }
}
