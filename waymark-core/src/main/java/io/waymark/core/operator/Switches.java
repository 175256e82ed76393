package io.waymark.core.operator;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.port.PlanStore;

/**
 * The operator switches kept in the plan store. Pause is the kill switch (enactors write nothing);
 * pin holds the current plan (the planner publishes nothing). Each call returns the flags now stored.
 */
public final class Switches {
    private final PlanStore planStore;

    public Switches(PlanStore planStore) {
        if (planStore == null) throw new IllegalArgumentException("switches need a plan store");
        this.planStore = planStore;
    }

    public ControlFlags pause() {
        return set(planStore.flags().withPaused(true));
    }

    public ControlFlags resume() {
        return set(planStore.flags().withPaused(false));
    }

    public ControlFlags pin() {
        return set(planStore.flags().withPinned(true));
    }

    public ControlFlags unpin() {
        return set(planStore.flags().withPinned(false));
    }

    private ControlFlags set(ControlFlags flags) {
        planStore.setFlags(flags);
        return flags;
    }
}
