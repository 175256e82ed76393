package io.waymark.server.daemon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.BatchRecordStore;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One enactor's view of the record store: every conditional apply is timed
 * ({@code waymark_apply_seconds}), counted by outcome ({@code waymark_applies_total{outcome}}), and
 * every change that landed is written to the audit log — endpoint, generation before → after, records
 * before → after — in one line per endpoint and one fsync per batch. The store's semantics are
 * untouched: this only watches what passes through.
 */
final class AppliedChanges implements BatchRecordStore {
    private final String enactorId;
    private final RecordStore store;
    private final Map<Endpoint, StampedRecords> lastRead = new java.util.concurrent.ConcurrentHashMap<>();
    private final AuditLog audit;
    private final Timer latency;
    private final Map<ApplyOutcome, Counter> outcomes = new EnumMap<>(ApplyOutcome.class);

    AppliedChanges(String enactorId, RecordStore store, AuditLog audit, MeterRegistry metrics) {
        this.enactorId = enactorId;
        this.store = store;
        this.audit = audit;
        this.latency = Timer.builder("waymark_apply_seconds").tag("enactor", enactorId)
                .description("Latency of one conditional apply call (a batch counts once), durable write included")
                .publishPercentileHistogram().register(metrics);
        for (ApplyOutcome o : ApplyOutcome.values()) {
            outcomes.put(o, Counter.builder("waymark_applies_total").tag("enactor", enactorId).tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Conditional applies by outcome: applied, superseded (something newer is served), conflict (the stamp moved)").register(metrics));
        }
    }

    /**
     * The enactor reads an endpoint's stamp before it applies to it: what it read is what the change
     * replaced when the apply lands with that stamp expected (the "before" of the audit line), without
     * reading old plans back from disk. Bounded by the number of endpoints (one entry each).
     */
    @Override
    public StampedRecords read(Endpoint endpoint) {
        StampedRecords r = store.read(endpoint);
        lastRead.put(endpoint, r);
        return r;
    }

    @Override
    public List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
        long start = System.nanoTime();
        List<ApplyOutcome> result = applies.size() == 1
                ? List.of(store.applyIfNewer(applies.get(0).endpoint(), applies.get(0).expected(), applies.get(0).next(), applies.get(0).records()))
                : store.applyAllIfNewer(applies);
        latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        List<AuditLog.Entry> lines = new ArrayList<>();
        for (int i = 0; i < applies.size(); i++) {
            outcomes.get(result.get(i)).increment();
            if (result.get(i) == ApplyOutcome.APPLIED) lines.add(line(applies.get(i)));
        }
        audit.recordApplied(lines);
        return result;
    }

    private AuditLog.Entry line(ConditionalApply a) {
        StampedRecords was = lastRead.remove(a.endpoint());
        String after = text(a.records());
        // A restamp (every plan restamps every endpoint) keeps its records: render them once.
        RecordSet wasRecords = was == null ? null : was.records().orElse(null);
        String before = a.expected().generation().value() == 0 ? "none"
                : was != null && was.stamp().equals(a.expected()) ? (wasRecords == null ? "none" : wasRecords.equals(a.records()) ? after : text(wasRecords))
                : "the records of " + a.expected().generation();
        String from = a.expected().generation().toString(), to = a.next().generation().toString();
        return new AuditLog.Entry(enactorId, "apply", a.endpoint() + " " + from + " -> " + to,
                Map.of("endpoint", a.endpoint().name(), "from", from, "to", to, "before", before, "after", after));
    }

    private static String text(RecordSet rs) {
        StringBuilder out = new StringBuilder(rs.addresses().size() * 24 + 8);
        for (WeightedAddress w : rs.addresses()) {
            if (!out.isEmpty()) out.append(' ');
            out.append(w);
        }
        return out.append(" ttl ").append(rs.ttlSeconds()).toString();
    }

    @Override
    public Set<Endpoint> endpoints() {
        return store.endpoints();
    }

    @Override
    public boolean retire(Endpoint endpoint, Stamp expected) {
        return store.retire(endpoint, expected);
    }
}
