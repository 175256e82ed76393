package io.waymark.core.port;

import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import java.util.List;
import java.util.Optional;

/**
 * Plan history, the latest pointer and the control flags. Every method may throw
 * {@link StoreUnavailableException}. Implementations: in memory (tests), durable file (embedded),
 * etcd (distributed), simulated (waymark-sim).
 */
public interface PlanStore {
    /**
     * Compare-and-set on the latest generation: publishes {@code draft} only if the latest stored
     * generation is still {@code expectedLatest} ({@link Generation#ZERO} for an empty store), as a
     * generation strictly after {@code expectedLatest} — usually {@code expectedLatest + 1}, but a store
     * may skip generations: it hands out a generation above every generation it ever handed out, even
     * after its history was lost or repaired (I6: a generation names one plan content, forever; the
     * durable file store keeps a generation floor for this). Callers must accept any generation after
     * {@code expectedLatest}, never assume {@code + 1}. Two publishers can never both succeed from the
     * same {@code expectedLatest}. Durable before it returns {@link PublishOutcome.Published}.
     */
    PublishOutcome publish(Generation expectedLatest, PlanDraft draft);

    /** The newest plan, or empty when none was ever published. Never a deleted one. */
    Optional<Plan> latest();

    /** The plan of that generation, unless it was never published or has been deleted. */
    Optional<Plan> read(Generation generation);

    /** Generations still stored, ascending. */
    List<Generation> history();

    /**
     * Deletes one plan from history. Idempotent (deleting a missing plan returns false). Refuses
     * (IllegalArgumentException) to delete the latest plan: the latest pointer must always resolve.
     */
    boolean delete(Generation generation);

    ControlFlags flags();

    /**
     * Compare-and-set on the control flags: stores {@code next} only if the stored flags still equal
     * {@code expected}, atomically, durable before it returns true. Returns false (nothing written) when
     * the flags changed since {@code expected} was read. A read-modify-write of one flag through this
     * never loses another writer's flag (I7: an acknowledged pause or pin is never lost); see
     * {@link io.waymark.core.operator.Switches}.
     */
    boolean updateFlags(ControlFlags expected, ControlFlags next);
}
