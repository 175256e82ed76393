package io.waymark.sim;

import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A plan store with latency, slowness and injected errors, over core's in-memory store. The fault is
 * drawn before the operation, so a failed call had no effect. {@link #truth()} is the fault-free view
 * the invariant checker reads.
 */
public final class SimPlanStore implements PlanStore {
    private PlanStore truth;
    private final StoreLatency latency;

    public SimPlanStore(Simulation sim, StoreFaults faults) {
        this(sim, faults, new InMemoryPlanStore());
    }

    /** Over any plan store, e.g. the real file store on a simulated disk (the whole-system run's DISK fault). */
    public SimPlanStore(Simulation sim, StoreFaults faults, PlanStore backend) {
        this.latency = new StoreLatency(sim, "plan-store", faults);
        this.truth = backend;
    }

    /** The store underneath, without latency or injected errors: what the checkers read. */
    public PlanStore truth() {
        return truth;
    }

    /** The store was reopened (after a crash): calls go to {@code reopened} from now on. */
    public void reopened(PlanStore reopened) {
        this.truth = reopened;
    }

    public StoreLatency latency() {
        return latency;
    }

    private long writes = 0;

    /** Writes that reached the store so far (publish, delete, updateFlags). */
    public long writes() {
        return writes;
    }

    private Consumer<Plan> onPublished = p -> {};

    /** Tells {@code listener} of every plan this store hands out (the whole-system run's I6 ledger). */
    public void onPublished(Consumer<Plan> listener) {
        this.onPublished = listener;
    }

    @Override
    public PublishOutcome publish(Generation expectedLatest, PlanDraft draft) {
        latency.call("publish");
        writes++;
        PublishOutcome o = truth.publish(expectedLatest, draft);
        if (o instanceof PublishOutcome.Published p) onPublished.accept(p.plan());
        return o;
    }

    @Override
    public Optional<Plan> latest() {
        latency.call("latest");
        return truth.latest();
    }

    @Override
    public Optional<Plan> read(Generation generation) {
        latency.call("read ", generation);
        return truth.read(generation);
    }

    @Override
    public List<Generation> history() {
        latency.call("history");
        return truth.history();
    }

    @Override
    public boolean delete(Generation generation) {
        latency.call("delete ", generation);
        writes++;
        return truth.delete(generation);
    }

    @Override
    public ControlFlags flags() {
        latency.call("flags");
        return truth.flags();
    }

    @Override
    public boolean updateFlags(ControlFlags expected, ControlFlags next) {
        latency.call("updateFlags");
        writes++;
        return truth.updateFlags(expected, next);
    }
}
