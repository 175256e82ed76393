package io.waymark.server.daemon;

import io.waymark.adapters.rfc2136.UpdateFence;
import io.waymark.core.model.Endpoint;
import io.waymark.core.port.StoreUnavailableException;
import io.waymark.dns.UpdateTarget;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Rcode;

/**
 * The embedded DNS server's UPDATE target in the daemon: every verified UPDATE goes through the
 * {@link UpdateFence} (one compare-and-set on the embedded record store), and every one that names a
 * managed endpoint is audited — applied ones as "dns-update", refused ones as "dns-update-refused"
 * with the reason — written at once and fsynced with the enactors' applied changes (at most a second
 * later: the record store holds the truth durably, and a refusal flood must not cost one fsync each).
 * A store that is down answers SERVFAIL (the server turns the exception into it): nothing was written.
 */
public final class FencedUpdates implements UpdateTarget {
    /** Endpoints named in one audit line at most; the count says how many there were. */
    private static final int AUDIT_NAMED_MAX = 16;

    private final UpdateFence fence;
    private final AuditLog audit;

    /** {@code audit} may be null (no audit log: benchmarks and tests of the wire alone). */
    public FencedUpdates(UpdateFence fence, AuditLog audit) {
        if (fence == null) throw new IllegalArgumentException("fenced updates need the fence");
        this.fence = fence;
        this.audit = audit;
    }

    /** The fence over the daemon's record store: endpoints must be configured and servable. */
    static FencedUpdates over(SupervisedRecordStore store, Set<Endpoint> configured, ServingGate gate, AuditLog audit) {
        UpdateFence.Store s = new UpdateFence.Store() {
            @Override
            public io.waymark.core.port.StampedRecords read(Endpoint endpoint) {
                return store.read(endpoint);
            }

            @Override
            public List<io.waymark.core.port.ApplyOutcome> applyAllOrNothing(List<io.waymark.core.port.ConditionalApply> applies) {
                return store.applyAllOrNothing(applies);
            }
        };
        Set<Endpoint> endpoints = Set.copyOf(configured);
        return new FencedUpdates(new UpdateFence(s, e -> endpoints.contains(e) ? gate.unservable(e)
                : java.util.Optional.of("not an endpoint of this Waymark's configuration")), audit);
    }

    @Override
    public Verdict apply(Request request) {
        UpdateFence.Decision d;
        try {
            d = fence.apply(request.zone(), request.prerequisites(), request.updates());
        } catch (StoreUnavailableException e) {
            throw new IllegalStateException("record store unavailable: " + e.getMessage(), e);
        }
        if (audit != null && !d.endpoints().isEmpty()) {
            List<Endpoint> named = d.endpoints().subList(0, Math.min(AUDIT_NAMED_MAX, d.endpoints().size()));
            String who = "dns-update key " + request.key() + " from " + request.source().getHostAddress();
            Map<String, String> fields = Map.of("zone", request.zone().toString(), "endpoints", named.toString(), "count", Integer.toString(d.endpoints().size()),
                    "rcode", Rcode.string(d.rcode()));
            audit.recordApplied(List.of(new AuditLog.Entry(who, d.applied() ? "dns-update" : "dns-update-refused", d.applied() ? "applied" : d.reason(), fields)));
        }
        return d.applied() ? Verdict.APPLIED : Verdict.refused(d.rcode(), d.reason());
    }
}
