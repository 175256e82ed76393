package io.waymark.core.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.enactor.TickPlan;
import io.waymark.core.enactor.TickResult;
import io.waymark.core.enactor.TickStatus;
import io.waymark.core.history.HistoryCleaner;
import io.waymark.core.invariant.InvariantReport;
import io.waymark.core.invariant.Invariants;
import io.waymark.core.invariant.Observation;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Health;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The real planners (two, with their served view) and enactors (lagging: one endpoint per tick, and
 * stalled between prepare and apply) over dual-stack endpoints whose IPv4 and IPv6 targets go UP, DOWN
 * and UNKNOWN independently, with clean-up, rollbacks and forced publishes: after every event I1 (per
 * family) to I4 hold, and no enactor ever refuses a plan (the change threshold below 1 included).
 */
class DualStackPropertiesTest {
    static final int V4 = 5;
    static final int V6 = 4;
    static final int ENDPOINTS = 3;

    @Property(tries = 60)
    void planesStayNonEmptyPerFamilyAndEnactorsNeverRefuse(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int seed) {
        SplittableRandom random = new SplittableRandom(seed);
        InMemoryPlanStore plans = new InMemoryPlanStore();
        InMemoryRecordStore records = new InMemoryRecordStore();
        long[] now = {1_000_000};
        EnactorConfig config = EnactorConfig.DEFAULTS.withEndpointsPerTickMax(1).withChangeThreshold(0.30, 4);
        SafetyPolicy policy = SafetyPolicy.DEFAULTS.withMinHealthyFraction(0.3).withVelocity(0.5, 2_000);
        Planner[] planners = {
                new Planner(plans, () -> now[0], policy, config.changeGuard(), records::read),
                new Planner(plans, () -> now[0], policy, config.changeGuard(), records::read)};
        Enactor[] enactors = {new Enactor("a", plans, records, random.split(), config), new Enactor("b", plans, records, random.split(), config)};
        TickPlan[] held = new TickPlan[enactors.length];
        HistoryCleaner cleaner = new HistoryCleaner(plans, records, 2, 100);
        Topology topology = topology();
        Map<String, Health> health = new HashMap<>();
        for (int t = 0; t < V4 + V6; t++) health.put("t" + t, Health.UP);
        Observation seen = Observation.NONE;
        for (int step = 0; step < 400; step++) {
            int action = random.nextInt(11);
            if (action < 2) {
                health.put("t" + random.nextInt(V4 + V6), Health.values()[random.nextInt(3)]);
            } else if (action < 4) {
                planners[random.nextInt(2)].tick(topology, new HealthObservations(health));
                now[0] += random.nextInt(600);
            } else if (action < 8) {
                int i = random.nextInt(enactors.length);
                if (held[i] == null) {
                    held[i] = enactors[i].prepare();
                } else {
                    TickResult r = enactors[i].apply(held[i]);
                    held[i] = null;
                    assertThat(r.status()).as("seed %d step %d: %s", seed, step, r).isNotEqualTo(TickStatus.REFUSED);
                }
                if (held[i] instanceof TickPlan.Finished f) {
                    assertThat(f.result().status()).as("seed %d step %d: %s", seed, step, f.result()).isNotEqualTo(TickStatus.REFUSED);
                }
            } else if (action < 9) {
                cleaner.clean();
            } else if (action < 10) {
                now[0] += 1_000;
            } else if (random.nextBoolean()) {
                List<io.waymark.core.model.Generation> history = plans.history();
                if (!history.isEmpty()) new io.waymark.core.operator.Rollback(plans).to(history.get(random.nextInt(history.size())), false);
            } else {
                Planner p = planners[random.nextInt(2)];
                new io.waymark.core.operator.ForcedPublish(plans).publish(
                        latest -> p.compute(topology, new HealthObservations(health), latest, TickTime.ofMonotonicMillis(now[0])).desired(), "property test", now[0]);
            }
            InvariantReport report = Invariants.check(plans, records, seen);
            assertThat(report.violations()).as("seed %d step %d", seed, step).isEmpty();
            seen = report.observation();
        }
    }

    /** Endpoints e0..e2, each behind 3 of the IPv4 and 2 of the IPv6 targets (overlapping). */
    static Topology topology() {
        List<Target> v4 = new ArrayList<>();
        List<Target> v6 = new ArrayList<>();
        for (int t = 0; t < V4; t++) v4.add(new Target("t" + t, WeightedAddress.parseLiteral("10.7.0." + (t + 1)), "z", 1 + t % 2));
        for (int t = 0; t < V6; t++) v6.add(new Target("t" + (V4 + t), WeightedAddress.parseLiteral("2001:db8::" + (t + 1)), "z", 1 + t % 2));
        List<EndpointSpec> specs = new ArrayList<>();
        for (int e = 0; e < ENDPOINTS; e++) {
            List<Target> behind = List.of(v4.get(e % V4), v4.get((e + 1) % V4), v4.get((e + 2) % V4), v6.get(e % V6), v6.get((e + 1) % V6));
            specs.add(new EndpointSpec(Endpoint.of("e" + e + ".dual.test."), 30, behind));
        }
        return Topology.of(specs);
    }
}
