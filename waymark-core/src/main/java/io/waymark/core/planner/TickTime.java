package io.waymark.core.planner;

/**
 * The two clocks of one planner tick, passed in (roles are steps that take time as an argument).
 *
 * @param wallMillis     the wall clock: stamped into published plans (it is the only time other
 *                       processes and a restarted planner can compare), and it may step
 * @param monotonicNanos a monotonic clock of this process (System.nanoTime in production): what this
 *                       planner trusts for the age of plans it saw appear itself; it never steps, and
 *                       means nothing across processes
 */
public record TickTime(long wallMillis, long monotonicNanos) {
    public TickTime {
        if (wallMillis < 0) throw new IllegalArgumentException("wallMillis must be >= 0, got " + wallMillis);
    }

    /** For callers with one virtual clock that never steps (tests, the simulator): both clocks from it. */
    public static TickTime ofMonotonicMillis(long millis) {
        return new TickTime(millis, Math.multiplyExact(millis, 1_000_000L));
    }
}
