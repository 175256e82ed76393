package io.waymark.sim;

import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import java.util.Set;

/**
 * A record store with latency, slowness and injected errors, over core's in-memory store (whose
 * applyIfNewer is the linearizable compare-and-set). {@link #truth()} is the fault-free view.
 */
public final class SimRecordStore implements RecordStore {
    private RecordStore truth;
    private final StoreLatency latency;

    public SimRecordStore(Simulation sim, StoreFaults faults) {
        this(sim, faults, new InMemoryRecordStore());
    }

    /** Over any record store, e.g. the real embedded store on a simulated disk (the whole-system run's DISK fault). */
    public SimRecordStore(Simulation sim, StoreFaults faults, RecordStore backend) {
        this.latency = new StoreLatency(sim, "record-store", faults);
        this.truth = backend;
    }

    /** The store underneath, without latency or injected errors: what the checkers read. */
    public RecordStore truth() {
        return truth;
    }

    /** The in-memory store underneath, for tests that damage it on purpose; only for the in-memory constructor. */
    public InMemoryRecordStore memory() {
        if (truth instanceof InMemoryRecordStore m) return m;
        throw new IllegalStateException("this simulated record store is not over an in-memory store");
    }

    /** The store was reopened (after a crash): calls go to {@code reopened} from now on. */
    public void reopened(RecordStore reopened) {
        this.truth = reopened;
    }

    public StoreLatency latency() {
        return latency;
    }

    private long writes = 0;

    /** Writes that reached the store so far: the state the invariants read can only change when this does. */
    public long writes() {
        return writes;
    }

    @Override
    public StampedRecords read(Endpoint endpoint) {
        latency.call("read ", endpoint);
        return truth.read(endpoint);
    }

    @Override
    public ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet records) {
        latency.call("applyIfNewer ", endpoint);
        writes++;
        return truth.applyIfNewer(endpoint, expected, next, records);
    }

    @Override
    public boolean retire(Endpoint endpoint, Stamp expected) {
        latency.call("retire ", endpoint);
        writes++;
        return truth.retire(endpoint, expected);
    }

    @Override
    public Set<Endpoint> endpoints() {
        latency.call("endpoints");
        return truth.endpoints();
    }
}
