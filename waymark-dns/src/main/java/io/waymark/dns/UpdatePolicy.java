package io.waymark.dns;

import org.xbill.DNS.TSIG;

/**
 * Whether the server accepts RFC 2136 UPDATE, and with which key. Every UPDATE must be signed with
 * {@code tsig} (RFC 8945); the verified ones go to {@code target}. At most {@code inFlightMax} UPDATEs are
 * being applied at once and {@code queuedMax} more wait: beyond that an UPDATE is answered SERVFAIL at
 * once, so a flood over UDP or TCP never queues unbounded work. {@link #NONE} accepts none: UPDATE is
 * answered NOTIMP, as a server without this configuration always did.
 */
public record UpdatePolicy(TSIG tsig, UpdateTarget target, int inFlightMax, int queuedMax) {
    public static final UpdatePolicy NONE = new UpdatePolicy(null, null, 1, 0);
    /** Applies in flight share one fsync (the embedded store's group commit): a few are worth more than one. */
    public static final int IN_FLIGHT_MAX_DEFAULT = 8;
    public static final int QUEUED_MAX_DEFAULT = 256;
    static final int IN_FLIGHT_LIMIT = 64;
    static final int QUEUED_LIMIT = 65_536;

    public UpdatePolicy {
        if ((tsig == null) != (target == null)) throw new IllegalArgumentException("UPDATE needs both a TSIG key and a target, or neither (NONE)");
        if (inFlightMax < 1 || inFlightMax > IN_FLIGHT_LIMIT) throw new IllegalArgumentException("UPDATEs in flight must be in 1.." + IN_FLIGHT_LIMIT + ", got " + inFlightMax);
        if (queuedMax < 0 || queuedMax > QUEUED_LIMIT) throw new IllegalArgumentException("UPDATEs queued must be in 0.." + QUEUED_LIMIT + ", got " + queuedMax);
    }

    /** Signed with {@code tsig}, applied by {@code target}, with the default bounds. */
    public static UpdatePolicy signed(TSIG tsig, UpdateTarget target) {
        if (tsig == null || target == null) throw new IllegalArgumentException("UPDATE needs a TSIG key and a target");
        return new UpdatePolicy(tsig, target, IN_FLIGHT_MAX_DEFAULT, QUEUED_MAX_DEFAULT);
    }

    public boolean enabled() {
        return tsig != null;
    }
}
