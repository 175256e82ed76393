package io.waymark.sim.legacy;

import io.waymark.sim.ScheduleFleet;
import io.waymark.sim.ScheduledPlanner;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.StoreUnavailableException;
import io.waymark.sim.SimPlanStore;
import io.waymark.sim.Simulation;
import io.waymark.sim.StoreFaults;
import io.waymark.sim.explore.Fault;
import io.waymark.sim.explore.FaultDice;
import io.waymark.sim.explore.Outcome;
import io.waymark.sim.explore.Schedule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One randomised schedule of the legacy system (INCIDENT.md) built from {@link LegacyEnactor} and
 * {@link LegacyDns}: a planner (with bursts) on a plan store with errors and slowness; up to three
 * enactors that pick up the newest plan, check it once, then walk the endpoints taking each lock record
 * with exponential backoff, apply slow change batches, and clean up plans several generations older by
 * age; stalls after the check and inside backoff, crashes that lose the in-memory state (the lock
 * lingers until it expires), partitions from the stores, DNS batch errors, and clock skew (lock
 * expiries are written and compared on each process's own clock). After every event: I1 (an endpoint
 * that served resolves to an address), I2 (its plan generation never decreases), I4 (the alias never
 * names a deleted tree) and L2 (no endpoint is in a state where every batch is rejected because its
 * rollback target is gone; no enactor is stuck). At the end, L1 (every endpoint serves the latest plan).
 */
public final class LegacyRandomRun {
    static final long FAULTS_UNTIL_MS = 300_000;
    static final long END_MS = 360_000;
    static final long EVENTS_MAX = 50_000;
    static final int VIOLATION_LINES_MAX = 100;
    static final int CLEANUP_AGE_GENERATIONS = 3;
    static final long LOCK_LEASE_MS = 30_000;
    static final long SKEW_MS_MAX = 30_000;
    static final List<Endpoint> ENDPOINTS = ScheduleFleet.ENDPOINTS;
    static final List<String> ENACTOR_IDS = ScheduleFleet.ENACTOR_IDS;
    /** One enactor process: the legacy enactor object (replaced on a crash), its clock skew and partition. */
    private final class Process {
        final String id;
        final long skewMillis;
        LegacyEnactor enactor;
        long partitionedUntilMillis = -1;

        Process(String id, long skewMillis) {
            this.id = id;
            this.skewMillis = skewMillis;
            this.enactor = fresh();
        }

        LegacyEnactor fresh() {
            return new LegacyEnactor(id, plans, dns, sim.split(), CLEANUP_AGE_GENERATIONS, LOCK_LEASE_MS);
        }

        /** What this process's clock says: the simulation's time, off by its skew. */
        long clockMillis() {
            return sim.nowMillis() + skewMillis;
        }

        boolean partitioned() {
            return sim.nowMillis() < partitionedUntilMillis;
        }
    }

    private final Simulation sim;
    private final Schedule schedule;
    private final FaultDice dice;
    private final SplittableRandom random;
    private final SimPlanStore plans;
    private final LegacyDns dns = new LegacyDns();
    private final List<Endpoint> endpoints;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<Endpoint, Generation> highestServed = new HashMap<>();
    private final Set<String> reported = new LinkedHashSet<>();
    private final List<String> broken = new ArrayList<>();
    private String target = "";

    private LegacyRandomRun(Schedule schedule, boolean tracing) {
        this.schedule = schedule;
        this.sim = new Simulation(schedule.seed(), tracing);
        this.dice = new FaultDice(schedule);
        this.random = sim.random();
        this.endpoints = ENDPOINTS.subList(0, schedule.endpoints());
        this.plans = new SimPlanStore(sim, new StoreFaults(dice.enabled(Fault.STORE_ERRORS) ? 0.03 : 0, dice.enabled(Fault.SLOWNESS) ? 0.05 : 0, 1, 10, 5_000));
    }

    /** One schedule, stopped after the event that first broke an invariant; traced only when asked. */
    public static Outcome run(Schedule schedule, boolean tracing) {
        return run(schedule, tracing, "");
    }

    /** Same, stopped when {@code target} (an invariant's name; empty = any) is first broken. */
    public static Outcome run(Schedule schedule, boolean tracing, String target) {
        LegacyRandomRun r = new LegacyRandomRun(schedule, tracing);
        r.target = target;
        r.go();
        return Outcome.of(schedule, r.violations, r.broken, r.target, r.sim.trace().lines(), r.sim.executed(), r.dice.events());
    }

    private void go() {
        // Draws for every possible enactor, so that a schedule shrunk to fewer keeps the others' chances.
        for (int i = 0; i < ENACTOR_IDS.size(); i++) {
            String id = ENACTOR_IDS.get(i);
            long drawnSkew = random.nextLong(-SKEW_MS_MAX, SKEW_MS_MAX + 1);
            Process p = new Process(id, dice.enabled(Fault.SKEW) ? drawnSkew : 0);
            long at = random.nextLong(0, 5_000);
            if (i >= schedule.enactors()) continue;
            processes.add(p);
            if (p.skewMillis != 0) sim.log(id, "clock off by " + p.skewMillis + " ms");
            sim.at(at, id, () -> pickUp(p));
        }
        new ScheduledPlanner(sim, plans, random, dice, schedule.plansMax(), endpoints.size(), FAULTS_UNTIL_MS).start();
        sim.at(FAULTS_UNTIL_MS, "sim", () -> {
            plans.latency().setFaults(new StoreFaults(0, 0, 1, 10, 0));
            sim.log("sim", "faults stop");
        });
        sim.run(END_MS, EVENTS_MAX, this::check);
        if (sim.stopped()) return;
        Generation latest = plans.truth().latest().map(Plan::generation).orElse(Generation.ZERO);
        for (Endpoint e : endpoints) {
            Generation g = dns.aliasedGeneration(e).orElse(Generation.ZERO);
            if (!g.equals(latest)) violate("L1_CONVERGENCE", "L1 convergence: " + e + " serves " + g + ", latest is " + latest + ", " + (END_MS - FAULTS_UNTIL_MS) + " ms after faults stopped");
        }
        for (Process p : processes) {
            if (p.enactor.status() == LegacyEnactor.Status.STUCK) violate("L2_NO_STUCK_STATE", "L2 no stuck state: " + p.id + " cannot proceed: " + p.enactor.stuckReason());
        }
    }

    private boolean faultsOn() {
        return sim.nowMillis() < FAULTS_UNTIL_MS;
    }


    /** Poll: pick up the newest plan and make the one-time freshness check. */
    private void pickUp(Process p) {
        if (faultsOn()) {
            boolean cameUp = random.nextInt(40) == 0;
            long length = random.nextLong(5_000, 60_000);
            if (dice.fires(Fault.PARTITIONS, cameUp)) {
                p.partitionedUntilMillis = sim.nowMillis() + length;
                sim.log(p.id, "partitioned from the stores for " + length + " ms");
            }
        }
        if (p.partitioned()) {
            sim.after(random.nextLong(1_000, 5_000), p.id, () -> pickUp(p));
            return;
        }
        String line;
        try {
            line = p.enactor.pickUp();
        } catch (StoreUnavailableException e) {
            line = "plan store unavailable";
        }
        long latency = plans.latency().takeCharged();
        if (p.enactor.status() != LegacyEnactor.Status.WORKING) {
            // Idle or stuck: poll again later (a stuck enactor stays stuck: the batch it needs is rejected).
            if (sim.tracing() && p.enactor.status() != LegacyEnactor.Status.IDLE) sim.log(p.id, line);
            sim.after(latency + random.nextLong(1_000, 5_000), p.id, () -> pickUp(p));
            return;
        }
        sim.log(p.id, line);
        // Stall after the check (GC, lost CPU): the check goes stale while the enactor sleeps.
        boolean cameUp = random.nextInt(5) == 0;
        long drawn = random.nextLong(0, 60_000);
        long stall = faultsOn() && dice.fires(Fault.STALLS, cameUp) ? dice.stall(drawn) : 0;
        if (stall > 0) sim.log(p.id, "stalls " + stall + " ms after its check");
        sim.after(latency + stall, p.id, () -> lockStep(p));
    }

    /** Take the next endpoint's lock record; on failure back off (exponential, jittered, maybe stalled). */
    private void lockStep(Process p) {
        if (p.enactor.status() != LegacyEnactor.Status.WORKING) {
            sim.after(random.nextLong(1_000, 5_000), p.id, () -> pickUp(p));
            return;
        }
        if (faultsOn()) {
            boolean cameUp = random.nextInt(30) == 0;
            long down = random.nextLong(1_000, 30_000);
            if (dice.fires(Fault.CRASHES, cameUp)) {
                // Lost state: the plan, the endpoints left, the lock failures. A lock it holds lingers until it expires.
                sim.log(p.id, "crashed; restarts in " + down + " ms");
                p.enactor = p.fresh();
                sim.after(down, p.id, () -> pickUp(p));
                return;
            }
        }
        LegacyEnactor.Step s = p.partitioned() ? null : p.enactor.lockNext(p.clockMillis());
        if (s != null && s.stuck()) {
            sim.log(p.id, s.line());
            sim.after(random.nextLong(1_000, 5_000), p.id, () -> pickUp(p));
            return;
        }
        if (s == null || s.lockHeld()) {
            long backoff = p.enactor.backoffMillis(1_000, 60_000);
            boolean cameUp = random.nextInt(5) == 0;
            long drawn = random.nextLong(0, 60_000);
            long stall = faultsOn() && dice.fires(Fault.STALLS, cameUp) ? dice.stall(drawn) : 0;
            if (sim.tracing()) sim.log(p.id, (s == null ? "partitioned: cannot reach DNS" : s.line()) + "; retries in " + (backoff + stall) + " ms" + (stall > 0 ? " (stalled " + stall + " ms in backoff)" : ""));
            sim.after(backoff + stall, p.id, () -> lockStep(p));
            return;
        }
        if (sim.tracing()) sim.log(p.id, s.line());
        // The change batch takes time while the lock is held; a slow one may outlive the lock's lease.
        long batch = random.nextLong(50, 500);
        boolean slowCameUp = random.nextInt(20) == 0;
        long slow = random.nextLong(5_000, 25_000);
        if (faultsOn() && dice.fires(Fault.SLOWNESS, slowCameUp)) {
            batch += slow;
            sim.log(p.id, "its DNS change batch is slow: " + batch + " ms");
        }
        boolean errorCameUp = random.nextInt(20) == 0;
        boolean error = faultsOn() && dice.fires(Fault.STORE_ERRORS, errorCameUp);
        sim.after(batch, p.id, () -> applyStep(p, error));
    }

    private void applyStep(Process p, boolean error) {
        if (error || p.partitioned()) {
            sim.log(p.id, error ? "DNS change batch failed (injected error); backing off" : "partitioned: the change batch did not reach DNS");
            sim.after(p.enactor.backoffMillis(1_000, 60_000), p.id, () -> lockStep(p));
            return;
        }
        LegacyEnactor.Step s = p.enactor.applyNext(p.clockMillis());
        sim.log(p.id, s.line());
        if (s.stuck()) {
            sim.after(random.nextLong(1_000, 5_000), p.id, () -> pickUp(p));
            return;
        }
        if (s.lockHeld()) {
            // Our lease ran out during the batch and someone else holds the lock now: back off.
            sim.after(p.enactor.backoffMillis(1_000, 60_000), p.id, () -> lockStep(p));
            return;
        }
        if (!s.planDone()) {
            sim.after(random.nextLong(10, 200), p.id, () -> lockStep(p));
            return;
        }
        // Done with the plan: clean up plans several generations older, by age alone, one slow delete at a time.
        List<Generation> doomed = new ArrayList<>();
        Set<Generation> withTrees = new java.util.HashSet<>();
        for (LegacyDns.PlanTree t : dns.treesOlderThan(p.enactor.current().orElseThrow().generation())) withTrees.add(t.generation());
        for (Generation g : p.enactor.cleanupGenerations()) if (withTrees.contains(g)) doomed.add(g); // deleting a plan without trees is a no-op
        LegacyEnactor done = p.enactor;
        done.finishPlan();
        cleanUp(p, done, doomed, 0);
    }

    private void cleanUp(Process p, LegacyEnactor e, List<Generation> doomed, int next) {
        if (p.enactor != e) return; // crashed meanwhile
        if (next >= doomed.size()) {
            sim.after(random.nextLong(1_000, 5_000), p.id, () -> pickUp(p));
            return;
        }
        boolean cameUp = random.nextInt(5) == 0;
        long drawn = random.nextLong(0, 30_000);
        long stall = faultsOn() && dice.fires(Fault.STALLS, cameUp) ? dice.stall(drawn) : 0;
        sim.after(random.nextLong(100, 2_000) + stall, p.id, () -> {
            if (p.enactor != e) return;
            if (p.partitioned()) {
                sim.after(random.nextLong(1_000, 5_000), p.id, () -> cleanUp(p, e, doomed, next));
                return;
            }
            sim.log(p.id, e.cleanUp(doomed.get(next)));
            cleanUp(p, e, doomed, next + 1);
        });
    }

    private void violate(String invariant, String line) {
        if (!broken.contains(invariant)) broken.add(invariant);
        if (violations.size() < VIOLATION_LINES_MAX) violations.add(line);
        sim.log("invariants", "VIOLATION " + line);
    }

    /** I1, I2, I4 and L2 on the legacy DNS after every event; stops the run at the first violation. */
    private void check() {
        for (Endpoint e : endpoints) {
            boolean served = highestServed.containsKey(e);
            boolean resolves = !dns.resolve(e).isEmpty();
            if (resolves) {
                Generation now = dns.aliasedGeneration(e).orElseThrow();
                Generation before = highestServed.getOrDefault(e, Generation.ZERO);
                if (now.compareTo(before) < 0 && reported.add("I2 " + e)) {
                    violate("I2_MONOTONIC", "t=" + sim.nowMillis() + "ms I2_MONOTONIC at " + e + ": serves " + now + " after having served " + before);
                }
                if (now.isAfter(before)) highestServed.put(e, now);
            } else if (served && reported.add("I1 " + e)) {
                String g = dns.aliasedGeneration(e).map(Generation::toString).orElse("?");
                violate("I1_NEVER_EMPTY", "t=" + sim.nowMillis() + "ms I1_NEVER_EMPTY at " + e + ": served before (up to " + highestServed.get(e) + "), now resolves to no address (NOERROR, empty answer)");
                violate("I4_NO_LIVE_DELETION", "t=" + sim.nowMillis() + "ms I4_NO_LIVE_DELETION at " + e + ": the alias points at the tree of " + g + ", which clean-up deleted");
                violate("L2_NO_STUCK_STATE", "t=" + sim.nowMillis() + "ms L2_NO_STUCK_STATE at " + e + ": every later batch is rejected (its rollback record would point at the deleted tree): no enactor can apply any plan");
            }
        }
        for (Process p : processes) {
            if (p.enactor.status() == LegacyEnactor.Status.STUCK && reported.add("L2 " + p.id)) {
                violate("L2_NO_STUCK_STATE", "t=" + sim.nowMillis() + "ms L2_NO_STUCK_STATE: " + p.id + " cannot proceed: " + p.enactor.stuckReason());
            }
        }
        if (target.isEmpty() ? !violations.isEmpty() : broken.contains(target)) sim.stop();
    }
}
