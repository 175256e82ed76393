package io.waymark.core.operator;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.StoreUnavailableException;
import java.util.function.UnaryOperator;

/**
 * The operator switches kept in the plan store. Pause is the kill switch (enactors write nothing);
 * pin holds the current plan (the planner publishes nothing). Each call returns the flags now stored.
 *
 * <p>Each switch changes one flag with a compare-and-set on the whole flags value, so a concurrent
 * change of the other flag (another operator, a rollback that pins) is re-read and kept, never
 * overwritten with a stale copy (I7).
 */
public final class Switches {
    /** CAS attempts before giving up: each failure means another writer changed the flags in between. */
    public static final int UPDATE_ATTEMPTS_MAX = 16;
    private final PlanStore planStore;

    public Switches(PlanStore planStore) {
        if (planStore == null) throw new IllegalArgumentException("switches need a plan store");
        this.planStore = planStore;
    }

    public ControlFlags pause() {
        return update(f -> f.withPaused(true));
    }

    public ControlFlags resume() {
        return update(f -> f.withPaused(false));
    }

    public ControlFlags pin() {
        return update(f -> f.withPinned(true));
    }

    public ControlFlags unpin() {
        return update(f -> f.withPinned(false));
    }

    /** Applies {@code change} to the stored flags atomically (bounded CAS retries); returns the flags now stored. */
    public ControlFlags update(UnaryOperator<ControlFlags> change) {
        for (int attempt = 0; attempt < UPDATE_ATTEMPTS_MAX; attempt++) {
            ControlFlags current = planStore.flags();
            ControlFlags next = change.apply(current);
            if (planStore.updateFlags(current, next)) return next;
        }
        throw new StoreUnavailableException("control flags changed under us " + UPDATE_ATTEMPTS_MAX + " times in a row; nothing written by this call");
    }
}
