package io.waymark.sim.system;

import io.waymark.core.model.HealthObservations;
import io.waymark.core.planner.Planner;
import io.waymark.core.planner.PlannerResult;
import io.waymark.core.planner.SafetyRule;
import io.waymark.core.planner.SafetyPolicy;
import io.waymark.core.planner.Topology;
import io.waymark.core.port.Clock;
import io.waymark.core.port.PlanStore;

/**
 * What a planner process runs: the real core {@link Planner} ({@link #real}), or -- in tests that show the
 * run sees a defect once its fix has landed -- a copy of the old code. One instance per process
 * incarnation: a restart builds a new one (in-memory state lost).
 */
public interface PlannerUnderTest {
    /** One planner tick: core's {@link Planner#tick}. */
    PlannerResult tick(Topology topology, HealthObservations health);

    /**
     * Whether the answer {@code last} may change with time alone, at wall-clock time {@code wallMillis}: a
     * velocity rule held a target back and removals are still inside its window (when they leave it, the
     * budget grows). The simulator skips ticks with unchanged inputs only when this is false.
     */
    boolean waitingOnTime(PlannerResult last, long wallMillis);

    /** Builds the planner of one process incarnation. */
    @FunctionalInterface
    interface Factory {
        PlannerUnderTest create(PlanStore plans, Clock wall, SafetyPolicy policy);
    }

    /** The production planner. */
    Factory REAL = (plans, wall, policy) -> real(new Planner(plans, wall, policy), policy);

    static PlannerUnderTest real(Planner planner, SafetyPolicy policy) {
        return new PlannerUnderTest() {
            @Override
            public PlannerResult tick(Topology topology, HealthObservations health) {
                return planner.tick(topology, health);
            }

            @Override
            public boolean waitingOnTime(PlannerResult last, long wallMillis) {
                boolean held = false;
                for (var e : last.safetyEvents()) if (e.rule() == SafetyRule.VELOCITY) held = true;
                if (!held) return false;
                for (var list : planner.ledger().removals().values()) {
                    for (var removal : list) if (removal.atMillis() > wallMillis - policy.velocityWindowMillis()) return true;
                }
                return false;
            }
        };
    }
}
