package io.waymark.sim.system.old;

import io.waymark.core.model.HealthObservations;
import io.waymark.core.planner.PlannerResult;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.planner.TickTime;
import java.util.Optional;
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

    public static final PlannerUnderTest.Factory PLANNER = (plans, served, policy, guard) -> {
        // The old planner read one wall clock and knew nothing of the enactors' guard or of what is served.
        long[] wall = {0};
        OldPlanner p = new OldPlanner(plans, () -> wall[0], policy);
        return new PlannerUnderTest() {
            @Override
            public PlannerResult tick(Topology topology, HealthObservations health, TickTime now) {
                wall[0] = now.wallMillis();
                return p.tick(topology, health);
            }

            @Override
            public Optional<PlanDraft> desired(Topology topology, HealthObservations health, Optional<Plan> latest, TickTime now) {
                wall[0] = now.wallMillis();
                return Optional.of(p.compute(topology, health, latest, now.wallMillis()).draft());
            }
        };
    };

    /** The old planner; its health input reports unprobed targets as failing (the old "absent means down"). */
    public static final SystemRun.Options OLD_PLANNER = SystemRun.Options.DEFAULTS.withPlanner(PLANNER).withUnknownAsDown();
    /** The old clean-up, which reasons over every endpoint the record store holds. */
    public static final SystemRun.CleanerFactory CLEANER = (plans, records, retain, deletes) -> {
        OldHistoryCleaner c = new OldHistoryCleaner(plans, records, retain, deletes);
        return () -> {
            var scan = c.scan();
            return () -> c.finish(scan);
        };
    };

    /** The old configuration handling: no retirement, the old clean-up, the old planner. */
    public static final SystemRun.Options OLD_RETIREMENT = OLD_PLANNER.withoutRetirement().withCleaner(CLEANER);

    /** The old flags: read-modify-write, last writer wins. */
    public static final SystemRun.Options OLD_FLAGS = SystemRun.Options.DEFAULTS.withFlagsLastWriterWins();
}
