package io.waymark.core.role;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.model.Plan;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.planner.EndpointSpec;
import io.waymark.core.planner.Planner;
import io.waymark.core.planner.SafetyPolicy;
import io.waymark.core.planner.Topology;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlannerRoleTest {
    private static final Endpoint API = Endpoint.of("api.example.test.");
    private static final Endpoint BELOW_CUT = Endpoint.of("x.sub.example.test.");
    private static final Target A = new Target("a", WeightedAddress.parseLiteral("192.0.2.1"), "az1", 100);
    private static final Target B = new Target("b", WeightedAddress.parseLiteral("192.0.2.2"), "az2", 100);
    private static final Servability NOT_BELOW_SUB = e -> e.name().endsWith(".sub.example.test.") ? Optional.of("below the delegation sub.example.test.") : Optional.empty();

    private static PlannerRole role(InMemoryPlanStore plans, Topology topology, io.waymark.core.port.HealthSource health, Servability servability) {
        return new PlannerRole(new Planner(plans, () -> 0, SafetyPolicy.PERMISSIVE), plans, topology, health, servability, () -> 1_000);
    }

    private static Topology topology(Endpoint... endpoints) {
        return Topology.of(java.util.Arrays.stream(endpoints).map(e -> new EndpointSpec(e, 30, List.of(A, B))).toList());
    }

    @Test
    void an_unservable_endpoint_never_enters_a_plan() {
        InMemoryPlanStore plans = new InMemoryPlanStore();
        PlannerRole role = role(plans, topology(API, BELOW_CUT), () -> HealthObservations.ofDecided(Map.of("a", true, "b", true)), NOT_BELOW_SUB);
        assertThat(role.unservable()).containsOnlyKeys(BELOW_CUT);
        assertThat(role.endpoints()).containsExactly(API);
        PlannerRole.Step step = role.step(1_000_000);
        assertThat(step.condition().kind()).isEqualTo(RoleCondition.Kind.OK);
        assertThat(plans.latest().orElseThrow().recordSets()).containsOnlyKeys(API);
    }

    @Test
    void with_no_servable_endpoint_every_step_is_refused_and_nothing_is_published() {
        InMemoryPlanStore plans = new InMemoryPlanStore();
        PlannerRole role = role(plans, topology(BELOW_CUT), () -> HealthObservations.NONE, NOT_BELOW_SUB);
        assertThat(role.step(1).transition()).isPresent();
        assertThat(role.step(2).transition()).isEmpty();
        assertThat(role.condition().kind()).isEqualTo(RoleCondition.Kind.REFUSED);
        assertThat(plans.latest()).isEmpty();
    }

    @Test
    void a_forced_publish_publishes_the_current_draft_as_forced_even_when_pinned() {
        InMemoryPlanStore plans = new InMemoryPlanStore();
        var health = new java.util.concurrent.atomic.AtomicReference<>(HealthObservations.ofDecided(Map.of("a", true, "b", true)));
        PlannerRole role = role(plans, topology(API), health::get, Servability.ANY);
        role.step(1);
        plans.updateFlags(ControlFlags.NONE, ControlFlags.NONE.withPinned(true));
        health.set(HealthObservations.ofDecided(Map.of("a", true, "b", false)));
        assertThat(role.step(2).condition().kind()).isEqualTo(RoleCondition.Kind.HELD);
        var forced = role.publishForced(3_000_000, "lb-b is gone for good");
        Plan p = forced.published().orElseThrow(() -> new AssertionError(forced.auditLine()));
        assertThat(p.forced()).isTrue();
        assertThat(forced.auditLine()).contains("lb-b is gone for good");
        assertThat(p.generation().value()).isEqualTo(2);
        assertThat(p.recordSets().get(API).addresses()).extracting(w -> w.address().getHostAddress()).containsExactly("192.0.2.1");
    }
}
