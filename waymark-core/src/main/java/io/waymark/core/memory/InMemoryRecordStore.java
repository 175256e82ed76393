package io.waymark.core.memory;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Record store held in memory with the exact port semantics: per-endpoint compare-and-set on the
 * stamp, records and stamp replaced together, empty record sets refused, a high-water generation per
 * endpoint that survives the loss of its stamp (fault injection) and its retirement. Synchronized so
 * each call is one linearizable step (a batch is a sequence of independent steps, as the port says).
 */
public final class InMemoryRecordStore implements RecordStore {
    private final TreeMap<Endpoint, StampedRecords> served = new TreeMap<>();
    /** Highest generation ever applied per endpoint; never lowered, not touched by fault injection. */
    private final TreeMap<Endpoint, Generation> highWater = new TreeMap<>();
    /** Retired endpoints and the generation they were retired at: they come back only above it. */
    private final TreeMap<Endpoint, Generation> retiredAt = new TreeMap<>();

    @Override
    public synchronized StampedRecords read(Endpoint endpoint) {
        StampedRecords live = served.get(endpoint);
        if (live != null) return live;
        Generation retired = retiredAt.get(endpoint);
        return retired == null ? StampedRecords.ABSENT : StampedRecords.tombstone(retired);
    }

    @Override
    public synchronized ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet records) {
        if (endpoint == null || expected == null || next == null) throw new IllegalArgumentException("apply parts must not be null");
        // I1 at the last boundary: RecordSet cannot be empty by construction, but a null or a
        // zero-weight set must never reach what is served, whoever the caller is.
        if (records == null || records.addresses().isEmpty() || records.weightSum() <= 0) {
            throw new IllegalArgumentException("refusing an empty record set for " + endpoint);
        }
        if (next.isNone()) throw new IllegalArgumentException("cannot apply the empty stamp to " + endpoint);
        Stamp current = read(endpoint).stamp();
        Generation high = highWater(endpoint);
        if (current.generation().isAtLeast(next.generation())) return ApplyOutcome.SUPERSEDED;
        if (high.isAfter(next.generation())) return ApplyOutcome.SUPERSEDED; // a heal may not land an old plan
        Generation retired = retiredAt.get(endpoint);
        if (retired != null && !next.generation().isAfter(retired)) return ApplyOutcome.SUPERSEDED; // nor resurrect a retired one
        if (!current.equals(expected)) return ApplyOutcome.CONFLICT;
        served.put(endpoint, new StampedRecords(next, Optional.of(records)));
        highWater.put(endpoint, next.generation());
        retiredAt.remove(endpoint);
        return ApplyOutcome.APPLIED;
    }

    @Override
    public synchronized boolean retire(Endpoint endpoint, Stamp expected) {
        if (endpoint == null || expected == null) throw new IllegalArgumentException("endpoint and expected stamp must not be null");
        Stamp current = read(endpoint).stamp();
        if (!current.equals(expected)) return false;
        if (served.remove(endpoint) != null) retiredAt.put(endpoint, current.generation()); // the high-water stays
        return true;
    }

    /** The highest generation ever applied to {@code endpoint} (ZERO if none), whatever its stamp says now. */
    public synchronized Generation highWater(Endpoint endpoint) {
        return highWater.getOrDefault(endpoint, Generation.ZERO);
    }

    @Override
    public synchronized List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
        List<ApplyOutcome> outcomes = new ArrayList<>(applies.size());
        for (ConditionalApply a : applies) outcomes.add(applyIfNewer(a.endpoint(), a.expected(), a.next(), a.records()));
        if (outcomes.size() != applies.size()) throw new IllegalStateException("one outcome per apply: " + outcomes.size() + " for " + applies.size());
        return outcomes;
    }

    @Override
    public synchronized Set<Endpoint> endpoints() {
        return Collections.unmodifiableSet(new TreeSet<>(served.keySet()));
    }

    /** Everything served, as one consistent copy (status views, invariant checks, tests). */
    public synchronized Map<Endpoint, StampedRecords> snapshot() {
        return Collections.unmodifiableMap(new TreeMap<>(served));
    }

    /**
     * Test and simulator hook: overwrites an endpoint's stored value without any check, to model a
     * stamp corrupted at rest (e.g. {@code Stamp.unreadable("garbage")}) or records written by hand.
     * Production code never calls this.
     */
    public synchronized void overwriteForFaultInjection(Endpoint endpoint, StampedRecords value) {
        if (endpoint == null || value == null) throw new IllegalArgumentException("endpoint and value must not be null");
        served.put(endpoint, value);
    }
}
