package io.waymark.sim;

import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import io.waymark.sim.explore.Fault;
import io.waymark.sim.explore.FaultDice;
import java.util.SplittableRandom;

/**
 * The planner of every randomised schedule, Waymark's and legacy's alike: publishes up to
 * {@code plansMax} plans over the schedule's endpoints every 2–15 s, sometimes in bursts, and falls
 * quiet when the faults stop — L1 is convergence to the latest plan once the world is quiet (a plan
 * published just before the check is no convergence failure; seed 244660 found that).
 */
public final class ScheduledPlanner {
    private final Simulation sim;
    private final SimPlanStore plans;
    private final SplittableRandom random;
    private final FaultDice dice;
    private final int plansMax;
    private final int endpointsUsed;
    private final long faultsUntilMs;
    private int published = 0;

    public ScheduledPlanner(Simulation sim, SimPlanStore plans, SplittableRandom random, FaultDice dice, int plansMax, int endpointsUsed, long faultsUntilMs) {
        this.sim = sim;
        this.plans = plans;
        this.random = random;
        this.dice = dice;
        this.plansMax = plansMax;
        this.endpointsUsed = endpointsUsed;
        this.faultsUntilMs = faultsUntilMs;
    }

    public void start() {
        sim.at(0, "planner", this::tick);
    }

    public int published() {
        return published;
    }

    private void tick() {
        if (published >= plansMax || sim.nowMillis() >= faultsUntilMs) return;
        // Bursts: sometimes several plans in quick succession. Both draws happen whether or not the
        // burst fault is on, so that turning it off (shrinking) keeps every later draw in place.
        boolean burstCameUp = random.nextInt(10) == 0;
        int burstSize = 1 + random.nextInt(4);
        int burst = dice.fires(Fault.BURSTS, burstCameUp) ? burstSize : 1;
        for (int i = 0; i < burst && published < plansMax; i++) {
            try {
                Generation expected = plans.latest().map(Plan::generation).orElse(Generation.ZERO);
                PublishOutcome o = plans.publish(expected, ScheduleFleet.draw(random, endpointsUsed));
                if (o instanceof PublishOutcome.Published p) {
                    published++;
                    if (sim.tracing()) sim.log("planner", "published " + p.plan().generation() + " " + p.plan().recordSets());
                } else if (sim.tracing()) {
                    sim.log("planner", "publish " + o);
                }
            } catch (StoreUnavailableException e) {
                sim.log("planner", "plan store unavailable");
            }
        }
        sim.after(plans.latency().takeCharged() + random.nextLong(2_000, 15_000), "planner", this::tick);
    }
}
