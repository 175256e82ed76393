package io.waymark.dns;

import java.util.function.LongSupplier;

/**
 * At most {@code perSecond} log lines a second for one kind of repeated event (refused UPDATEs): the
 * others are counted, and the count goes out with the next line let through. Anyone who can reach the
 * port can send unsigned UPDATEs, and one line per packet would turn a flood of them into a flood on
 * disk (the class of issue 7's defect 15: log what changes, not every repetition). Thread-safe: the
 * UPDATE workers share one.
 */
final class LogThrottle {
    private static final long SECOND_NANOS = 1_000_000_000L;

    private final int perSecond;
    private final LongSupplier nanos;
    private long windowStart;
    private int inWindow;
    private long dropped;

    LogThrottle(int perSecond, LongSupplier nanos) {
        if (perSecond < 1) throw new IllegalArgumentException("perSecond must be >= 1, got " + perSecond);
        if (nanos == null) throw new IllegalArgumentException("a log throttle needs a clock");
        this.perSecond = perSecond;
        this.nanos = nanos;
        this.windowStart = nanos.getAsLong() - SECOND_NANOS; // the first line always goes out
    }

    /** -1: drop this line. Otherwise log it, with the number of lines dropped since the last one logged. */
    synchronized long admit() {
        long now = nanos.getAsLong();
        if (now - windowStart >= SECOND_NANOS) {
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= perSecond) {
            dropped++;
            return -1;
        }
        inWindow++;
        long since = dropped;
        dropped = 0;
        return since;
    }

    /** What to append to a line {@link #admit} let through after dropping {@code droppedBefore}. */
    static String suffix(long droppedBefore) {
        return droppedBefore == 0 ? "" : " (" + droppedBefore + " more not logged since the last one)";
    }
}
