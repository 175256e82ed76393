package io.waymark.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.enactor.RefusalReason;
import io.waymark.core.enactor.TickPlan;
import io.waymark.core.enactor.TickResult;
import io.waymark.core.enactor.TickStatus;
import io.waymark.core.history.CleanupScan;
import io.waymark.core.history.HistoryCleaner;
import io.waymark.core.invariant.Convergence;
import io.waymark.core.invariant.InvariantReport;
import io.waymark.core.invariant.Invariants;
import io.waymark.core.invariant.Observation;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.ManualClock;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.operator.Rollback;
import io.waymark.core.planner.EndpointSpec;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.planner.Planner;
import io.waymark.core.planner.SafetyPolicy;
import io.waymark.core.planner.Topology;
import io.waymark.core.port.StampedRecords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Drives the real planner, several enactors, clean-ups and operators through random schedules on the
 * in-memory stores with a virtual clock: enactors stall between prepare (read) and apply (write) for
 * arbitrarily many steps, crash (losing what they held), plans arrive in bursts, clean-ups run with
 * random retention, stamps get corrupted at rest, operators pause and roll back. I1–I4 are checked
 * after every step; once faults stop, every endpoint serves the latest plan within ceil(n/k) ticks of
 * any one enactor (L1) — after an operator forces a plan the change threshold refused.
 *
 * <p>The schedule is a list of ints (one per step: action = value % 16, parameter = value / 16), so
 * jqwik shrinks failures to short schedules.
 */
class ProtocolPropertiesTest {
    static final int ENACTORS = 3;
    static final int ENDPOINTS = 5;
    static final int TARGETS = 6;

    @Property(tries = 120)
    void invariantsHoldAfterEveryStepAndTheSystemConverges(
            @ForAll @Size(min = 40, max = 120) List<@IntRange(min = 0, max = 1_000_000) Integer> schedule,
            @ForAll @IntRange(min = 1, max = ENDPOINTS) int endpointsPerTick,
            @ForAll @IntRange(min = 1, max = 3) int batchSize,
            @ForAll long seed) {
        World w = new World(seed, endpointsPerTick, batchSize);
        for (int step : schedule) {
            w.step(step % 16, step / 16);
            w.checkInvariants();
        }
        // Evidence that the schedules reach the interesting cases (printed by jqwik per property).
        Statistics.label("stale write superseded").collect(w.superseded > 0);
        Statistics.label("conflict re-read").collect(w.conflicts > 0);
        Statistics.label("plans cleaned up").collect(w.deleted > 0);
        w.stopFaultsAndConverge();
    }

    static final class World {
        final InMemoryPlanStore plans = new InMemoryPlanStore();
        final InMemoryRecordStore records = new InMemoryRecordStore();
        final SplittableRandom random;
        final EnactorConfig config;
        final Topology topology;
        /** Two planners: their publications race through the plan store's CAS. */
        final Planner[] planners = new Planner[2];
        Planner planner;
        final Enactor[] enactors = new Enactor[ENACTORS];
        final TickPlan[] held = new TickPlan[ENACTORS];
        final Map<String, Boolean> health = new HashMap<>();
        CleanupScan heldScan = null;
        final ManualClock clock = new ManualClock(0);
        int crashes = 0;
        int superseded = 0;
        int conflicts = 0;
        int deleted = 0;
        Observation seen = Observation.NONE;

        World(long seed, int endpointsPerTick, int batchSize) {
            random = new SplittableRandom(seed);
            config = EnactorConfig.DEFAULTS.withEndpointsPerTickMax(endpointsPerTick).withApplyBatchSize(batchSize).withChangeThreshold(0.30, 4);
            List<Target> targets = new ArrayList<>();
            for (int t = 0; t < TARGETS; t++) {
                targets.add(new Target("t" + t, WeightedAddress.parseLiteral("10.9.0." + (t + 1)), "z" + (t % 3), 1 + t % 3));
                health.put("t" + t, true);
            }
            List<EndpointSpec> specs = new ArrayList<>();
            for (int e = 0; e < ENDPOINTS; e++) {
                // Each endpoint sits behind 3 of the 6 targets, overlapping with its neighbours.
                specs.add(new EndpointSpec(Endpoint.of("e" + e + ".prop.test."), 30, List.of(targets.get(e % TARGETS), targets.get((e + 1) % TARGETS), targets.get((e + 2) % TARGETS))));
            }
            topology = Topology.of(specs);
            for (int p = 0; p < planners.length; p++) planners[p] = new Planner(plans, clock, new SafetyPolicy(true, 0.3, 0.5, 1_000));
            planner = planners[0];
            for (int i = 0; i < ENACTORS; i++) enactors[i] = newEnactor(i);
        }

        Enactor newEnactor(int i) {
            return new Enactor("enactor-" + i + "-" + crashes, plans, records, new SplittableRandom(random.nextLong()), config);
        }

        void step(int action, int param) {
            int i = param % ENACTORS;
            switch (action) {
                case 0, 1, 2 -> { // planner burst: 1–3 ticks with health flips in between, by either planner
                    planner = planners[(param / 3) % planners.length];
                    for (int b = 0; b <= param % 3; b++) {
                        health.put("t" + random.nextInt(TARGETS), random.nextInt(3) != 0);
                        planner.tick(topology, HealthObservations.ofDecided(health));
                        clock.advance(random.nextInt(400));
                    }
                }
                case 3, 4, 5, 6 -> { // read, then stall
                    if (held[i] == null) {
                        held[i] = enactors[i].prepare();
                        Statistics.label("prepare").collect(held[i] instanceof TickPlan.Finished f ? f.result().status().toString() : "WRITES " + ((TickPlan.Writes) held[i]).applies().size());
                    }
                }
                case 7, 8, 9, 10 -> { // write, possibly stale
                    if (held[i] != null) {
                        TickResult r = enactors[i].apply(held[i]);
                        held[i] = null;
                        superseded += r.superseded();
                        conflicts += r.conflicts();
                    }
                }
                case 11, 12 -> { // clean-up, itself in two steps: scan now, delete at a later clean-up step
                    HistoryCleaner cleaner = new HistoryCleaner(plans, records, 1 + param % 3, 1 + param % 7);
                    if (heldScan == null) {
                        heldScan = cleaner.scan();
                    } else {
                        deleted += cleaner.finish(heldScan).deleted().size();
                        heldScan = param % 2 == 0 ? null : cleaner.scan();
                    }
                }
                case 13 -> { // crash: the enactor loses what it held and its walking state
                    crashes++;
                    held[i] = null;
                    enactors[i] = newEnactor(i);
                }
                case 14 -> { // a stamp corrupted at rest (records kept: corruption does not empty anything)
                    Endpoint e = Endpoint.of("e" + (param % ENDPOINTS) + ".prop.test.");
                    StampedRecords now = records.read(e);
                    if (now.records().isPresent()) records.overwriteForFaultInjection(e, new StampedRecords(Stamp.unreadable("junk" + param), now.records()));
                }
                case 15 -> { // operators: pause / resume / rollback to a random stored generation
                    switch (plans.flags().paused() ? 0 : param % 8) { // paused: resume at the next operator step
                        case 0 -> plans.updateFlags(plans.flags(), plans.flags().withPaused(!plans.flags().paused()));
                        case 1 -> {
                            List<Generation> history = plans.history();
                            if (!history.isEmpty()) new Rollback(plans).to(history.get(random.nextInt(history.size())), false);
                        }
                        default -> clock.advance(1_000);
                    }
                }
                default -> throw new IllegalStateException("action " + action);
            }
        }

        void checkInvariants() {
            InvariantReport r = Invariants.check(plans, records, seen);
            assertThat(r.violations()).as("I1–I4").isEmpty();
            seen = r.observation();
        }

        /** Faults stop: resume, stalled enactors finish their (stale) writes, then tick to convergence. */
        void stopFaultsAndConverge() {
            plans.updateFlags(plans.flags(), plans.flags().withPaused(false));
            for (int i = 0; i < ENACTORS; i++) {
                if (held[i] != null) enactors[i].apply(held[i]);
                held[i] = null;
                checkInvariants();
            }
            if (plans.latest().isEmpty()) {
                planner.tick(topology, HealthObservations.ofDecided(health));
            }
            int bound = (ENDPOINTS + config.endpointsPerTickMax() - 1) / config.endpointsPerTickMax();
            for (int attempt = 0; attempt < 2; attempt++) {
                boolean refused = false;
                // One enactor alone: it visits every endpoint within `bound` ticks of the same plan.
                for (int t = 0; t < bound; t++) {
                    TickResult r = enactors[0].tick();
                    checkInvariants();
                    assertThat(r.status()).isIn(TickStatus.WORKED, TickStatus.REFUSED);
                    if (r.status() == TickStatus.REFUSED) {
                        assertThat(r.refusal().orElseThrow().reason()).isEqualTo(RefusalReason.CHANGE_THRESHOLD);
                        refused = true;
                        break;
                    }
                    // Sequential enactors never conflict: nothing is deferred or failed.
                    assertThat(r.deferred() + r.failed()).isZero();
                }
                if (!refused) break;
                // The change threshold is a guard that asks for a human: the operator forces the plan.
                Plan latest = plans.latest().orElseThrow();
                new Rollback(plans).to(latest.generation(), false);
                assertThat(attempt).as("a forced plan is never refused").isZero();
            }
            Plan latest = plans.latest().orElseThrow();
            assertThat(Convergence.lagging(plans, records)).as("L1: endpoints not serving %s", latest).isEmpty();
            for (var e : latest.recordSets().entrySet()) {
                StampedRecords served = records.read(e.getKey());
                assertThat(served.stamp()).as("L1 at %s", e.getKey()).isEqualTo(latest.stamp());
                assertThat(served.records()).contains(e.getValue());
            }
            // And clean-up can now trim history down to its retention.
            new HistoryCleaner(plans, records, 1, 1_000).clean();
            checkInvariants();
            assertThat(plans.history()).containsExactly(latest.generation());
        }
    }
}
