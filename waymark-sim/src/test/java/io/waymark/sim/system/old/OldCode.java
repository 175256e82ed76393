package io.waymark.sim.system.old;

import io.waymark.core.model.HealthObservations;
import io.waymark.core.planner.PlannerResult;
import io.waymark.core.planner.SafetyRule;
import io.waymark.core.planner.Topology;
import io.waymark.sim.system.PlannerUnderTest;
import io.waymark.sim.system.SystemRun;

/**
 * The old behaviours of issue 7 (main at 33942b1) as whole-system run options: the old planner (whole-record-set
 * safety rules, a velocity ledger in memory that never lets a large target go, UNCHANGED after a guard
 * refusal, unprobed targets counted as unhealthy), and the old last-writer-wins flags.
 */
public final class OldCode {
    private OldCode() {}

    public static final PlannerUnderTest.Factory PLANNER = (plans, wall, policy) -> {
        OldPlanner p = new OldPlanner(plans, wall, policy);
        return new PlannerUnderTest() {
            @Override
            public PlannerResult tick(Topology topology, HealthObservations health) {
                return p.tick(topology, health);
            }

            @Override
            public boolean waitingOnTime(PlannerResult last, long wallMillis) {
                boolean held = last.safetyEvents().stream().anyMatch(e -> e.rule() == SafetyRule.VELOCITY);
                if (!held) return false;
                for (var list : p.ledger().removals().values()) {
                    for (var removal : list) if (removal.atMillis() > wallMillis - policy.velocityWindowMillis()) return true;
                }
                return false;
            }
        };
    };

    /** The old planner; its health input reports unprobed targets as failing (the old "absent means down"). */
    public static final SystemRun.Options OLD_PLANNER = SystemRun.Options.DEFAULTS.withPlanner(PLANNER).withUnknownAsDown();
    /** The old flags: read-modify-write, last writer wins. */
    public static final SystemRun.Options OLD_FLAGS = SystemRun.Options.DEFAULTS.withFlagsLastWriterWins();
}
