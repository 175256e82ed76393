package io.waymark.server.daemon;

import io.waymark.adapters.record.ServingSink;
import io.waymark.adapters.rfc2136.StampRecords;
import io.waymark.core.port.StampedRecords;
import java.util.List;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.dns.Authority;
import io.waymark.dns.ServingSnapshot;
import io.waymark.dns.Zone;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record store's serving sink in the daemon: hands durable changes to the DNS authority, and
 * answers {@link #unservable} so that nothing the authority would refuse is ever made durable.
 *
 * <p>Why it filters instead of throwing: {@link Authority#applyManaged} refuses a whole change when one
 * endpoint cannot be served, and a sink that throws makes the record store fail — at open, that was
 * the daemon exiting 1 on every restart because an older version had let an endpoint at a delegation
 * (or in a zone since removed) into the log (issue 7, defect 1). Such an endpoint is durable but can
 * never be answered; it is skipped from serving with ONE warning per endpoint, and everything else is
 * served. It stays in the record store until retired.
 */
public final class ServingGate implements ServingSink {
    private static final Logger LOG = LoggerFactory.getLogger(ServingGate.class);

    private final Authority authority;
    /** Whether the stamps are served too, as TXT at {@code _waymark.<endpoint>} (the server is an UPDATE target). */
    private final boolean stamps;
    /** Endpoints skipped so far, with why; bounded by the record store's endpoints. */
    private final Map<Endpoint, String> skipped = new ConcurrentHashMap<>();

    /**
     * Most servability verdicts kept (about 50 bytes each; a 100,000-endpoint fleet fits). Beyond it
     * verdicts are computed each time (correct, only slower), so a stream of ever new names cannot grow
     * the heap.
     */
    static final int VERDICTS_MAX = 1 << 17;

    /**
     * {@link #unservable} verdicts, valid for one set of zones. Why a cache: every plan restamps every
     * endpoint, so each enactor asked this for all of a plan's endpoints on every plan, and the
     * record store's commit asked again, a name-to-key conversion and a table walk each time (about a
     * tenth of an enactor's CPU per update at 100 endpoints). The verdict depends only on the zones
     * (managed names add authoritative nodes only, see {@link ServingSnapshot#unservable}), and the
     * zones object is carried unchanged into every snapshot derived from a snapshot: a snapshot with
     * other zones ({@link Authority#replace}) starts a fresh cache.
     */
    private record Verdicts(List<Zone> zones, ConcurrentHashMap<Endpoint, Optional<String>> byEndpoint) {}

    private final AtomicReference<Verdicts> verdicts = new AtomicReference<>(new Verdicts(List.of(), new ConcurrentHashMap<>()));

    public ServingGate(Authority authority) {
        this(authority, false);
    }

    /**
     * With {@code stamps}, every endpoint's stamp is served beside its records (TXT at
     * {@code _waymark.<endpoint>}, as the RFC 2136 store writes it on other servers): what an UPDATE's
     * prerequisite must name. Off unless the server takes UPDATEs: stamps tell the world plan generations.
     */
    public ServingGate(Authority authority, boolean stamps) {
        if (authority == null) throw new IllegalArgumentException("serving gate needs an authority");
        this.authority = authority;
        this.stamps = stamps;
    }

    @Override
    public void publish(Map<Endpoint, RecordSet> changed) {
        publish(changed, Set.of());
    }

    /** Retired endpoints stop being served in the same snapshot; an unservable one was never served, and the authority skips it. */
    @Override
    public void publish(Map<Endpoint, RecordSet> changed, Set<Endpoint> removed) {
        authority.applyManaged(servable(changed), removed);
        removed.forEach(skipped::remove);
    }

    /** As {@link #publish(Map, Set)}; with stamps on, each served endpoint's stamp is in the same snapshot. */
    @Override
    public void publishStamped(Map<Endpoint, StampedRecords> changed, Set<Endpoint> removed) {
        if (!stamps) {
            ServingSink.super.publishStamped(changed, removed);
            return;
        }
        Map<Endpoint, RecordSet> records = new HashMap<>(changed.size() * 2);
        changed.forEach((e, s) -> records.put(e, s.records().orElseThrow(() -> new IllegalArgumentException("published " + e + " without records"))));
        Map<Endpoint, RecordSet> servable = servable(records);
        Map<Endpoint, List<List<String>>> txt = new HashMap<>(servable.size() * 2);
        servable.forEach((e, r) -> txt.put(e, StampRecords.txt(changed.get(e).stamp(), r)));
        authority.applyManaged(servable, removed, txt);
        removed.forEach(skipped::remove);
    }

    private Map<Endpoint, RecordSet> servable(Map<Endpoint, RecordSet> changed) {
        Map<Endpoint, RecordSet> servable = new HashMap<>(changed.size() * 2);
        changed.forEach((endpoint, records) -> {
            Optional<String> why = unservable(endpoint);
            if (why.isEmpty()) {
                servable.put(endpoint, records);
            } else if (skipped.putIfAbsent(endpoint, why.get()) == null) {
                LOG.warn("endpoint {} is in the record store but not served: {}; skipped from serving (it leaves the record store when"
                        + " it is retired, which happens to endpoints that are not configured)", endpoint, why.get());
            }
        });
        return servable;
    }

    /** Stamps are served only when the server takes UPDATEs; otherwise a restamp changes no answer. */
    @Override
    public boolean servesStamps() {
        return stamps;
    }

    @Override
    public boolean removes() {
        return true;
    }

    /** As {@link Authority#unservable}, remembered per endpoint for as long as the served zones stay the same. */
    @Override
    public Optional<String> unservable(Endpoint endpoint) {
        if (endpoint == null) throw new IllegalArgumentException("endpoint must not be null");
        ServingSnapshot now = authority.current();
        Verdicts v = verdicts.get();
        if (v.zones() != now.zones()) {
            // Identity, not equality: equal-looking zones may still differ in a delegation or a CNAME.
            Verdicts fresh = new Verdicts(now.zones(), new ConcurrentHashMap<>());
            v = verdicts.compareAndSet(v, fresh) ? fresh : verdicts.get();
            if (v.zones() != now.zones()) return now.unservable(endpoint); // replaced again meanwhile: do not cache
        }
        Optional<String> known = v.byEndpoint().get(endpoint);
        if (known != null) return known;
        Optional<String> why = now.unservable(endpoint);
        if (v.byEndpoint().size() < VERDICTS_MAX) v.byEndpoint().putIfAbsent(endpoint, why);
        return why;
    }

    /** Verdicts remembered now, for the zones served now (tests: the cache must survive commits, not zone replacements). */
    int verdictsKept() {
        Verdicts v = verdicts.get();
        return v.zones() == authority.current().zones() ? v.byEndpoint().size() : 0;
    }

    /** Endpoints held by the record store that DNS does not answer for, with why (for the status view). */
    public Map<Endpoint, String> skipped() {
        return Map.copyOf(skipped);
    }
}
