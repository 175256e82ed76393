package io.waymark.dns;

/**
 * SOA serials as served: RFC 1982 arithmetic on 32 bits, and the rule that gives each snapshot that
 * changes a zone a larger serial than the last, across restarts, without storing anything. A
 * zone's first snapshot serves the file's serial; each change moves to the file's serial plus the
 * seconds since {@link #EPOCH_SECONDS}, or the previous serial plus one when that is not larger (two
 * changes in one second). A restarted server re-applies its managed names at start, so its first
 * change lands above whatever it served before, unless it changed a zone more than once a second on
 * average for a long time (it then runs ahead of the clock by that excess; see the README).
 * Editing the file's serial upwards moves every later serial up with it.
 */
final class SoaSerial {
    /** 2025-01-01T00:00:00Z: offsets stay far below 2^31 for decades (RFC 1982 §3.1 allows at most 2^31 - 1 per step). */
    static final long EPOCH_SECONDS = 1_735_689_600L;
    private static final long MODULUS = 1L << 32;
    private static final long HALF = 1L << 31;

    private SoaSerial() {}

    /** The clock-derived serial for a change at {@code nowSeconds}. */
    static long byClock(long fileSerial, long nowSeconds) {
        return (fileSerial + Math.max(0, nowSeconds - EPOCH_SECONDS)) % MODULUS;
    }

    /** The serial after {@code previous} for a snapshot that changes the zone: always greater in RFC 1982 terms. */
    static long next(long fileSerial, long previous, long nowSeconds) {
        long byClock = byClock(fileSerial, nowSeconds);
        long plusOne = (previous + 1) % MODULUS;
        return greater(byClock, previous) ? byClock : plusOne;
    }

    /** RFC 1982 §3.2: {@code a} is greater than {@code b} (undefined pairs, exactly 2^31 apart, are not). */
    static boolean greater(long a, long b) {
        if (a < 0 || a >= MODULUS || b < 0 || b >= MODULUS) throw new IllegalArgumentException("serials are 32-bit unsigned: " + a + ", " + b);
        return (a < b && b - a > HALF) || (a > b && a - b < HALF);
    }
}
