package io.waymark.sim;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.enactor.TickPlan;
import io.waymark.core.enactor.TickResult;
import io.waymark.core.history.CleanupScan;
import io.waymark.core.history.HistoryCleaner;
import io.waymark.core.invariant.InvariantReport;
import io.waymark.core.invariant.Invariants;
import io.waymark.core.invariant.Observation;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import io.waymark.sim.explore.Fault;
import io.waymark.sim.explore.FaultDice;
import io.waymark.sim.explore.Outcome;
import io.waymark.sim.explore.Schedule;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One randomised schedule of Waymark's core code (planner bursts, up to three enactors that stall between
 * reading and writing, crash and restart with lost state, get partitioned from the stores; a history
 * cleaner that stalls between scan and delete; stores with latency, slowness and errors), everything
 * drawn from one seed. I1–I4 are checked with core's checker on the fault-free view after every event
 * that wrote to a store (the state the checker reads cannot change otherwise); once faults stop, L1
 * (every endpoint serves the latest plan within {@link #CONVERGE_MS}). The explorer's unit of work.
 */
public final class RandomRun {
    public static final List<Endpoint> ENDPOINTS = ScheduleFleet.ENDPOINTS;
    static final List<String> ENACTOR_IDS = ScheduleFleet.ENACTOR_IDS;
    static final long FAULTS_UNTIL_MS = 300_000;
    static final long CONVERGE_MS = 60_000;
    static final int PLANS_MAX = Schedule.PLANS_MAX;
    static final long EVENTS_MAX = 50_000;
    static final int VIOLATION_LINES_MAX = 100;

    public record Result(long seed, List<String> trace, List<String> violations, long events, Generation latest) {
        public boolean ok() {
            return violations.isEmpty();
        }
    }

    private final Simulation sim;
    private final Schedule schedule;
    private final FaultDice dice;
    private final List<Endpoint> endpoints;
    private final SplittableRandom random;
    private final SimPlanStore plans;
    private final SimRecordStore records;
    private final List<String> violations = new ArrayList<>();
    private final List<String> broken = new ArrayList<>();
    private String target = "";
    private Observation observation = Observation.NONE;
    private final boolean stopAtFirst;
    private final boolean checkEveryEvent;
    private long checkedAtWrites = -1;

    private final RecordStore enactorRecords;

    private RandomRun(Schedule schedule, boolean tracing, boolean stopAtFirst, UnaryOperator<RecordStore> decorate, boolean decorated) {
        this.schedule = schedule;
        this.sim = new Simulation(schedule.seed(), tracing);
        this.dice = new FaultDice(schedule);
        this.stopAtFirst = stopAtFirst;
        // A decorated store may write around SimRecordStore's write counter: check after every event then.
        this.checkEveryEvent = decorated;
        this.endpoints = ENDPOINTS.subList(0, schedule.endpoints());
        random = sim.random();
        plans = new SimPlanStore(sim, storeFaults(0.03, 10));
        records = new SimRecordStore(sim, storeFaults(0.05, 20));
        enactorRecords = decorate.apply(records);
    }

    private StoreFaults storeFaults(double errorProbability, long latencyMsMax) {
        return new StoreFaults(dice.enabled(Fault.STORE_ERRORS) ? errorProbability : 0, dice.enabled(Fault.SLOWNESS) ? 0.05 : 0, 1, latencyMsMax, 5_000);
    }

    /** A traced run of the full schedule of {@code seed}: all faults, or none. */
    public static Result run(long seed, boolean faults) {
        return run(seed, faults, UnaryOperator.identity());
    }

    /**
     * Same, with the record store the enactors write through replaced by {@code decorate(store)}: how
     * tests show that the run catches a broken store (e.g. one whose write is not conditional).
     */
    public static Result run(long seed, boolean faults, UnaryOperator<RecordStore> decorate) {
        RandomRun r = new RandomRun(Schedule.of(seed, faults ? Fault.ALL : Fault.NONE), true, false, decorate, true);
        r.go();
        return new Result(seed, r.sim.trace().lines(), List.copyOf(r.violations), r.sim.executed(), r.latest());
    }

    /** The explorer's entry: one schedule, stopped at its first violation; traced only when asked (replay). */
    public static Outcome run(Schedule schedule, boolean tracing) {
        return run(schedule, tracing, "");
    }

    /** Same, stopped when {@code target} (an invariant's name; empty = any) is first broken. */
    public static Outcome run(Schedule schedule, boolean tracing, String target) {
        RandomRun r = new RandomRun(schedule, tracing, true, UnaryOperator.identity(), false);
        r.target = target;
        r.go();
        return Outcome.of(schedule, r.violations, r.broken, r.target, r.sim.trace().lines(), r.sim.executed(), r.dice.events());
    }

    private Generation latest() {
        return plans.truth().latest().map(Plan::generation).orElse(Generation.ZERO);
    }

    private void go() {
        // Draws for every possible enactor, so that a schedule shrunk to fewer keeps the others' chances.
        for (int i = 0; i < ENACTOR_IDS.size(); i++) {
            String id = ENACTOR_IDS.get(i);
            Partition partition = new Partition(sim, id);
            Supplier<Enactor> start = () -> new Enactor(id, partition.plans(plans), partition.records(enactorRecords), sim.split(), CONFIG);
            long at = random.nextLong(0, 5_000);
            if (i < schedule.enactors()) sim.at(at, id, () -> enactorPrepare(start.get(), start, partition));
        }
        HistoryCleaner cleaner = new HistoryCleaner(plans, records, 3, 100);
        sim.at(random.nextLong(5_000, 20_000), "cleaner", () -> cleanerScan(cleaner));
        new ScheduledPlanner(sim, plans, random, dice, schedule.plansMax(), endpoints.size(), FAULTS_UNTIL_MS).start();
        sim.at(FAULTS_UNTIL_MS, "sim", () -> {
            plans.latency().setFaults(new StoreFaults(0, 0, 1, 10, 0));
            records.latency().setFaults(new StoreFaults(0, 0, 1, 20, 0));
            sim.log("sim", "faults stop");
        });
        long end = FAULTS_UNTIL_MS + CONVERGE_MS;
        sim.run(end, EVENTS_MAX, this::check);
        if (sim.stopped()) return;
        Generation latest = latest();
        for (Endpoint e : endpoints) {
            StampedRecords s = records.truth().read(e);
            if (!s.stamp().generation().equals(latest)) {
                violate("L1_CONVERGENCE", "L1 convergence: " + e + " serves " + s.stamp().generation() + ", latest is " + latest + ", " + CONVERGE_MS + " ms after faults stopped");
            }
        }
    }

    private void violate(String invariant, String line) {
        if (!broken.contains(invariant)) broken.add(invariant);
        if (violations.size() < VIOLATION_LINES_MAX) violations.add(line);
    }


    static final EnactorConfig CONFIG = new EnactorConfig(100, 64, 3, 1.0, 10, 8);

    private boolean faultsOn() {
        return sim.nowMillis() < FAULTS_UNTIL_MS;
    }

    private void enactorPrepare(Enactor e, Supplier<Enactor> restart, Partition partition) {
        if (faultsOn()) {
            boolean cameUp = random.nextInt(40) == 0;
            long length = random.nextLong(5_000, 60_000);
            if (dice.fires(Fault.PARTITIONS, cameUp)) partition.cut(length);
        }
        TickPlan p = e.prepare();
        if (sim.tracing()) sim.log(e.id(), "prepared " + describe(p));
        if (faultsOn()) {
            boolean cameUp = random.nextInt(30) == 0;
            long down = random.nextLong(1_000, 30_000);
            if (dice.fires(Fault.CRASHES, cameUp)) {
                // Crash between read and write: the decision and all in-memory state are lost; a fresh
                // process starts later.
                sim.log(e.id(), "crashed; restarts in " + down + " ms");
                sim.after(plans.latency().takeCharged() + records.latency().takeCharged() + down, e.id(), () -> enactorPrepare(restart.get(), restart, partition));
                return;
            }
        }
        // Stalls between read and write: GC pause, lost CPU -- up to a minute.
        boolean stallCameUp = random.nextInt(5) == 0;
        long drawn = random.nextLong(0, 60_000);
        long stall = faultsOn() && dice.fires(Fault.STALLS, stallCameUp) ? dice.stall(drawn) : 0;
        if (stall > 0 && sim.tracing()) sim.log(e.id(), "stalls " + stall + " ms before writing");
        long latency = plans.latency().takeCharged() + records.latency().takeCharged();
        sim.after(latency + stall, e.id(), () -> {
            TickResult r = e.apply(p);
            if (sim.tracing()) sim.log(e.id(), r.toString());
            long next = plans.latency().takeCharged() + records.latency().takeCharged() + random.nextLong(1_000, 5_000);
            sim.after(next, e.id(), () -> enactorPrepare(e, restart, partition));
        });
    }

    private static String describe(TickPlan p) {
        if (p instanceof TickPlan.Writes w) {
            return w.plan().generation() + ": " + w.applies().stream().map(a -> a.endpoint() + " if stamp=" + a.expected().generation() + " -> " + a.next().generation()).toList();
        }
        return p.toString();
    }

    private void cleanerScan(HistoryCleaner cleaner) {
        CleanupScan scan = cleaner.scan();
        if (sim.tracing()) sim.log("cleaner", "scan: oldest served " + scan.oldestServed() + ", candidates " + scan.candidates());
        boolean cameUp = random.nextInt(3) == 0;
        long drawn = random.nextLong(0, 40_000);
        long stall = faultsOn() && dice.fires(Fault.STALLS, cameUp) ? dice.stall(drawn) : 0;
        if (stall > 0 && sim.tracing()) sim.log("cleaner", "stalls " + stall + " ms between scan and delete");
        sim.after(plans.latency().takeCharged() + records.latency().takeCharged() + stall, "cleaner", () -> {
            var finished = cleaner.finish(scan);
            if (sim.tracing()) sim.log("cleaner", "deleted " + finished.deleted());
            sim.after(plans.latency().takeCharged() + records.latency().takeCharged() + random.nextLong(5_000, 30_000), "cleaner", () -> cleanerScan(cleaner));
        });
    }

    private void check() {
        long writes = plans.writes() + records.writes();
        if (!checkEveryEvent && writes == checkedAtWrites) return;
        checkedAtWrites = writes;
        InvariantReport r = Invariants.check(plans.truth(), records.truth(), observation);
        for (var v : r.violations()) {
            violate(v.invariant().name(), "t=" + sim.nowMillis() + "ms " + v);
            sim.log("invariants", "VIOLATION " + v);
        }
        observation = r.observation();
        if (stopAtFirst && (target.isEmpty() ? !violations.isEmpty() : broken.contains(target))) sim.stop();
    }
}
