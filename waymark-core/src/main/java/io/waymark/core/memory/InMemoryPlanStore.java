package io.waymark.core.memory;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Plan store held in memory, with the exact port semantics (CAS on the latest generation, the latest
 * plan undeletable). Used by tests, the simulator and the server's defaults. Every method is
 * synchronized: each call is one linearizable step, which is all the port promises.
 */
public final class InMemoryPlanStore implements PlanStore {
    private final TreeMap<Long, Plan> plans = new TreeMap<>();
    /** Highest generation ever published; survives deletes so generations are never reused. */
    private long latestGeneration = 0;
    private ControlFlags flags = ControlFlags.NONE;

    @Override
    public synchronized PublishOutcome publish(Generation expectedLatest, PlanDraft draft) {
        if (expectedLatest == null || draft == null) throw new IllegalArgumentException("publish needs an expected generation and a draft");
        if (expectedLatest.value() != latestGeneration) return new PublishOutcome.Conflict(Generation.of(latestGeneration));
        Plan plan = Plan.publish(Generation.of(latestGeneration).next(), draft);
        plans.put(plan.generation().value(), plan);
        latestGeneration = plan.generation().value();
        // Always on: the latest pointer must resolve (what enactors apply comes from it).
        if (plans.lastKey() != latestGeneration) throw new IllegalStateException("the latest plan " + latestGeneration + " is not the newest stored, " + plans.lastKey());
        return new PublishOutcome.Published(plan);
    }

    @Override
    public synchronized Optional<Plan> latest() {
        if (latestGeneration == 0) return Optional.empty();
        Plan plan = plans.get(latestGeneration);
        if (plan == null) throw new IllegalStateException("latest " + latestGeneration + " missing: delete must refuse the latest plan");
        return Optional.of(plan);
    }

    @Override
    public synchronized Optional<Plan> read(Generation generation) {
        return Optional.ofNullable(plans.get(generation.value()));
    }

    @Override
    public synchronized List<Generation> history() {
        List<Generation> out = new ArrayList<>(plans.size());
        for (long g : plans.keySet()) out.add(Generation.of(g));
        return out;
    }

    @Override
    public synchronized boolean delete(Generation generation) {
        if (generation.value() == latestGeneration && latestGeneration != 0) {
            throw new IllegalArgumentException("refusing to delete the latest plan " + generation);
        }
        return plans.remove(generation.value()) != null;
    }

    @Override
    public synchronized ControlFlags flags() {
        return flags;
    }

    @Override
    public synchronized boolean updateFlags(ControlFlags expected, ControlFlags next) {
        if (expected == null || next == null) throw new IllegalArgumentException("flags must not be null");
        if (!flags.equals(expected)) return false;
        this.flags = next;
        return true;
    }

    /**
     * Test and simulator hook: replaces a stored plan by a value whose hash no longer matches its
     * content, to model corruption at rest. Enactors must refuse it.
     */
    public synchronized void corruptForFaultInjection(Generation generation, Plan corrupted) {
        if (!plans.containsKey(generation.value())) throw new IllegalArgumentException("no plan " + generation);
        if (!corrupted.generation().equals(generation)) throw new IllegalArgumentException("corrupted plan must keep generation " + generation);
        plans.put(generation.value(), corrupted);
    }
}
