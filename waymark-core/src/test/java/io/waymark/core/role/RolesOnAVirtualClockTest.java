package io.waymark.core.role;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.history.HistoryCleaner;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.model.Plan;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.planner.EndpointSpec;
import io.waymark.core.planner.Planner;
import io.waymark.core.planner.SafetyPolicy;
import io.waymark.core.planner.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * How the roles are driven, the way the daemon's threads and the simulator drive them: every role is
 * stepped with the same virtual monotonic clock, nothing sleeps, and the whole system converges.
 * (A guide for drivers as much as a test: the daemon does exactly this from one thread per role.)
 */
class RolesOnAVirtualClockTest {
    private static final long STEP_NANOS = 10_000_000L; // 10 ms of virtual time per round

    @Test
    void planner_enactors_clean_up_and_retirement_converge_stepped_on_one_virtual_clock() {
        InMemoryPlanStore plans = new InMemoryPlanStore();
        InMemoryRecordStore records = new InMemoryRecordStore();
        Target a = new Target("a", WeightedAddress.parseLiteral("192.0.2.1"), "az1", 100);
        Target b = new Target("b", WeightedAddress.parseLiteral("192.0.2.2"), "az2", 100);
        List<EndpointSpec> specs = new ArrayList<>();
        for (int i = 0; i < 20; i++) specs.add(new EndpointSpec(Endpoint.of("e" + i + ".example.test."), 30, List.of(a, b)));
        Topology topology = Topology.of(specs);
        AtomicReference<HealthObservations> health = new AtomicReference<>(HealthObservations.ofDecided(Map.of("a", true, "b", true)));
        long[] wallMillis = {1_700_000_000_000L};
        EnactorConfig enactorConfig = EnactorConfig.DEFAULTS.withChangeThreshold(1.0, 10);

        PlannerRole planner = new PlannerRole(new Planner(plans, () -> wallMillis[0], SafetyPolicy.PERMISSIVE, enactorConfig.changeGuard(), records::read),
                plans, topology, health::get, Servability.ANY, () -> wallMillis[0]);
        List<EnactorRole> enactors = List.of(
                new EnactorRole(new Enactor("e1", plans, records, new SplittableRandom(1), enactorConfig), 0),
                new EnactorRole(new Enactor("e2", plans, records, new SplittableRandom(2), enactorConfig), 0));
        CleanerRole cleaner = new CleanerRole(new HistoryCleaner(plans, records, 2, 100), 50 * STEP_NANOS);
        RetireRole retirer = new RetireRole(records, records::retire, plans, Set.copyOf(planner.endpoints()), 10, 50 * STEP_NANOS);

        long now = 0;
        for (int round = 0; round < 50; round++, now += STEP_NANOS, wallMillis[0] += 10) {
            planner.step(now);
            retirer.step(now);
            cleaner.step(now);
            for (EnactorRole e : enactors) e.step(now);
        }
        Plan first = plans.latest().orElseThrow();
        for (Endpoint e : topology.endpoints().keySet()) assertThat(records.read(e).stamp()).isEqualTo(first.stamp());

        health.set(HealthObservations.ofDecided(Map.of("a", true, "b", false)));
        for (int round = 0; round < 200; round++, now += STEP_NANOS, wallMillis[0] += 10) {
            planner.step(now);
            retirer.step(now);
            cleaner.step(now);
            for (EnactorRole e : enactors) e.step(now);
        }
        Plan latest = plans.latest().orElseThrow();
        assertThat(latest.generation()).isNotEqualTo(first.generation());
        for (Endpoint e : topology.endpoints().keySet()) {
            assertThat(records.read(e).stamp()).isEqualTo(latest.stamp());
            assertThat(records.read(e).records().orElseThrow().addresses()).extracting(w -> w.address().getHostAddress()).containsExactly("192.0.2.1");
        }
        assertThat(planner.condition().kind()).isEqualTo(RoleCondition.Kind.OK);
        assertThat(enactors).allSatisfy(e -> assertThat(e.condition().kind()).isEqualTo(RoleCondition.Kind.OK));
        assertThat(retirer.condition().kind()).isEqualTo(RoleCondition.Kind.OK);
        assertThat(plans.history()).as("clean-up ran on the virtual clock").hasSizeLessThanOrEqualTo(3);
    }
}
