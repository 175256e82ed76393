package io.waymark.sim.system;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.enactor.TickPlan;
import io.waymark.core.enactor.TickResult;
import io.waymark.core.enactor.TickStatus;
import io.waymark.core.history.CleanupScan;
import io.waymark.core.history.HistoryCleaner;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.RecordStore;
import io.waymark.core.role.RetireRole;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.planner.EndpointSpec;
import io.waymark.core.planner.PlannerResult;
import io.waymark.core.planner.SafetyPolicy;
import io.waymark.core.port.StampedRecords;
import io.waymark.sim.Partition;
import io.waymark.sim.SimPlanStore;
import io.waymark.sim.SimRecordStore;
import io.waymark.sim.Simulation;
import io.waymark.sim.StoreFaults;
import io.waymark.sim.explore.Explorer;
import io.waymark.sim.explore.Fault;
import io.waymark.sim.explore.FaultDice;
import io.waymark.sim.explore.Outcome;
import io.waymark.sim.explore.Schedule;
import io.waymark.sim.explore.Shrinker;
import io.waymark.sim.scenario.Algorithm;
import io.waymark.core.invariant.GenerationLedger;
import io.waymark.sim.invariant.PlannerDecisions;
import io.waymark.sim.invariant.ServedInvariants;
import io.waymark.sim.invariant.SystemInvariant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One randomised schedule of the whole system (issue 7, part 1): the REAL core planner and safety rules
 * fed by simulated health (dual-stack endpoints whose IPv4 and IPv6 targets fail independently, capacities,
 * health unknown after a restart), one or two planner processes that crash and lose their memory and
 * whose wall clocks step; operators pausing, resuming, pinning, unpinning, rolling back and forcing
 * through the real core operator classes, concurrently and stalled between read and write; endpoints
 * added and removed from the configuration and a DNS zone removed; enactors with a change threshold below
 * one; and, as in {@code RandomRun}, enactors and a cleaner that stall, crash, get partitioned and meet
 * store errors. Everything from one seed.
 *
 * <p>After every event that changed what the checks read: I1 per (endpoint, address family), I2, I3, I4
 * ({@link ServedInvariants}); at every flags write I7 (core's LeverLedger, {@link Levers}); at every plan
 * handed out or found after a reopen I6 (core's {@link GenerationLedger}); at every planner publication U1 and V1 ({@link PlannerDecisions}). Faults
 * stop at {@link #FAULTS_UNTIL_MS}; operators lift their levers at {@link #LEVERS_LIFTED_MS}; within
 * {@link #CONVERGE_MS} after that (the stated bound of L1: enough velocity windows to remove every down
 * target of an endpoint one by one, plus a minute for the enactors) L2 (no refusal that persists with no
 * newer plan coming; clean-up not stopped) and L1 (every live endpoint serves the latest plan, no down
 * target is served where the rules allow its removal, every removed endpoint is retired).
 */
public final class SystemRun {
    public static final long FAULTS_UNTIL_MS = 300_000;
    /** Every operator request started before the faults stopped has finished by then (stalls stop with the faults). */
    public static final long LEVERS_LIFTED_MS = 330_000;
    public static final long CONVERGE_MS = 150_000;
    static final long EVENTS_MAX = 100_000;
    static final int VIOLATION_LINES_MAX = 100;
    static final int RETAIN_NEWEST = 3;
    static final long SUPERVISOR_STEP_MS = 1_000;
    /** As the daemon's: once nothing is left to retire, the record store's endpoints are scanned every 10 s at most. */
    static final long RETIRE_SCAN_INTERVAL_NANOS = 10_000_000_000L;
    /** With DISK on, one schedule in this many runs on the real stores over the simulated disk. */
    static final int DISK_SHARE = 8;
    static final List<String> ENACTOR_IDS = List.of("enactor-A", "enactor-B", "enactor-C");
    /** The shipped example's rules with a 15 s window, so that several windows fit in the quiet period. */
    public static final SafetyPolicy POLICY = new SafetyPolicy(true, 0.5, 0.25, 15_000);

    /**
     * Old behaviours of issue 7 injected on purpose, so that tests keep showing the run sees each defect after
     * its fix has landed: the flags written last-writer-wins (defect 6), unprobed targets reported failing
     * (defect 12), another planner (a copy of the old one: defects 5, 7, 8). Off by default: the real code.
     */
    public record Options(boolean flagsLastWriterWins, boolean unknownAsDown, PlannerUnderTest.Factory planner, boolean retire, CleanerFactory cleaner) {
        public static final Options DEFAULTS = new Options(false, false, PlannerUnderTest.REAL, true, CleanerFactory.REAL);

        public Options withFlagsLastWriterWins() {
            return new Options(true, unknownAsDown, planner, retire, cleaner);
        }

        public Options withUnknownAsDown() {
            return new Options(flagsLastWriterWins, true, planner, retire, cleaner);
        }

        public Options withPlanner(PlannerUnderTest.Factory p) {
            return new Options(flagsLastWriterWins, unknownAsDown, p, retire, cleaner);
        }

        /** No retire role (the old code had none: an endpoint that left the configuration stayed served, defect 9). */
        public Options withoutRetirement() {
            return new Options(flagsLastWriterWins, unknownAsDown, planner, false, cleaner);
        }

        public Options withCleaner(CleanerFactory c) {
            return new Options(flagsLastWriterWins, unknownAsDown, planner, retire, c);
        }
    }

    /** The history cleaner under test: core's, or (tests) a copy of the old one. Two steps, so that it can stall between them. */
    @FunctionalInterface
    public interface Cleaner {
        /** Scan; returns the finishing step (the deletes, re-checked). */
        Runnable scan();
    }

    @FunctionalInterface
    public interface CleanerFactory {
        Cleaner create(PlanStore plans, RecordStore records, int retainNewest, int deletesPerRunMax);

        CleanerFactory REAL = (plans, records, retain, deletes) -> {
            HistoryCleaner c = new HistoryCleaner(plans, records, retain, deletes);
            return () -> {
                CleanupScan scan = c.scan();
                return () -> c.finish(scan);
            };
        };
    }

    final Simulation sim;
    final Schedule schedule;
    final FaultDice dice;
    final SplittableRandom random;
    final SimPlanStore plans;
    final SimRecordStore records;
    /** The real stores on a simulated disk (DISK), or null: core's in-memory stores. */
    private final DurableStores durable;
    final HealthWorld world = new HealthWorld();
    final SystemConfig config;
    final Options options;
    final Levers levers = new Levers();
    private GenerationLedger generations = GenerationLedger.EMPTY;
    private final ServedInvariants served = new ServedInvariants(SystemFleet.ENDPOINTS);
    private final PlannerDecisions decisions = new PlannerDecisions(SystemFleet.CATALOGUE, POLICY.velocityMaxRemovedFraction(), POLICY.velocityWindowMillis());
    private final List<PlannerProcess> planners = new ArrayList<>();
    private final TickResult[] lastTick = new TickResult[ENACTOR_IDS.size()];
    final EnactorConfig enactorConfig;
    private final List<String> violations = new ArrayList<>();
    private final List<String> broken = new ArrayList<>();
    private final String target;
    private long checkedAtWrites = -1;
    private long checkedAtConfig = -1;

    private SystemRun(Schedule schedule, boolean tracing, String target, Options options) {
        this.schedule = schedule;
        this.target = target;
        this.options = options;
        this.sim = new Simulation(schedule.seed(), tracing);
        this.dice = new FaultDice(schedule);
        this.random = sim.random();
        // Drawn whether or not DISK is on, so that the rest keeps its course. One schedule in eight runs
        // on the disk: the real stores cost about twice a schedule, mostly reopening (decoding) their logs.
        SplittableRandom diskRandom = sim.split();
        boolean onDisk = random.nextInt(DISK_SHARE) == 0;
        durable = dice.enabled(Fault.DISK) && onDisk ? new DurableStores(diskRandom, sim::nowMillis, this::violate, this::plansReopened) : null;
        plans = durable == null ? new SimPlanStore(sim, storeFaults(0.03, 10)) : new SimPlanStore(sim, storeFaults(0.03, 10), durable.planStore);
        records = durable == null ? new SimRecordStore(sim, storeFaults(0.05, 20)) : new SimRecordStore(sim, storeFaults(0.05, 20), durable.recordStore);
        plans.onPublished(p -> seen(p, "handed out by publish"));
        config = new SystemConfig(2 * schedule.endpoints(), random);
        double threshold = 0.3 + 0.1 * random.nextInt(4);
        int minServed = 2 + random.nextInt(3);
        enactorConfig = dice.enabled(Fault.THRESHOLD) ? new EnactorConfig(100, 64, 3, threshold, minServed, 8) : new EnactorConfig(100, 64, 3, 1.0, 10, 8);
    }

    /** I6 through core's {@link GenerationLedger}: every plan handed out or found after a reopen. */
    void seen(Plan p, String where) {
        GenerationLedger.Seen s = generations.observe(p, where);
        generations = s.ledger();
        s.violation().ifPresent(v -> violate(SystemInvariant.I6_NO_REUSED_GENERATION, "t=" + sim.nowMillis() + "ms I6_NO_REUSED_GENERATION: " + v.detail()));
    }

    private StoreFaults storeFaults(double errorProbability, long latencyMsMax) {
        return new StoreFaults(dice.enabled(Fault.STORE_ERRORS) ? errorProbability : 0, dice.enabled(Fault.SLOWNESS) ? 0.05 : 0, 1, latencyMsMax, 5_000);
    }

    /** A runner for the explorer's shrinker and replay with {@code options} injected; an escaping exception is a finding. */
    public static Shrinker.Runner runner(Options options) {
        return Explorer.guarded((s, tracing, target) -> run(s, tracing, target, options));
    }

    /** Regenerates, shrinks and traces the whole-system schedule of {@code seed} (all faults) with {@code options}. */
    public static Explorer.Finding finding(long seed, String target, Options options) {
        return Explorer.replay(runner(options), Algorithm.WAYMARK, seed, Fault.ALL, target);
    }

    /** The explorer's entry: one schedule, stopped when {@code target} (empty = any invariant) first breaks. */
    public static Outcome run(Schedule schedule, boolean tracing, String target) {
        return run(schedule, tracing, target, Options.DEFAULTS);
    }

    public static Outcome run(Schedule schedule, boolean tracing, String target, Options options) {
        SystemRun r = new SystemRun(schedule, tracing, target, options);
        r.go();
        return Outcome.of(schedule, r.violations, r.broken, target, r.sim.trace().lines(), r.sim.executed(), r.dice.events());
    }

    boolean faultsOn() {
        return sim.nowMillis() < FAULTS_UNTIL_MS;
    }

    private void go() {
        if (sim.tracing()) sim.log("sim", "configured: " + config.topology().endpoints().keySet() + "; enactors' change threshold " + enactorConfig.changeThreshold()
                + " (judged from " + enactorConfig.changeGuardMinServed() + " served addresses)");
        startEnactors();
        Cleaner cleaner = options.cleaner().create(plans, records, RETAIN_NEWEST, 100);
        sim.at(random.nextLong(5_000, 20_000), "cleaner", () -> cleanerScan(cleaner));
        sim.at(random.nextLong(2_000, 10_000), "retire", this::retireStep);
        PlannerProcess first = new PlannerProcess(this, "planner-1");
        PlannerProcess second = new PlannerProcess(this, "planner-2");
        long secondAt = random.nextLong(0, 10_000);
        // Half the schedules run the second planner: planners are most of a schedule's cost, and one in two
        // meets every race between them often enough (drawn whether or not PLANNERS is on).
        boolean twoPlanners = random.nextBoolean();
        planners.add(first);
        first.start(0);
        if (dice.enabled(Fault.PLANNERS) && twoPlanners) {
            planners.add(second);
            second.start(secondAt);
        }
        sim.at(random.nextLong(4_000, 25_000), "health", this::healthStep);
        sim.at(random.nextLong(10_000, 40_000), "config", this::configStep);
        sim.at(random.nextLong(10_000, 120_000), "storage", this::storageStep);
        if (durable != null) sim.at(SUPERVISOR_STEP_MS, "supervisor", this::superviseStep);
        new OperatorDesk(this).start();
        sim.at(FAULTS_UNTIL_MS, "sim", () -> {
            plans.latency().setFaults(new StoreFaults(0, 0, 1, 10, 0));
            records.latency().setFaults(new StoreFaults(0, 0, 1, 20, 0));
            if (durable != null) durable.faultsStop();
            if (sim.tracing()) sim.log("sim", "faults stop; targets down: " + world.describeDown());
        });
        sim.run(LEVERS_LIFTED_MS + CONVERGE_MS, EVENTS_MAX, this::check);
        if (sim.stopped()) return;
        new QuietChecks(this).run();
    }

    // ---- the world ----

    private int healthEvents = 0;

    /**
     * The world's workload, as plans are the protocol-only run's: the schedule's {@code plansMax} bounds how
     * many health events fire, so that the shrinker can make the world calmer.
     */
    private void healthStep() {
        if (!faultsOn()) return;
        boolean cameUp = random.nextInt(2) == 0 && healthEvents < schedule.plansMax();
        String line = world.step(random, dice.fires(Fault.HEALTH, cameUp));
        if (line != null) {
            healthEvents++;
            sim.log("health", line);
        }
        sim.after(random.nextLong(4_000, 25_000), "health", this::healthStep);
    }

    private RetireRole retirer;
    private long retirerFor = -1;

    /**
     * The daemon's retire role, every 5-15 s: tombstones endpoints the record store holds that left the
     * configuration (conditionally on the stamp it read). A configuration change is a restart of the role
     * (its configured set is fixed for its life), so a new one is built when the configuration changed.
     */
    private void retireStep() {
        if (options.retire()) {
            if (retirerFor != config.version()) {
                retirer = new RetireRole(records, records::retire, plans, config.topology().endpoints().keySet(), 4, RETIRE_SCAN_INTERVAL_NANOS);
                retirerFor = config.version();
            }
            RetireRole.Step s = retirer.step(Math.multiplyExact(sim.nowMillis(), 1_000_000L));
            if (sim.tracing() && !s.retired().isEmpty()) sim.log("retire", "retired " + s.retired());
        }
        sim.after(records.latency().takeCharged() + random.nextLong(5_000, 15_000), "retire", this::retireStep);
    }

    private void configStep() {
        if (!faultsOn()) return;
        boolean cameUp = random.nextInt(3) == 0;
        List<Integer> removed = new ArrayList<>();
        String line = config.step(random, dice.fires(Fault.CONFIG, cameUp), sim.nowMillis(), removed);
        for (int i : removed) served.retire(i);
        if (line != null) sim.log("config", line);
        sim.after(random.nextLong(10_000, 40_000), "config", this::configStep);
    }

    /**
     * DISK: the storage process crashes every 30-120 s (chance 1/3) and both stores reopen from the disk
     * (a reopen decodes the whole log: the costliest event of a run, so a few per run).
     */
    private void storageStep() {
        if (!faultsOn()) return;
        boolean cameUp = random.nextInt(3) == 0;
        if (durable != null && dice.fires(Fault.DISK, cameUp)) {
            String line = durable.crashAndReopen();
            if (sim.tracing()) sim.log("storage", line);
            stopIfFound();
        }
        sim.after(random.nextLong(30_000, 120_000), "storage", this::storageStep);
    }

    /** After every reopen of the plan store (a crash, or its supervisor): I6 over every plan it holds, I7 over its flags. */
    private void plansReopened() {
        PlanStore p = checkedPlans();
        for (Generation g : p.history()) p.read(g).ifPresent(plan -> seen(plan, "found after a reopen"));
        levers.check(p.flags(), "a reopen of the plan store", sim.nowMillis(), this::violate);
    }

    /** DISK: the daemon's store supervisors, stepped every second (the daemon: every 100 ms). */
    private void superviseStep() {
        String line = durable.supervise(Math.multiplyExact(sim.nowMillis(), 1_000_000L));
        if (!line.isEmpty() && sim.tracing()) sim.log("supervisor", line);
        stopIfFound();
        sim.after(SUPERVISOR_STEP_MS, "supervisor", this::superviseStep);
    }

    // ---- planner and operator publications ----

    void plannerPublished(PlannerProcess p, PlannerResult r) {
        Plan next = r.published().orElseThrow();
        if (sim.tracing()) sim.log(p.id, "published " + next.generation() + " " + next.recordSets() + (r.safetyEvents().isEmpty() ? "" : " " + r.safetyEvents()));
        Optional<Plan> previous = r.latestBefore().value() == 0 ? Optional.empty() : checkedPlans().read(r.latestBefore());
        previous.ifPresent(prev -> decisions.published(p.id, prev, next, sim.nowMillis(), world::everDown, config::live, SystemFleet::target, this::violate));
        stopIfFound();
    }

    /** The planner's always-on last check refused its own draft: a bug in the safety rules, reported as what it would have broken. */
    void plannerCheckFailed(PlannerProcess p, PlannerResult r) {
        violate(SystemInvariant.I1_NEVER_EMPTY, "t=" + sim.nowMillis() + "ms I1_NEVER_EMPTY: " + p.id + "'s always-on check refused its own draft: " + r.error().orElse(""));
        stopIfFound();
    }

    /** The first planner process that is up (the one an operator's forced publish asks), or null. */
    PlannerProcess plannerUp() {
        for (PlannerProcess p : planners) if (p.up()) return p;
        return null;
    }

    void operatorPublished(Plan plan) {
        decisions.operatorPublished();
    }

    // ---- enactors and cleaner (as in RandomRun) ----

    private void startEnactors() {
        for (int i = 0; i < ENACTOR_IDS.size(); i++) {
            String id = ENACTOR_IDS.get(i);
            int slot = i;
            Partition partition = new Partition(sim, id);
            Supplier<Enactor> fresh = () -> new Enactor(id, partition.plans(plans), partition.records(records), sim.split(), enactorConfig);
            long at = random.nextLong(0, 5_000);
            if (i < schedule.enactors()) sim.at(at, id, () -> enactorPrepare(slot, fresh.get(), fresh, partition));
        }
    }

    private void enactorPrepare(int slot, Enactor e, Supplier<Enactor> restart, Partition partition) {
        boolean partitionCameUp = random.nextInt(40) == 0;
        long length = random.nextLong(5_000, 60_000);
        if (faultsOn() && dice.fires(Fault.PARTITIONS, partitionCameUp)) partition.cut(length);
        TickPlan p = e.prepare();
        boolean crashCameUp = random.nextInt(30) == 0;
        long down = random.nextLong(1_000, 30_000);
        if (faultsOn() && dice.fires(Fault.CRASHES, crashCameUp)) {
            if (sim.tracing()) sim.log(e.id(), "crashed; restarts in " + down + " ms");
            sim.after(plans.latency().takeCharged() + records.latency().takeCharged() + down, e.id(), () -> enactorPrepare(slot, restart.get(), restart, partition));
            return;
        }
        boolean stallCameUp = random.nextInt(5) == 0;
        long drawn = random.nextLong(0, 60_000);
        long stall = faultsOn() && dice.fires(Fault.STALLS, stallCameUp) ? dice.stall(drawn) : 0;
        if (stall > 0 && sim.tracing()) sim.log(e.id(), "stalls " + stall + " ms before writing");
        long latency = plans.latency().takeCharged() + records.latency().takeCharged();
        sim.after(latency + stall, e.id(), () -> {
            TickResult r = e.apply(p);
            lastTick[slot] = r;
            if (sim.tracing() && !r.idle() && r.status() != TickStatus.PAUSED) sim.log(e.id(), r.toString());
            long next = plans.latency().takeCharged() + records.latency().takeCharged() + random.nextLong(2_000, 6_000);
            sim.after(next, e.id(), () -> enactorPrepare(slot, e, restart, partition));
        });
    }

    private void cleanerScan(Cleaner cleaner) {
        Runnable finish = cleaner.scan();
        boolean cameUp = random.nextInt(3) == 0;
        long drawn = random.nextLong(0, 40_000);
        long stall = faultsOn() && dice.fires(Fault.STALLS, cameUp) ? dice.stall(drawn) : 0;
        if (stall > 0 && sim.tracing()) sim.log("cleaner", "stalls " + stall + " ms between scan and delete");
        sim.after(plans.latency().takeCharged() + records.latency().takeCharged() + stall, "cleaner", () -> {
            finish.run();
            sim.after(plans.latency().takeCharged() + records.latency().takeCharged() + random.nextLong(5_000, 30_000), "cleaner", () -> cleanerScan(cleaner));
        });
    }

    // ---- checks ----

    void violate(SystemInvariant invariant, String line) {
        if (!broken.contains(invariant.name())) broken.add(invariant.name());
        if (violations.size() < VIOLATION_LINES_MAX) violations.add(line);
        if (sim.tracing()) sim.log("invariants", "VIOLATION " + line);
    }

    private void stopIfFound() {
        if (target.isEmpty() ? !violations.isEmpty() : broken.contains(target)) sim.stop();
    }

    /** The fault-free plan store the checks read (on the disk, with reads remembered until the next write: {@link DurableStores#checks}). */
    PlanStore checkedPlans() {
        return durable == null ? plans.truth() : durable.checks;
    }

    /** What DNS answers (on the disk: the record store, or while it is failed what it last answered; a salvaged copy once damaged). */
    RecordStore checkedRecords() {
        return durable == null ? records.truth() : durable.served;
    }

    private boolean wasSalvaged = false;

    private void check() {
        long writes = plans.writes() + records.writes();
        if (writes != checkedAtWrites || config.version() != checkedAtConfig) {
            checkedAtWrites = writes;
            checkedAtConfig = config.version();
            boolean salvaged = durable != null && durable.salvaged();
            // Damage the disk drew destroyed what it destroyed: from the salvaged copy on, what it serves is the baseline.
            if (salvaged && !wasSalvaged) served.rebaseline();
            if (!salvaged && wasSalvaged) served.unsalvaged();
            wasSalvaged = salvaged;
            served.check(checkedPlans(), checkedRecords(), config.liveArray(), plans.writes(), sim.nowMillis(), this::violate);
        }
        stopIfFound();
    }

    /** L2 then L1, once the world is quiet (faults stopped, levers lifted, {@link #CONVERGE_MS} later). */
    private static final class QuietChecks {
        private final SystemRun r;

        QuietChecks(SystemRun r) {
            this.r = r;
        }

        void run() {
            if (r.durable != null && r.durable.damaged()) {
                // A store refused to open over damage the disk drew: automation stopped on purpose (serving did not); no liveness is owed.
                if (r.sim.tracing()) r.sim.log("sim", "a store is damaged: automation stopped, L1 and L2 not judged");
                return;
            }
            Optional<Plan> latest = r.checkedPlans().latest();
            if (latest.isEmpty()) {
                // Owed only if something was servable: with every configured target down since the faults
                // stopped (and none known up before), a plan would have nothing to hold (seed 230443).
                if (anyConfiguredTargetUp()) r.violate(SystemInvariant.L2_NO_STUCK_STATE, "L2_NO_STUCK_STATE: no plan was ever published");
                return;
            }
            Plan l = latest.get();
            refusal(l);
            cleanup(l);
            retirement();
            convergence(l);
            health(l);
        }

        private boolean anyConfiguredTargetUp() {
            for (var spec : r.config.topology().endpoints().values()) {
                for (var t : spec.targets()) if (r.world.up(t.id())) return true;
            }
            return false;
        }

        private String at() {
            return "t=" + r.sim.nowMillis() + "ms ";
        }

        /** L2: every running enactor's last tick refused the latest plan, and no newer plan came in the quiet period. */
        private void refusal(Plan l) {
            TickResult refused = null;
            for (int i = 0; i < r.schedule.enactors(); i++) {
                TickResult t = r.lastTick[i];
                if (t == null || t.status() != TickStatus.REFUSED || !t.planGeneration().equals(l.generation())) return;
                refused = t;
            }
            if (refused == null) return;
            r.violate(SystemInvariant.L2_NO_STUCK_STATE, at() + "L2_NO_STUCK_STATE: every enactor refuses the latest plan " + l.generation() + " (" + refused.refusal().orElseThrow().detail()
                    + ") and no newer plan came " + CONVERGE_MS + " ms after the levers were lifted: the planner answers UNCHANGED, the refusal is permanent");
        }

        /** L2: clean-up keeps going -- nothing older than every live endpoint's stamp survives beyond retention. */
        private void cleanup(Plan l) {
            long oldestLive = Long.MAX_VALUE;
            for (int i = 0; i < r.config.used(); i++) {
                if (!r.config.live(i)) continue;
                long g = r.checkedRecords().read(SystemFleet.ENDPOINTS.get(i)).stamp().generation().value();
                if (g > 0) oldestLive = Math.min(oldestLive, g);
            }
            List<Generation> history = r.checkedPlans().history();
            int keep = history.size() - RETAIN_NEWEST;
            List<Generation> stale = new ArrayList<>();
            for (int k = 0; k < keep; k++) if (history.get(k).value() < oldestLive) stale.add(history.get(k));
            if (stale.size() < 2) return; // one left behind may be a cleaner run still due
            r.violate(SystemInvariant.L2_NO_STUCK_STATE, at() + "L2_NO_STUCK_STATE: clean-up stopped: " + stale.size() + " plan(s) " + stale.get(0) + ".." + stale.get(stale.size() - 1)
                    + " are older than every live endpoint's stamp (oldest live g" + oldestLive + ") and beyond retention " + RETAIN_NEWEST + ", yet kept; history holds " + history.size());
        }

        /** L1: an endpoint removed from the configuration is retired: DNS stops answering for it. */
        private void retirement() {
            for (int i = 0; i < r.config.used(); i++) {
                if (r.config.live(i)) continue;
                StampedRecords s = r.checkedRecords().read(SystemFleet.ENDPOINTS.get(i));
                if (s.records().isEmpty() || r.config.removedAtMillis(i) == 0) continue;
                r.violate(SystemInvariant.L1_CONVERGENCE, at() + "L1_CONVERGENCE: " + SystemFleet.ENDPOINTS.get(i) + " left the configuration at t=" + r.config.removedAtMillis(i)
                        + "ms and is still served (" + s.stamp().generation() + ": " + s.records().get() + ") " + CONVERGE_MS + " ms after the levers were lifted");
            }
        }

        /** L1: every live endpoint serves the latest plan. */
        private void convergence(Plan l) {
            for (int i = 0; i < r.config.used(); i++) {
                if (!r.config.live(i)) continue;
                Endpoint e = SystemFleet.ENDPOINTS.get(i);
                StampedRecords s = r.checkedRecords().read(e);
                RecordSet planned = l.recordSets().get(e);
                if (planned == null && !anyUp(SystemFleet.CATALOGUE.get(i))) continue; // nothing to serve yet: never served, no target up
                if (planned == null) {
                    r.violate(SystemInvariant.L1_CONVERGENCE, at() + "L1_CONVERGENCE: " + e + " is configured but the latest plan " + l.generation() + " does not cover it");
                } else if (!s.stamp().equals(l.stamp()) || !s.records().equals(Optional.of(planned))) {
                    r.violate(SystemInvariant.L1_CONVERGENCE, at() + "L1_CONVERGENCE: " + e + " serves " + s.stamp().generation() + ", latest is " + l.generation() + ", " + CONVERGE_MS
                            + " ms after the levers were lifted");
                }
            }
        }

        /**
         * L1: the answer follows health. A target that is down once the world is quiet is out of the latest plan
         * wherever the rules allow its removal: its family keeps a live target, and the endpoint and the family
         * each keep at least the minimum healthy fraction.
         */
        private void health(Plan l) {
            for (PlannerProcess p : r.planners) if (!p.probedAll()) return;
            for (int i = 0; i < r.config.used(); i++) {
                if (!r.config.live(i)) continue;
                EndpointSpec spec = SystemFleet.CATALOGUE.get(i);
                RecordSet planned = l.recordSets().get(spec.endpoint());
                if (planned == null) continue;
                for (WeightedAddress a : planned.addresses()) {
                    Target t = SystemFleet.target(a.address());
                    if (t == null || r.world.up(t.id()) || !removable(spec, t)) continue;
                    r.violate(SystemInvariant.L1_CONVERGENCE, at() + "L1_CONVERGENCE: " + spec.endpoint() + " still serves " + t.id() + " (capacity " + t.capacity() + " of " + spec.totalCapacity()
                            + "), down since before the faults stopped, " + CONVERGE_MS + " ms after the levers were lifted (" + (CONVERGE_MS / POLICY.velocityWindowMillis())
                            + " velocity windows); latest plan " + l.generation() + " " + planned);
                    return;
                }
            }
        }

        private boolean anyUp(EndpointSpec spec) {
            for (Target t : spec.targets()) if (r.world.up(t.id())) return true;
            return false;
        }

        private boolean removable(EndpointSpec spec, Target down) {
            int family = SystemFleet.family(down.address());
            long up = 0, total = 0, familyUp = 0, familyTotal = 0;
            for (Target t : spec.targets()) {
                boolean isUp = r.world.up(t.id());
                total += t.capacity();
                if (isUp) up += t.capacity();
                if (SystemFleet.family(t.address()) == family) {
                    familyTotal += t.capacity();
                    if (isUp) familyUp += t.capacity();
                }
            }
            return familyUp > 0 && (double) up / total >= POLICY.minHealthyFraction() && (double) familyUp / familyTotal >= POLICY.minHealthyFraction();
        }
    }
}
