package io.waymark.sim.scenario;

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
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StampedRecords;
import io.waymark.sim.SimPlanStore;
import io.waymark.sim.SimRecordStore;
import io.waymark.sim.Simulation;
import io.waymark.sim.StoreFaults;
import io.waymark.sim.legacy.LegacyDns;
import io.waymark.sim.legacy.LegacyEnactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * The October 2025 interleaving (INCIDENT.md, "The race"), replayed on one schedule against either
 * algorithm. The schedule is fixed -- it is the incident's -- and the seed drives everything else
 * (record names, weights, enactors' shuffles), so a seed replays the same run event for event.
 *
 * <pre>
 *   0 s   planner publishes g1;  1 s: enactor B applies g1
 *  10 s   planner publishes g2; 11 s: enactor C reads g2, takes the lock, its DNS change is slow (until 40 s)
 *  12 s   enactor A reads g2, checks it is fresh, fails the lock at 12, 16, 24, 38 s; backoff puts it at 120 s
 *  50–100 s planner publishes g3..g8; 105 s: enactor B applies g8, then cleans up old plans (slow: 10–20 s per delete)
 * 120 s   enactor A finally writes g2 (stale)
 * 125 s   B's clean-up deletes plan g2
 * 130 s   planner publishes g9; C (131 s), B (150 s), A (160 s) try to apply it
 * </pre>
 */
public final class Oct2025 {
    public static final Endpoint ENDPOINT = Endpoint.of("dynamodb.us-east-1.example.test.");
    static final long END_MS = 200_000;
    static final int EVENTS_MAX = 10_000;
    static final int CLEANUP_AGE_GENERATIONS = 3;
    static final int RETAIN_NEWEST = 3;
    static final long[] A_LOCK_ATTEMPTS_MS = {12_000, 16_000, 24_000, 38_000, 120_000};
    static final long[] LEGACY_CLEANUP_DELETES_MS = {110_000, 125_000, 135_000, 145_000};

    private Oct2025() {}

    public static Oct2025Result run(Algorithm algorithm, long seed) {
        return switch (algorithm) {
            case LEGACY -> new LegacyRun(seed).run();
            case WAYMARK -> new WaymarkRun(seed).run();
        };
    }

    /** The planner's drafts: three load balancers whose weights follow capacity (drawn from the seed). */
    static PlanDraft draft(SplittableRandom random) {
        List<WeightedAddress> lbs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) lbs.add(WeightedAddress.of("192.0.2." + i, 50 + random.nextInt(50)));
        return PlanDraft.of(Map.of(ENDPOINT, new RecordSet(lbs, 5)));
    }

    static void schedulePlanner(Simulation sim, SimPlanStore plans, SplittableRandom random) {
        long[] at = {0, 10_000, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000, 130_000};
        for (long t : at) {
            sim.at(t, "planner", () -> {
                Generation expected = plans.truth().latest().map(Plan::generation).orElse(Generation.ZERO);
                PublishOutcome o = plans.publish(expected, draft(random));
                if (o instanceof PublishOutcome.Published p) sim.log("planner", "published " + p.plan().generation() + " " + p.plan().recordSets().get(ENDPOINT));
                else sim.log("planner", "publish conflict: " + o);
            });
        }
    }

    /** The system as it was. */
    private static final class LegacyRun {
        private final Simulation sim;
        private final SimPlanStore plans;
        private final LegacyDns dns = new LegacyDns();
        private final LegacyEnactor a, b, c;
        private final List<String> violations = new ArrayList<>();
        private Generation highestServed = Generation.ZERO;
        private boolean everServed = false;
        private OptionalLong emptiedAt = OptionalLong.empty();
        private Optional<String> staleWrite = Optional.empty();
        private String staleOutcome = "never written";

        LegacyRun(long seed) {
            sim = new Simulation(seed);
            plans = new SimPlanStore(sim, StoreFaults.NONE);
            a = new LegacyEnactor("enactor-A", plans, dns, sim.split(), CLEANUP_AGE_GENERATIONS, 60_000);
            b = new LegacyEnactor("enactor-B", plans, dns, sim.split(), CLEANUP_AGE_GENERATIONS, 60_000);
            c = new LegacyEnactor("enactor-C", plans, dns, sim.split(), CLEANUP_AGE_GENERATIONS, 60_000);
        }

        Oct2025Result run() {
            schedulePlanner(sim, plans, sim.split());
            // B applies g1.
            pickUpAndApply(1_000, b, true);
            // C reads g2 and takes the lock; its change batch is slow.
            sim.at(11_000, c.id(), () -> {
                sim.log(c.id(), c.pickUp());
                sim.log(c.id(), c.lockNext(sim.nowMillis()).line() + " (its change batch is slow: DNS API latency)");
            });
            sim.at(40_000, c.id(), () -> {
                sim.log(c.id(), c.applyNext(sim.nowMillis()).line());
                c.finishPlan();
            });
            // A reads g2, checks once, then stalls on the lock.
            sim.at(12_000, a.id(), () -> sim.log(a.id(), a.pickUp()));
            for (long t : A_LOCK_ATTEMPTS_MS) {
                sim.at(t, a.id(), () -> {
                    if (a.status() != LegacyEnactor.Status.WORKING) return;
                    Generation servedBefore = dns.aliasedGeneration(ENDPOINT).orElse(Generation.ZERO);
                    LegacyEnactor.Step s = a.applyNext(sim.nowMillis());
                    sim.log(a.id(), s.line());
                    if (!s.lockHeld() && !s.stuck()) {
                        Generation mine = a.current().orElseThrow().generation();
                        if (servedBefore.isAfter(mine)) {
                            staleWrite = Optional.of(a.id() + " wrote " + mine + " over " + servedBefore + " at " + Oct2025Result.seconds(sim.nowMillis())
                                    + " (its freshness check at t=12s said " + mine + " was newer; by now " + plans.truth().latest().orElseThrow().generation() + " was latest)");
                            staleOutcome = "landed: the older plan overwrote the newer one";
                            sim.log(a.id(), "STALE CHECK: " + mine + " was checked at t=12s; " + servedBefore + " is served now — the older plan replaces the newer one");
                        }
                        if (s.planDone()) {
                            a.finishPlan();
                            for (Generation g : a.cleanupGenerations()) sim.log(a.id(), a.cleanUp(g));
                        }
                    }
                });
            }
            // B applies g8, then cleans up plans "significantly older" than g8, one slow delete at a time.
            pickUpAndApply(105_000, b, false);
            List<Generation> doomed = List.of(Generation.of(1), Generation.of(2), Generation.of(3), Generation.of(4));
            for (int i = 0; i < doomed.size(); i++) {
                Generation g = doomed.get(i);
                sim.at(LEGACY_CLEANUP_DELETES_MS[i], b.id(), () -> sim.log(b.id(), b.cleanUp(g)));
            }
            // g9: every enactor tries it.
            pickUpAndApply(131_000, c, true);
            pickUpAndApply(150_000, b, true);
            pickUpAndApply(160_000, a, true);
            sim.run(END_MS, EVENTS_MAX, this::check);

            Generation latest = plans.truth().latest().map(Plan::generation).orElse(Generation.ZERO);
            List<String> stuck = new ArrayList<>();
            for (LegacyEnactor e : List.of(a, b, c)) if (e.status() == LegacyEnactor.Status.STUCK) stuck.add(e.id() + ": " + e.stuckReason());
            Optional<Generation> served = dns.resolve(ENDPOINT).isEmpty() ? Optional.empty() : dns.aliasedGeneration(ENDPOINT);
            boolean later = served.map(g -> g.equals(latest)).orElse(false);
            if (!later) violations.add("L1 convergence: the endpoint does not serve the latest plan " + latest + " at the end");
            if (!stuck.isEmpty()) violations.add("L2 no stuck state: " + stuck.size() + " enactor(s) cannot proceed");
            return new Oct2025Result(Algorithm.LEGACY, sim.seed(), sim.trace().lines(), staleWrite, staleOutcome, emptiedAt, stuck, later,
                    served, latest, violations, sim.executed());
        }

        private void pickUpAndApply(long at, LegacyEnactor e, boolean cleanUpAfter) {
            sim.at(at, e.id(), () -> {
                sim.log(e.id(), e.pickUp());
                if (e.status() != LegacyEnactor.Status.WORKING) return;
                LegacyEnactor.Step s = e.applyNext(sim.nowMillis());
                sim.log(e.id(), s.line());
                if (s.planDone()) {
                    e.finishPlan();
                    if (cleanUpAfter) for (Generation g : e.cleanupGenerations()) sim.log(e.id(), e.cleanUp(g));
                }
            });
        }

        /** I1, I2, I4 on the legacy DNS after every event. */
        private void check() {
            boolean resolves = !dns.resolve(ENDPOINT).isEmpty();
            Optional<Generation> g = dns.aliasedGeneration(ENDPOINT);
            if (resolves) {
                everServed = true;
                Generation now = g.orElseThrow();
                if (now.compareTo(highestServed) < 0) {
                    violations.add("I2 monotonic at " + Oct2025Result.seconds(sim.nowMillis()) + ": serves " + now + " after having served " + highestServed);
                }
                if (now.isAfter(highestServed)) highestServed = now;
            } else if (everServed && emptiedAt.isEmpty()) {
                emptiedAt = OptionalLong.of(sim.nowMillis());
                violations.add("I1 never empty at " + Oct2025Result.seconds(sim.nowMillis()) + ": " + ENDPOINT + " resolves to no address");
                violations.add("I4 no live deletion at " + Oct2025Result.seconds(sim.nowMillis()) + ": the alias points at plan " + g.map(Generation::toString).orElse("?") + ", whose tree was deleted");
                sim.log("dns", "ENDPOINT EMPTY: " + ENDPOINT + " alias -> tree of " + g.map(Generation::toString).orElse("?") + ", which no longer exists: NOERROR, no addresses");
            }
        }
    }

    /** Waymark's core code on the same schedule. */
    private static final class WaymarkRun {
        private final Simulation sim;
        private final SimPlanStore plans;
        private final SimRecordStore records;
        private final Enactor a, b, c;
        private final HistoryCleaner cleaner;
        private final List<String> violations = new ArrayList<>();
        private Observation observation = Observation.NONE;
        private OptionalLong emptiedAt = OptionalLong.empty();
        private TickPlan aPrepared;
        private TickPlan cPrepared;
        private CleanupScan scan;
        private String staleOutcome = "never written";
        private Optional<String> staleWrite = Optional.empty();

        WaymarkRun(long seed) {
            sim = new Simulation(seed);
            plans = new SimPlanStore(sim, StoreFaults.NONE);
            records = new SimRecordStore(sim, StoreFaults.NONE);
            // Change threshold 1.0: the replay is about ordering, not about the size of each change.
            EnactorConfig config = new EnactorConfig(100, 64, 3, 1.0, 10, 8);
            a = new Enactor("enactor-A", plans, records, sim.split(), config);
            b = new Enactor("enactor-B", plans, records, sim.split(), config);
            c = new Enactor("enactor-C", plans, records, sim.split(), config);
            cleaner = new HistoryCleaner(plans, records, RETAIN_NEWEST, 100);
        }

        Oct2025Result run() {
            schedulePlanner(sim, plans, sim.split());
            tick(1_000, b);
            sim.at(11_000, c.id(), () -> {
                cPrepared = c.prepare();
                sim.log(c.id(), "prepared: " + describe(cPrepared) + " (its write is slow: until t=40s)");
            });
            sim.at(40_000, c.id(), () -> sim.log(c.id(), "applied: " + c.apply(cPrepared)));
            sim.at(12_000, a.id(), () -> {
                aPrepared = a.prepare();
                sim.log(a.id(), "prepared: " + describe(aPrepared) + " — then stalls (the legacy lock backoff) until t=120s");
            });
            sim.at(120_000, a.id(), () -> {
                Generation servedBefore = records.truth().read(ENDPOINT).stamp().generation();
                TickResult r = a.apply(aPrepared);
                sim.log(a.id(), "applied its stale decision: " + r);
                if (aPrepared instanceof TickPlan.Writes w && servedBefore.isAfter(w.plan().generation())) {
                    staleWrite = Optional.of(a.id() + " offered " + w.plan().generation() + " (expected stamp read at t=12s) while " + servedBefore + " was served");
                    staleOutcome = r.applied() > 0 ? "landed: the older plan overwrote the newer one" : "refused by the store's compare-and-set (superseded " + r.superseded() + ", applied " + r.applied() + ")";
                    sim.log(a.id(), "STALE DECISION HARMLESS: " + staleOutcome);
                }
            });
            tick(105_000, b);
            sim.at(106_000, "cleaner", () -> {
                scan = cleaner.scan();
                sim.log("cleaner", "scan: oldest served " + scan.oldestServed() + ", candidates " + scan.candidates() + " — then stalls until t=125s");
            });
            sim.at(125_000, "cleaner", () -> sim.log("cleaner", "finish: " + cleaner.finish(scan)));
            tick(131_000, c);
            tick(150_000, b);
            tick(160_000, a);
            sim.run(END_MS, EVENTS_MAX, this::check);

            Generation latest = plans.truth().latest().map(Plan::generation).orElse(Generation.ZERO);
            StampedRecords end = records.truth().read(ENDPOINT);
            Optional<Generation> served = end.records().isPresent() ? Optional.of(end.stamp().generation()) : Optional.empty();
            boolean later = served.map(g -> g.equals(latest)).orElse(false);
            if (!later) violations.add("L1 convergence: the endpoint does not serve the latest plan " + latest + " at the end");
            return new Oct2025Result(Algorithm.WAYMARK, sim.seed(), sim.trace().lines(), staleWrite, staleOutcome, emptiedAt, List.of(), later,
                    served, latest, violations, sim.executed());
        }

        private void tick(long at, Enactor e) {
            sim.at(at, e.id(), () -> sim.log(e.id(), e.tick().toString()));
        }

        private static String describe(TickPlan p) {
            if (p instanceof TickPlan.Writes w) {
                return "read latest " + w.plan().generation() + "; " + w.applies().size() + " conditional write(s) decided: "
                        + w.applies().stream().map(x -> x.endpoint() + " expected " + x.expected() + " -> " + x.next()).toList();
            }
            return p.toString();
        }

        /** Core's invariant checker (I1–I4) on the fault-free view, after every event. */
        private void check() {
            InvariantReport r = Invariants.check(plans.truth(), records.truth(), observation);
            for (var v : r.violations()) {
                violations.add(Oct2025Result.seconds(sim.nowMillis()) + " " + v);
                sim.log("invariants", "VIOLATION " + v);
            }
            if (records.truth().read(ENDPOINT).records().isEmpty() && observation.everServed(ENDPOINT) && emptiedAt.isEmpty()) {
                emptiedAt = OptionalLong.of(sim.nowMillis());
            }
            observation = r.observation();
        }
    }
}
