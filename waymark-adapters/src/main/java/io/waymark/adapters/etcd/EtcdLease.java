package io.waymark.adapters.etcd;

import io.etcd.jetcd.Lease;
import io.waymark.core.port.StoreUnavailableException;
import java.util.concurrent.TimeUnit;

/**
 * One etcd lease kept alive by {@link #step}, at the caller's pace (no background thread of its own):
 * granted when there is none, refreshed once a third of its TTL has passed. {@link #heldAt} is
 * conservative: it counts the TTL from the moment the last successful refresh was SENT, so this
 * process stops believing in its lease before etcd can expire it (a paused process that wakes up
 * sees at once that its lease may be gone). Keys written with {@link #id} vanish when it expires.
 */
public final class EtcdLease {
    private final Etcd etcd;
    private final Lease leases;
    private final long ttlSeconds;
    private long id;
    /** Caller's nanos when the last successful grant or refresh was sent; meaningful while id != 0. */
    private long refreshedAtNanos;

    public EtcdLease(Etcd etcd, long ttlSeconds) {
        if (ttlSeconds < 2 || ttlSeconds > 3_600) throw new IllegalArgumentException("lease TTL must be in 2..3600 s, got " + ttlSeconds);
        this.etcd = etcd;
        this.leases = etcd.client().getLeaseClient();
        this.ttlSeconds = ttlSeconds;
    }

    /** Grants or refreshes as due. Returns whether the lease is held afterwards; an unreachable etcd is "not held" once the TTL ran out. */
    public boolean step(long nowNanos) {
        long ttlNanos = TimeUnit.SECONDS.toNanos(ttlSeconds);
        try {
            if (id == 0 || nowNanos - refreshedAtNanos >= ttlNanos) {
                id = 0;
                id = etcd.await(leases.grant(ttlSeconds), "grant a lease").getID();
                refreshedAtNanos = nowNanos;
            } else if (nowNanos - refreshedAtNanos >= ttlNanos / 3) {
                long ttlLeft = etcd.await(leases.keepAliveOnce(id), "refresh lease").getTTL();
                if (ttlLeft <= 0) {
                    id = 0; // expired in etcd already: its keys are gone
                    return false;
                }
                refreshedAtNanos = nowNanos;
            }
        } catch (StoreUnavailableException e) {
            // Not refreshed: still held until the TTL counted from the last refresh runs out.
            return heldAt(nowNanos);
        }
        return heldAt(nowNanos);
    }

    /** Whether this process may still act as the lease's holder at {@code nowNanos} (a margin of one refresh period before etcd's expiry). */
    public boolean heldAt(long nowNanos) {
        return id != 0 && nowNanos - refreshedAtNanos < TimeUnit.SECONDS.toNanos(ttlSeconds) * 2 / 3;
    }

    /** The lease id (0 when none is held). */
    public long id() {
        return id;
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }

    /** Revokes the lease (best effort): its keys vanish at once instead of after the TTL. */
    public void revoke() {
        if (id == 0) return;
        try {
            etcd.await(leases.revoke(id), "revoke lease");
        } catch (StoreUnavailableException ignored) {
            // expires by itself
        }
        id = 0;
    }
}
