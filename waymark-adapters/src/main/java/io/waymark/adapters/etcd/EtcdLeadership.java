package io.waymark.adapters.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.waymark.core.port.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Leader election among planner processes on one etcd key bound to a lease ({@link EtcdLease}):
 * whoever creates {@code leader/NAME} (a transaction "create if absent") leads until its lease
 * expires, when etcd deletes the key and the next {@link #step} of another candidate takes it.
 *
 * <p>A leader that lost its lease — etcd unreachable, the process paused past the TTL — stops at its
 * next step: {@link #leads} is false as soon as the lease may have expired (counted conservatively by
 * {@link EtcdLease#heldAt}). That alone cannot stop a publish already on the wire from a process that
 * paused mid-step, which is why the plan store's compare-and-set on the generation stays: a stale
 * leader's publish names a generation the new leader has moved past and is refused.
 */
public final class EtcdLeadership {
    private final Etcd etcd;
    private final EtcdLease lease;
    private final ByteSequence key;
    private final String candidate;
    private boolean leads;
    private String leader = "";

    public EtcdLeadership(Etcd etcd, EtcdLease lease, String name, String candidate) {
        if (candidate == null || candidate.isBlank()) throw new IllegalArgumentException("candidate id must not be empty");
        this.etcd = etcd;
        this.lease = lease;
        this.key = etcd.key("leader/" + name);
        this.candidate = candidate;
    }

    /** Refreshes the lease and campaigns; returns whether this candidate leads now. */
    public boolean step(long nowNanos) {
        if (!lease.step(nowNanos)) {
            leads = false;
            return false;
        }
        try {
            ByteSequence me = Etcd.bytes(candidate);
            TxnResponse r = etcd.await(etcd.client().getKVClient().txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                    .Then(Op.put(key, me, PutOption.builder().withLeaseId(lease.id()).build()))
                    .Else(Op.get(key, GetOption.DEFAULT)).commit(), "campaign for " + etcd.suffix(key));
            if (r.isSucceeded()) {
                leads = true;
                leader = candidate;
            } else {
                KeyValue holder = r.getGetResponses().isEmpty() || r.getGetResponses().get(0).getKvs().isEmpty() ? null : r.getGetResponses().get(0).getKvs().get(0);
                leader = holder == null ? "" : holder.getValue().toString(StandardCharsets.UTF_8);
                leads = holder != null && holder.getLease() == lease.id() && leader.equals(candidate);
            }
        } catch (StoreUnavailableException e) {
            // Cannot confirm: keep leading only while the lease is surely held.
        }
        leads = leads && lease.heldAt(nowNanos);
        return leads;
    }

    /** Whether this candidate may act as leader at {@code nowNanos} (no etcd request). */
    public boolean leads(long nowNanos) {
        return leads && lease.heldAt(nowNanos);
    }

    /** Who led at the last step ("" when nobody, or unknown). */
    public Optional<String> leader() {
        return leader.isEmpty() ? Optional.empty() : Optional.of(leader);
    }

    /** The fence a leader's publishes carry ({@link EtcdPlanStore#fencedBy}): the leader key must still name this candidate. */
    public EtcdPlanStore.Fence fence() {
        return new EtcdPlanStore.Fence(key, Etcd.bytes(candidate));
    }

    /** Steps down (revokes the lease: another candidate can lead at once). */
    public void resign() {
        leads = false;
        lease.revoke();
    }
}
