package io.waymark.sim;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A network partition between one process and the stores: while it lasts, every store call of that
 * process fails before reaching the store (so it has no effect). Other processes are unaffected.
 */
public final class Partition {
    private final Simulation sim;
    private final String process;
    private long untilMillis = -1;

    public Partition(Simulation sim, String process) {
        this.sim = sim;
        this.process = process;
    }

    public void cut(long durationMillis) {
        untilMillis = sim.nowMillis() + durationMillis;
        sim.log(process, "partitioned from the stores for " + durationMillis + " ms");
    }

    private void gate(String what) {
        if (sim.nowMillis() < untilMillis) throw new InjectedStoreError(process + " is partitioned from the " + what);
    }

    public PlanStore plans(PlanStore inner) {
        return new PlanStore() {
            public PublishOutcome publish(Generation expectedLatest, PlanDraft draft) { gate("plan store"); return inner.publish(expectedLatest, draft); }
            public Optional<Plan> latest() { gate("plan store"); return inner.latest(); }
            public Optional<Plan> read(Generation generation) { gate("plan store"); return inner.read(generation); }
            public List<Generation> history() { gate("plan store"); return inner.history(); }
            public boolean delete(Generation generation) { gate("plan store"); return inner.delete(generation); }
            public ControlFlags flags() { gate("plan store"); return inner.flags(); }
            public boolean updateFlags(ControlFlags expected, ControlFlags next) { gate("plan store"); return inner.updateFlags(expected, next); }
        };
    }

    public RecordStore records(RecordStore inner) {
        return new RecordStore() {
            public StampedRecords read(Endpoint endpoint) { gate("record store"); return inner.read(endpoint); }
            public ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet records) { gate("record store"); return inner.applyIfNewer(endpoint, expected, next, records); }
            public Set<Endpoint> endpoints() { gate("record store"); return inner.endpoints(); }
        };
    }
}
