package io.waymark.dns;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the snapshot being served. Readers (the query path) take {@link #current()} once per query
 * without locking; writers are serialized and publish each change as one new snapshot, so a reader
 * never sees half of a change.
 */
public final class Authority {
    private final AtomicReference<ServingSnapshot> current;
    private final Object writerLock = new Object();
    private final VariantTables variantTables;

    public Authority(ServingSnapshot initial) {
        if (initial == null) throw new IllegalArgumentException("an authority starts from a snapshot");
        this.current = new AtomicReference<>(initial);
        this.variantTables = new VariantTables(initial.options().answerAddressesMax());
    }

    public static Authority of(List<Zone> zones, ServingOptions options) {
        return new Authority(ServingSnapshot.of(zones, options));
    }

    public ServingSnapshot current() {
        return current.get();
    }

    /**
     * Serves {@code next} from now on (e.g. reloaded zones); managed names are the caller's to re-apply.
     * Its SOA serials start again from the zone files' (re-applying managed names moves them on, above
     * anything served before; see {@link SoaSerial}).
     */
    public void replace(ServingSnapshot next) {
        if (next == null) throw new IllegalArgumentException("cannot serve a null snapshot");
        synchronized (writerLock) {
            current.set(next);
        }
    }

    /**
     * Publishes one snapshot in which every given endpoint answers its record set (A for IPv4, AAAA
     * for IPv6, the record set's TTL, addresses drawn by weight). All or nothing: an endpoint outside
     * every served zone, at or below a delegation, or on a CNAME throws IllegalArgumentException and
     * nothing is published.
     */
    public void applyManaged(Map<Endpoint, RecordSet> changes) {
        if (changes == null) throw new IllegalArgumentException("changes must not be null");
        if (changes.isEmpty()) return;
        synchronized (writerLock) {
            ServingSnapshot next = current.get().withManaged(changes, variantTables);
            current.set(next);
        }
    }

    /** See {@link ServingSnapshot#unservable}: asked before anything about an endpoint becomes durable. */
    public Optional<String> unservable(Endpoint endpoint) {
        return current.get().unservable(endpoint);
    }

    /**
     * As {@link #applyManaged(Map)}, and in the same snapshot stops serving the managed records of
     * {@code removed} (endpoints retired from the configuration; the two sets are disjoint). A
     * removed name answers NODATA from then on. Wire it as {@code ServingSink.removing(authority::applyManaged)}.
     */
    public void applyManaged(Map<Endpoint, RecordSet> changes, Set<Endpoint> removed) {
        if (changes == null || removed == null) throw new IllegalArgumentException("changes and removed must not be null");
        if (removed.isEmpty()) {
            applyManaged(changes);
            return;
        }
        synchronized (writerLock) {
            ServingSnapshot s = current.get();
            ServingSnapshot next = (changes.isEmpty() ? s : s.withManaged(changes, variantTables)).withoutManaged(removed);
            current.set(next);
        }
    }

    /**
     * As {@link #applyManaged(Map, Set)}, and each endpoint of {@code stamps} (a subset of
     * {@code changes}) also answers its stamp: a TXT RRset at {@code _waymark.<endpoint>}, one record per
     * list of character-strings, in the same snapshot as its records — the name and form the RFC 2136
     * record store uses on other servers, so UPDATE writers can read the stamp their prerequisite names.
     * A removed endpoint's stamp stops being served with its records.
     */
    public void applyManaged(Map<Endpoint, RecordSet> changes, Set<Endpoint> removed, Map<Endpoint, List<List<String>>> stamps) {
        if (changes == null || removed == null || stamps == null) throw new IllegalArgumentException("changes, removed and stamps must not be null");
        if (stamps.isEmpty()) {
            applyManaged(changes, removed);
            return;
        }
        synchronized (writerLock) {
            ServingSnapshot next = current.get().withManaged(changes, stamps, variantTables);
            if (!removed.isEmpty()) next = next.withoutManaged(removed);
            current.set(next);
        }
    }

    public Optional<RecordSet> managed(Endpoint endpoint) {
        return current.get().managed(endpoint);
    }
}
