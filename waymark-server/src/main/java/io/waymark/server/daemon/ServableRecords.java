package io.waymark.server.daemon;

import io.waymark.adapters.record.ServingSink;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.BatchRecordStore;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The record store as the daemon's roles see it: every apply is first checked against the serving
 * sink ({@link ServingSink#unservable}), BEFORE the store appends anything, so an endpoint the DNS
 * server cannot answer for never becomes durable (issue 7, defect 1: "let the sink check before
 * anything is made durable").
 *
 * <p>The configuration and the planner already refuse such endpoints; this is the downstream half of
 * the pair (STYLE.md 11), for a plan published by an older version or another planner. A refused apply
 * is answered {@link ApplyOutcome#SUPERSEDED}, because that is the one outcome after which an enactor
 * moves on without retrying — the endpoint can never be served, so there is nothing to retry — while
 * the other endpoints of the batch are applied as usual. Refusals are counted ({@link #refused()}).
 */
final class ServableRecords implements BatchRecordStore {
    private final RecordStore store;
    private final ServingSink sink;
    private final AtomicLong refused = new AtomicLong();

    ServableRecords(RecordStore store, ServingSink sink) {
        if (store == null || sink == null) throw new IllegalArgumentException("needs a record store and its sink");
        this.store = store;
        this.sink = sink;
    }

    @Override
    public StampedRecords read(Endpoint endpoint) {
        return store.read(endpoint);
    }

    @Override
    public List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
        if (applies == null) throw new IllegalArgumentException("applies must not be null");
        List<ConditionalApply> servable = new ArrayList<>(applies.size());
        boolean[] refusedAt = new boolean[applies.size()];
        for (int i = 0; i < applies.size(); i++) {
            ConditionalApply a = applies.get(i);
            Optional<String> why = a == null ? Optional.empty() : sink.unservable(a.endpoint());
            if (why.isPresent()) refusedAt[i] = true;
            else servable.add(a);
        }
        if (servable.size() == applies.size()) return store.applyAllIfNewer(applies);
        refused.addAndGet(applies.size() - servable.size());
        List<ApplyOutcome> written = servable.isEmpty() ? List.of() : store.applyAllIfNewer(servable);
        List<ApplyOutcome> outcomes = new ArrayList<>(applies.size());
        int next = 0;
        for (int i = 0; i < applies.size(); i++) outcomes.add(refusedAt[i] ? ApplyOutcome.SUPERSEDED : written.get(next++));
        return outcomes;
    }

    @Override
    public Set<Endpoint> endpoints() {
        return store.endpoints();
    }

    /** Retiring needs no servability check: it only ever stops serving a name. */
    @Override
    public boolean retire(Endpoint endpoint, Stamp expected) {
        return store.retire(endpoint, expected);
    }

    /** Applies refused because their endpoint cannot be served. */
    long refused() {
        return refused.get();
    }
}
