package io.waymark.adapters.etcd;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.waymark.core.port.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Liveness and status of role processes as lease-backed keys: {@code members/ROLE/ID} holds one line
 * of JSON that the process rewrites at most every {@code writeIntervalNanos} (so the load on etcd is
 * per process, not per tick or per endpoint), bound to the process's lease: a process that dies or
 * is cut off disappears from {@link #list} when its lease expires. {@code ./waymark status} lists
 * them all.
 */
public final class EtcdPresence {
    private static final String MEMBERS = "members/";
    /** Processes listed at most (status views stay bounded). */
    public static final int LISTED_MAX = 10_000;

    private final Etcd etcd;
    private final EtcdLease lease;
    private final long writeIntervalNanos;
    private long writtenAtNanos;
    private long writtenLease;
    private String written = "";

    /** One process as it last described itself. */
    public record Member(String role, String id, String json) {}

    public EtcdPresence(Etcd etcd, EtcdLease lease, long writeIntervalNanos) {
        if (writeIntervalNanos < 0) throw new IllegalArgumentException("writeIntervalNanos must be >= 0");
        this.etcd = etcd;
        this.lease = lease;
        this.writeIntervalNanos = writeIntervalNanos;
    }

    /**
     * Refreshes the lease and, when due (interval passed, the text changed, or the lease is new),
     * writes {@code json} as this process's entry for {@code role}/{@code id}. Returns whether the
     * entry is live; an unreachable etcd is "not live", never an exception.
     */
    public boolean step(long nowNanos, String role, String id, String json) {
        if (!lease.step(nowNanos)) return false;
        boolean due = lease.id() != writtenLease || nowNanos - writtenAtNanos >= writeIntervalNanos || !json.equals(written) && nowNanos - writtenAtNanos >= writeIntervalNanos / 4;
        if (!due) return true;
        try {
            etcd.await(etcd.client().getKVClient().put(etcd.key(MEMBERS + role + "/" + id), Etcd.bytes(json), PutOption.builder().withLeaseId(lease.id()).build()), "write presence of " + role + " " + id);
            writtenAtNanos = nowNanos;
            writtenLease = lease.id();
            written = json;
            return true;
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    /** Every live process of every role, in key order (role, then id). */
    public static List<Member> list(Etcd etcd) {
        GetResponse r = etcd.await(etcd.client().getKVClient().get(etcd.key(MEMBERS), GetOption.builder().isPrefix(true).withLimit(LISTED_MAX)
                .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.ASCEND).build()), "list role processes");
        List<Member> out = new ArrayList<>(r.getKvs().size());
        for (KeyValue kv : r.getKvs()) {
            String[] parts = etcd.suffix(kv.getKey()).substring(MEMBERS.length()).split("/", 2);
            if (parts.length == 2) out.add(new Member(parts[0], parts[1], kv.getValue().toString(StandardCharsets.UTF_8)));
        }
        return List.copyOf(out);
    }

    /** Throws nothing: for status views that show what they can. */
    public static List<Member> listOrEmpty(Etcd etcd) {
        try {
            return list(etcd);
        } catch (StoreUnavailableException e) {
            return List.of();
        }
    }
}
