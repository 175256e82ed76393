package io.waymark.core.enactor;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.util.List;
import java.util.Set;

/** A record store that fails every call while {@code down}, and counts batch calls. */
final class FlakyRecordStore implements RecordStore {
    private final RecordStore inner;
    boolean down;
    int batchCalls;

    FlakyRecordStore(RecordStore inner) {
        this.inner = inner;
    }

    private void check() {
        if (down) throw new StoreUnavailableException("injected: record store down");
    }

    @Override
    public StampedRecords read(Endpoint endpoint) {
        check();
        return inner.read(endpoint);
    }

    @Override
    public ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet records) {
        check();
        return inner.applyIfNewer(endpoint, expected, next, records);
    }

    @Override
    public List<ApplyOutcome> applyAllIfNewer(List<ConditionalApply> applies) {
        check();
        batchCalls++;
        return inner.applyAllIfNewer(applies);
    }

    @Override
    public Set<Endpoint> endpoints() {
        check();
        return inner.endpoints();
    }
}
