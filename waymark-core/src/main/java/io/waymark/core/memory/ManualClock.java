package io.waymark.core.memory;

import io.waymark.core.port.Clock;

/**
 * A clock that moves only when told to: the virtual time of tests and the simulator. Time never goes
 * backwards (velocity windows and the like assume it does not).
 */
public final class ManualClock implements Clock {
    private long nowMillis;

    public ManualClock(long startMillis) {
        if (startMillis < 0) throw new IllegalArgumentException("start must be >= 0 ms, got " + startMillis);
        this.nowMillis = startMillis;
    }

    @Override
    public synchronized long nowMillis() {
        return nowMillis;
    }

    /** Moves time forward by {@code deltaMillis} (>= 0) and returns the new time. */
    public synchronized long advance(long deltaMillis) {
        if (deltaMillis < 0) throw new IllegalArgumentException("time does not go backwards: " + deltaMillis + " ms");
        nowMillis = Math.addExact(nowMillis, deltaMillis);
        return nowMillis;
    }
}
