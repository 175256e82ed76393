package io.waymark.adapters.health;

import java.time.Duration;

/**
 * How one target is checked: every {@code interval} (jittered), each probe given {@code timeout};
 * {@code rise} consecutive passes make an unhealthy target healthy, {@code fall} consecutive failures
 * make a healthy one unhealthy, so that one lost packet does not move traffic.
 */
public record CheckPolicy(Duration interval, Duration timeout, int rise, int fall) {
    public static final int COUNT_MAX = 100;
    public static final Duration INTERVAL_MIN = Duration.ofMillis(10);
    public static final CheckPolicy DEFAULT = new CheckPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3);

    public CheckPolicy {
        if (interval == null || interval.compareTo(INTERVAL_MIN) < 0) throw new IllegalArgumentException("check interval must be at least " + INTERVAL_MIN.toMillis() + " ms, got " + interval);
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(interval) > 0) {
            throw new IllegalArgumentException("check timeout must be in (0, interval=" + interval.toMillis() + " ms], got " + timeout);
        }
        if (rise < 1 || rise > COUNT_MAX) throw new IllegalArgumentException("rise must be in 1.." + COUNT_MAX + ", got " + rise);
        if (fall < 1 || fall > COUNT_MAX) throw new IllegalArgumentException("fall must be in 1.." + COUNT_MAX + ", got " + fall);
    }
}
