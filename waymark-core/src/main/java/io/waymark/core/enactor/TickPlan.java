package io.waymark.core.enactor;

import io.waymark.core.model.Plan;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ConditionalApply;
import java.util.List;

/**
 * The first half of a tick: what {@link Enactor#prepare()} read and decided, before anything is
 * written. The simulator holds one of these for as long as it likes (a stalled enactor) and then
 * hands it to {@link Enactor#apply(TickPlan)} — the decision may be stale by then, which is harmless
 * because every write is a compare-and-set on the stamp read here.
 */
public sealed interface TickPlan {
    /** Nothing to write (paused, no plan, refused, store unavailable): apply returns this result as is. */
    record Finished(TickResult result) implements TickPlan {
        public Finished {
            if (result == null) throw new IllegalArgumentException("result must not be null");
        }
    }

    /**
     * Conditional applies to make, each carrying the stamp read in prepare as its expected value, and
     * {@code settled}: the endpoints prepare already settled itself (skipped, foreign, deferred — unreadable
     * stamps not healed because a newer plan appeared, see {@link Enactor#prepare()} — or failed) with the
     * errors it met. Endpoints visited = settled.visited() + applies.size().
     */
    record Writes(String enactorId, Plan plan, List<ConditionalApply> applies, TickCounts settled, List<String> errorDetails) implements TickPlan {
        public Writes {
            if (enactorId == null || plan == null || applies == null || settled == null || errorDetails == null) throw new IllegalArgumentException("writes parts must not be null");
            applies = List.copyOf(applies);
            errorDetails = List.copyOf(errorDetails);
            if (settled.applied() + settled.superseded() + settled.conflicts() + settled.healed() != 0) throw new IllegalArgumentException("prepare writes nothing: " + settled);
            Stamp stamp = plan.stamp();
            for (ConditionalApply a : applies) {
                if (!a.next().equals(stamp)) throw new IllegalArgumentException("every apply carries the plan's stamp");
                if (a.expected().generation().isAtLeast(plan.generation())) throw new IllegalArgumentException("apply planned for an endpoint already at " + a.expected());
            }
        }

        public int visited() {
            return settled.visited() + applies.size();
        }
    }
}
