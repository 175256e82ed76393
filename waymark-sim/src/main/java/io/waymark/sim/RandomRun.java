package io.waymark.sim;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.enactor.TickPlan;
import io.waymark.core.history.CleanupScan;
import io.waymark.core.history.HistoryCleaner;
import io.waymark.core.invariant.InvariantReport;
import io.waymark.core.invariant.Invariants;
import io.waymark.core.invariant.Observation;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One randomised schedule of Waymark's core code (planner bursts, three enactors that stall between
 * reading and writing, crash and restart with lost state, get partitioned from the stores; a history
 * cleaner that stalls between scan and delete; stores with latency, slowness and errors), everything
 * drawn from one seed. I1–I4 are checked after every event with
 * core's checker on the fault-free view; once faults stop, L1 (every endpoint serves the latest plan
 * within {@link #CONVERGE_MS}). The foundation the schedule explorer builds on.
 */
public final class RandomRun {
    public static final List<Endpoint> ENDPOINTS = List.of(Endpoint.of("api.example.test."), Endpoint.of("api6.example.test."), Endpoint.of("fips.example.test."));
    static final long FAULTS_UNTIL_MS = 300_000;
    static final long CONVERGE_MS = 60_000;
    static final int PLANS_MAX = 30;
    static final long EVENTS_MAX = 50_000;

    public record Result(long seed, List<String> trace, List<String> violations, long events, Generation latest) {
        public boolean ok() {
            return violations.isEmpty();
        }
    }

    private final Simulation sim;
    private final SplittableRandom random;
    private final SimPlanStore plans;
    private final SimRecordStore records;
    private final StoreFaults recordFaults;
    private final StoreFaults planFaults;
    private final List<String> violations = new ArrayList<>();
    private Observation observation = Observation.NONE;
    private int published = 0;
    private final boolean faults;

    private final io.waymark.core.port.RecordStore enactorRecords;

    private RandomRun(long seed, boolean faults, java.util.function.UnaryOperator<io.waymark.core.port.RecordStore> decorate) {
        sim = new Simulation(seed);
        this.faults = faults;
        random = sim.random();
        recordFaults = faults ? new StoreFaults(0.05, 0.05, 1, 20, 5_000) : new StoreFaults(0, 0, 1, 20, 0);
        planFaults = faults ? new StoreFaults(0.03, 0.03, 1, 10, 5_000) : new StoreFaults(0, 0, 1, 10, 0);
        plans = new SimPlanStore(sim, planFaults);
        records = new SimRecordStore(sim, recordFaults);
        enactorRecords = decorate.apply(records);
    }

    public static Result run(long seed, boolean faults) {
        return new RandomRun(seed, faults, java.util.function.UnaryOperator.identity()).go();
    }

    /**
     * Same, with the record store the enactors write through replaced by {@code decorate(store)}: how
     * tests show that the run catches a broken store (e.g. one whose write is not conditional).
     */
    public static Result run(long seed, boolean faults, java.util.function.UnaryOperator<io.waymark.core.port.RecordStore> decorate) {
        return new RandomRun(seed, faults, decorate).go();
    }

    private Result go() {
        for (String id : List.of("enactor-A", "enactor-B", "enactor-C")) {
            Partition partition = new Partition(sim, id);
            java.util.function.Supplier<Enactor> start = () -> new Enactor(id, partition.plans(plans), partition.records(enactorRecords), sim.split(), CONFIG);
            sim.at(random.nextLong(0, 5_000), id, () -> enactorPrepare(start.get(), start, partition));
        }
        HistoryCleaner cleaner = new HistoryCleaner(plans, records, 3, 100);
        sim.at(random.nextLong(5_000, 20_000), "cleaner", () -> cleanerScan(cleaner));
        sim.at(0, "planner", this::planner);
        sim.at(FAULTS_UNTIL_MS, "sim", () -> {
            plans.latency().setFaults(new StoreFaults(0, 0, 1, 10, 0));
            records.latency().setFaults(new StoreFaults(0, 0, 1, 20, 0));
            sim.log("sim", "faults stop");
        });
        long end = FAULTS_UNTIL_MS + CONVERGE_MS;
        sim.run(end, EVENTS_MAX, this::check);
        Generation latest = plans.truth().latest().map(Plan::generation).orElse(Generation.ZERO);
        for (Endpoint e : ENDPOINTS) {
            StampedRecords s = records.truth().read(e);
            if (!s.stamp().generation().equals(latest)) {
                violations.add("L1 convergence: " + e + " serves " + s.stamp().generation() + ", latest is " + latest + ", " + CONVERGE_MS + " ms after faults stopped");
            }
        }
        return new Result(sim.seed(), sim.trace().lines(), List.copyOf(violations), sim.executed(), latest);
    }

    private void planner() {
        if (published >= PLANS_MAX) return;
        // Bursts: sometimes several plans in quick succession.
        int burst = random.nextInt(10) == 0 ? 1 + random.nextInt(4) : 1;
        for (int i = 0; i < burst && published < PLANS_MAX; i++) {
            try {
                Generation expected = plans.latest().map(Plan::generation).orElse(Generation.ZERO);
                PublishOutcome o = plans.publish(expected, draft());
                if (o instanceof PublishOutcome.Published p) {
                    published++;
                    sim.log("planner", "published " + p.plan().generation());
                } else {
                    sim.log("planner", "publish " + o);
                }
            } catch (StoreUnavailableException e) {
                sim.log("planner", "plan store unavailable");
            }
        }
        sim.after(plans.latency().takeCharged() + random.nextLong(2_000, 15_000), "planner", this::planner);
    }

    private PlanDraft draft() {
        Map<Endpoint, RecordSet> m = new TreeMap<>();
        for (Endpoint e : ENDPOINTS) {
            List<WeightedAddress> lbs = new ArrayList<>();
            for (int i = 1; i <= 4; i++) if (i == 1 || random.nextInt(4) != 0) lbs.add(WeightedAddress.of("192.0.2." + i, 1 + random.nextInt(100)));
            m.put(e, new RecordSet(lbs, 5));
        }
        return PlanDraft.of(m);
    }

    static final EnactorConfig CONFIG = new EnactorConfig(100, 64, 3, 1.0, 10, 8);

    private boolean faultsOn() {
        return faults && sim.nowMillis() < FAULTS_UNTIL_MS;
    }

    private void enactorPrepare(Enactor e, java.util.function.Supplier<Enactor> restart, Partition partition) {
        if (faultsOn() && random.nextInt(40) == 0) partition.cut(random.nextLong(5_000, 60_000));
        TickPlan p = e.prepare();
        sim.log(e.id(), "prepared " + (p instanceof TickPlan.Writes w ? w.plan().generation() + " with " + w.applies().size() + " write(s)" : p.toString()));
        if (faultsOn() && random.nextInt(30) == 0) {
            // Crash between read and write: the decision and all in-memory state are lost; a fresh
            // process starts later.
            long down = random.nextLong(1_000, 30_000);
            sim.log(e.id(), "crashed; restarts in " + down + " ms");
            sim.after(plans.latency().takeCharged() + records.latency().takeCharged() + down, e.id(), () -> enactorPrepare(restart.get(), restart, partition));
            return;
        }
        // Stalls between read and write: GC pause, lost CPU, a partition -- up to a minute.
        long stall = random.nextInt(5) == 0 ? random.nextLong(0, 60_000) : 0;
        long latency = plans.latency().takeCharged() + records.latency().takeCharged();
        sim.after(latency + stall, e.id(), () -> {
            sim.log(e.id(), e.apply(p).toString());
            long next = plans.latency().takeCharged() + records.latency().takeCharged() + random.nextLong(1_000, 5_000);
            sim.after(next, e.id(), () -> enactorPrepare(e, restart, partition));
        });
    }

    private void cleanerScan(HistoryCleaner cleaner) {
        CleanupScan scan = cleaner.scan();
        sim.log("cleaner", "scan " + scan.oldestServed() + " " + scan.candidates());
        long stall = random.nextInt(3) == 0 ? random.nextLong(0, 40_000) : 0;
        sim.after(plans.latency().takeCharged() + records.latency().takeCharged() + stall, "cleaner", () -> {
            sim.log("cleaner", "finish " + cleaner.finish(scan).deleted());
            sim.after(plans.latency().takeCharged() + records.latency().takeCharged() + random.nextLong(5_000, 30_000), "cleaner", () -> cleanerScan(cleaner));
        });
    }

    private void check() {
        InvariantReport r = Invariants.check(plans.truth(), records.truth(), observation);
        for (var v : r.violations()) {
            violations.add("t=" + sim.nowMillis() + "ms " + v);
            sim.log("invariants", "VIOLATION " + v);
        }
        observation = r.observation();
    }
}
