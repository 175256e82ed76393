package io.waymark.sim.system;

import io.waymark.core.role.PlannerRole;

import io.waymark.core.enactor.ChangeGuard;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.planner.Planner;
import io.waymark.core.planner.PlannerResult;
import io.waymark.core.planner.SafetyPolicy;
import io.waymark.core.planner.SafetyRule;
import io.waymark.core.planner.ServedView;
import io.waymark.core.planner.TickTime;
import io.waymark.core.planner.Topology;
import io.waymark.core.port.PlanStore;
import java.util.Optional;

/**
 * What a planner process runs: the real core {@link Planner} ({@link #REAL}), or -- in tests that show the
 * run sees a defect once its fix has landed -- a copy of the old code. One instance per process
 * incarnation: a restart builds a new one (in-memory state lost).
 */
public interface PlannerUnderTest {
    /** One planner tick: core's {@link Planner#tick(Topology, HealthObservations, TickTime)}. */
    PlannerResult tick(Topology topology, HealthObservations health, TickTime now);

    /** What the safety rules want against {@code latest} (what an operator's forced publish publishes). */
    Optional<PlanDraft> desired(Topology topology, HealthObservations health, Optional<Plan> latest, TickTime now);

    /**
     * Whether the answer {@code last} may change without its inputs changing: a velocity rule held a target
     * back (its window will pass), or the change guard held a removal back (it waits for the enactors to
     * converge, which the planner reads from the record store). The simulator skips ticks with unchanged
     * inputs only when this is false.
     */
    default boolean waitingOnTime(PlannerResult last) {
        for (var e : last.safetyEvents()) if (e.rule() == SafetyRule.VELOCITY || e.rule() == SafetyRule.CHANGE_THRESHOLD) return true;
        return false;
    }

    /**
     * Builds the planner of one process incarnation, for enactors judging plans with {@code guard}, reading
     * what is served through {@code served} (as the daemon does, {@code recordStore::read}).
     */
    @FunctionalInterface
    interface Factory {
        PlannerUnderTest create(PlanStore plans, ServedView served, SafetyPolicy policy, ChangeGuard guard);
    }

    /**
     * The production planner, driven as the daemon drives it: through core's {@link PlannerRole} (health read
     * from a source at each step, the wall clock injected, the step's monotonic time). The role's topology is
     * fixed for its life (a configuration change restarts it in the daemon), so a new role is built when the
     * topology changes; the planner and its velocity ledger are the process's and survive that. A tick that
     * throws is a bug the role reports and survives; here it is rethrown, so the explorer reports it.
     */
    Factory REAL = (plans, served, policy, guard) -> {
        // The tick's time is always passed in (TickTime): the clock argument is for the one-clock tick, unused here.
        Planner planner = new Planner(plans, () -> {
            throw new IllegalStateException("the simulator passes every tick's time");
        }, policy, guard, served);
        return new PlannerUnderTest() {
            private Topology roleFor;
            private PlannerRole role;
            private HealthObservations health = HealthObservations.NONE;
            private long wallMillis;

            @Override
            public PlannerResult tick(Topology topology, HealthObservations observed, TickTime now) {
                if (role == null || roleFor != topology) {
                    role = new PlannerRole(planner, plans, topology, () -> health, e -> Optional.empty(), () -> wallMillis);
                    roleFor = topology;
                }
                health = observed;
                wallMillis = now.wallMillis();
                PlannerRole.Step step = role.step(now.monotonicNanos());
                if (step.bug().isPresent()) throw step.bug().get();
                return step.result().orElseThrow(() -> new IllegalStateException("the planner role planned nothing: " + step.condition().detail()));
            }

            @Override
            public Optional<PlanDraft> desired(Topology topology, HealthObservations observed, Optional<Plan> latest, TickTime now) {
                return planner.compute(topology, observed, latest, now).desired();
            }
        };
    };
}
