package io.waymark.core.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Health;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** One case per rule and branch, with the exact record set and events each produces. */
class SafetyRulesCasesTest {
    static final Endpoint E = Endpoint.of("e.test.");
    static final Target V1 = new Target("v1", WeightedAddress.parseLiteral("10.0.0.1"), "z", 10);
    static final Target V2 = new Target("v2", WeightedAddress.parseLiteral("10.0.0.2"), "z", 30);
    static final Target S1 = new Target("s1", WeightedAddress.parseLiteral("2001:db8::1"), "z", 10);
    static final EndpointSpec SPEC = new EndpointSpec(E, 30, List.of(V2, S1, V1)); // not in id order on purpose

    static RecordSet rs(Target... targets) {
        return new RecordSet(java.util.Arrays.stream(targets).map(t -> new WeightedAddress(t.address(), (int) t.capacity())).toList(), 30);
    }

    static HealthObservations h(Health v1, Health v2, Health s1) {
        return new HealthObservations(Map.of("v1", v1, "v2", v2, "s1", s1));
    }

    static EndpointDecision decide(SafetyPolicy policy, HealthObservations health, Optional<RecordSet> last) {
        return new SafetyRules(policy).decide(SPEC, health, last, Map.of());
    }

    @Test
    void failOpenIsReportedPerFamilyWithTheRecordType() {
        EndpointDecision d = decide(SafetyPolicy.DEFAULTS, h(Health.DOWN, Health.DOWN, Health.UP), Optional.of(rs(V1, V2, S1)));
        assertThat(d.records()).contains(rs(V1, V2, S1));
        assertThat(d.events()).singleElement().satisfies(e -> {
            assertThat(e.rule()).isEqualTo(SafetyRule.FAIL_OPEN);
            assertThat(e.detail()).isEqualTo("A: all 2 targets unhealthy or unknown; keeping the last known good 2 target(s)");
        });
        EndpointDecision off = decide(SafetyPolicy.DEFAULTS.withFailOpen(false), h(Health.DOWN, Health.DOWN, Health.UP), Optional.of(rs(V1, V2, S1)));
        assertThat(off.events()).extracting(SafetyEvent::rule).containsExactly(SafetyRule.NEVER_EMPTY);
        assertThat(off.records()).contains(rs(V1, V2, S1));
    }

    @Test
    void servedButUnknownIsKeptSilently() {
        EndpointDecision d = decide(SafetyPolicy.DEFAULTS, h(Health.UNKNOWN, Health.UNKNOWN, Health.UP), Optional.of(rs(V1, V2, S1)));
        assertThat(d.records()).contains(rs(V1, V2, S1));
        assertThat(d.events()).isEmpty();
        assertThat(d.removedCapacity()).isEmpty();
    }

    @Test
    void belowTheMinimumNothingIsRemovedAndItSaysSoOnlyWhenSomethingIsDown() {
        // v2 (30 of 40) down: 25% healthy < 50%.
        EndpointDecision d = decide(SafetyPolicy.DEFAULTS, h(Health.UP, Health.DOWN, Health.UP), Optional.of(rs(V1, V2, S1)));
        assertThat(d.records()).contains(rs(V1, V2, S1));
        assertThat(d.events()).singleElement().satisfies(e -> {
            assertThat(e.rule()).isEqualTo(SafetyRule.MIN_HEALTHY_FRACTION);
            assertThat(e.detail()).isEqualTo("A: healthy capacity 10 of 40 (25.0%) is below the minimum 50.0%; removing nothing");
        });
        // Below the minimum only because v2 is unknown: nothing to report, nothing removed.
        EndpointDecision quiet = decide(SafetyPolicy.DEFAULTS, h(Health.UP, Health.UNKNOWN, Health.UP), Optional.of(rs(V1, V2, S1)));
        assertThat(quiet.events()).isEmpty();
        assertThat(quiet.records()).contains(rs(V1, V2, S1));
    }

    @Test
    void velocityCountsTheFamilysCapacityAndReportsWhatItKeeps() {
        SafetyPolicy quarter = SafetyPolicy.DEFAULTS.withMinHealthyFraction(0).withVelocity(0.25, 60_000);
        // A family of 40: budget 10. v1 (10) fits; with 5 already removed it no longer does.
        EndpointDecision fits = new SafetyRules(quarter).decide(SPEC, h(Health.DOWN, Health.UP, Health.UP), Optional.of(rs(V1, V2, S1)), Map.of());
        assertThat(fits.records()).contains(rs(V2, S1));
        assertThat(fits.removedCapacity()).isEqualTo(Map.of(AddressFamily.IPV4, 10L));
        EndpointDecision held = new SafetyRules(quarter).decide(SPEC, h(Health.DOWN, Health.UP, Health.UP), Optional.of(rs(V1, V2, S1)), Map.of(AddressFamily.IPV4, 5L));
        assertThat(held.records()).contains(rs(V1, V2, S1));
        assertThat(held.events()).singleElement().satisfies(e -> assertThat(e.detail())
                .isEqualTo("A: removal budget 25.0% of capacity 40 per 60000 ms exhausted (5 already removed in the window); keeping unhealthy [v1] for now"));
        // Removals from the other family do not spend this one's budget.
        EndpointDecision other = new SafetyRules(quarter).decide(SPEC, h(Health.DOWN, Health.UP, Health.UP), Optional.of(rs(V1, V2, S1)), Map.of(AddressFamily.IPV6, 5L));
        assertThat(other.records()).contains(rs(V2, S1));
        // v2 (30) is above the budget, but nothing else went in the window: it goes; exactly one does.
        EndpointDecision big = new SafetyRules(quarter).decide(SPEC, h(Health.UP, Health.DOWN, Health.UP), Optional.of(rs(V1, V2, S1)), Map.of());
        assertThat(big.events()).isEmpty();
        assertThat(big.records()).contains(rs(V1, S1));
        assertThat(big.removedCapacity()).isEqualTo(Map.of(AddressFamily.IPV4, 30L));
        // ... but not once anything went in the window.
        EndpointDecision after = new SafetyRules(quarter).decide(SPEC, h(Health.UP, Health.DOWN, Health.UP), Optional.of(rs(V1, V2, S1)), Map.of(AddressFamily.IPV4, 1L));
        assertThat(after.records()).contains(rs(V1, V2, S1));
    }

    @Test
    void aFamilyWhoseTargetsWereReplacedKeepsItsServedAddressesUntilANewOneIsUp() {
        RecordSet old = new RecordSet(List.of(WeightedAddress.of("10.9.9.9", 4), new WeightedAddress(S1.address(), 10)), 30);
        EndpointDecision d = decide(SafetyPolicy.DEFAULTS, h(Health.UNKNOWN, Health.UNKNOWN, Health.UP), Optional.of(old));
        assertThat(d.records()).contains(old);
        assertThat(d.events()).singleElement().satisfies(e -> {
            assertThat(e.rule()).isEqualTo(SafetyRule.NEVER_EMPTY);
            assertThat(e.detail()).startsWith("A: no configured target is known up");
        });
        EndpointDecision up = decide(SafetyPolicy.DEFAULTS, h(Health.UP, Health.UNKNOWN, Health.UP), Optional.of(old));
        assertThat(up.records()).contains(rs(V1, S1));
    }

    @Test
    void aFamilyNeverServedGetsOnlyItsUpTargets() {
        EndpointDecision d = decide(SafetyPolicy.DEFAULTS, h(Health.UP, Health.DOWN, Health.UNKNOWN), Optional.empty());
        assertThat(d.records()).contains(rs(V1));
        assertThat(d.events()).isEmpty();
        assertThat(decide(SafetyPolicy.DEFAULTS, h(Health.DOWN, Health.UNKNOWN, Health.DOWN), Optional.empty()).records()).isEmpty();
    }

    @Test
    void theLastCheckNamesTheFamilyADraftWouldEmpty() {
        Topology topology = Topology.of(List.of(SPEC));
        Plan latest = Plan.publish(Generation.of(4), PlanDraft.of(Map.of(E, rs(V1, S1))));
        PlanDraft v6only = new PlanDraft(new TreeMap<>(Map.of(E, rs(S1))), false);
        assertThat(ServedFamilies.firstEmptied(Optional.of(latest), v6only, topology)).hasValueSatisfying(s -> assertThat(s).startsWith("I1: the draft would leave e.test. without A records"));
        assertThat(ServedFamilies.firstEmptied(Optional.of(latest), new PlanDraft(new TreeMap<>(Map.of(E, rs(V2, S1))), false), topology)).isEmpty();
        assertThat(ServedFamilies.firstEmptied(Optional.empty(), v6only, topology)).isEmpty();
        // A family operators dropped from the configuration, or an endpoint that left it, is no violation.
        Topology v6Topology = Topology.of(List.of(new EndpointSpec(E, 30, List.of(S1))));
        assertThat(ServedFamilies.firstEmptied(Optional.of(latest), v6only, v6Topology)).isEmpty();
        Topology elsewhere = Topology.of(List.of(new EndpointSpec(Endpoint.of("other.test."), 30, List.of(S1))));
        assertThat(ServedFamilies.firstEmptied(Optional.of(latest), v6only, elsewhere)).isEmpty();
        assertThatThrownBy(() -> new EndpointDecision(Optional.empty(), Map.of(AddressFamily.IPV4, -1L), List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    static final Target A1 = new Target("a1", WeightedAddress.parseLiteral("10.0.1.1"), "z", 10);
    static final Target A2 = new Target("a2", WeightedAddress.parseLiteral("10.0.1.2"), "z", 10);
    static final Target A3 = new Target("a3", WeightedAddress.parseLiteral("10.0.1.3"), "z", 20);
    /** Capacity 40, listed against id order. */
    static final EndpointSpec THREE = new EndpointSpec(E, 30, List.of(A3, A2, A1));
    static final SafetyPolicy HALF = SafetyPolicy.DEFAULTS.withMinHealthyFraction(0).withVelocity(0.5, 60_000);

    static HealthObservations down(String... ids) {
        Map<String, Health> m = new java.util.HashMap<>(Map.of("a1", Health.UP, "a2", Health.UP, "a3", Health.UP));
        for (String id : ids) m.put(id, Health.DOWN);
        return new HealthObservations(m);
    }

    @Test
    void aRemovalThatExactlyUsesUpTheRemainingBudgetGoes() {
        // Budget floor(0.5 × 40) = 20, 10 already removed in the window: a1 (10) fits exactly.
        EndpointDecision d = new SafetyRules(HALF).decide(THREE, down("a1"), Optional.of(rs(A1, A2, A3)), Map.of(AddressFamily.IPV4, 10L));
        assertThat(d.records()).contains(rs(A2, A3));
        assertThat(d.removedCapacity()).isEqualTo(Map.of(AddressFamily.IPV4, 10L));
        assertThat(d.events()).isEmpty();
        // One more unit already removed and it no longer fits.
        EndpointDecision held = new SafetyRules(HALF).decide(THREE, down("a1"), Optional.of(rs(A1, A2, A3)), Map.of(AddressFamily.IPV4, 11L));
        assertThat(held.records()).contains(rs(A1, A2, A3));
    }

    @Test
    void downTargetsGoInTargetIdOrderAndTheEventCountsTheWholeWindow() {
        // Budget 20 − 5 = 15: a1 (10) goes first by id, a2 (10) would exceed it; the spec lists a2 before a1.
        EndpointDecision d = new SafetyRules(HALF).decide(THREE, down("a1", "a2"), Optional.of(rs(A1, A2, A3)), Map.of(AddressFamily.IPV4, 5L));
        assertThat(d.records()).contains(rs(A2, A3));
        assertThat(d.removedCapacity()).isEqualTo(Map.of(AddressFamily.IPV4, 10L));
        assertThat(d.events()).singleElement().satisfies(e -> assertThat(e.detail())
                .isEqualTo("A: removal budget 50.0% of capacity 40 per 60000 ms exhausted (15 already removed in the window); keeping unhealthy [a2] for now"));
    }

    @Test
    void anEndpointWhoseOnlyServedFamilyWasDroppedKeepsItsLastRecordSetWhole() {
        // It served only 10.0.0.9 (A); the configuration now has only s1 (AAAA), not known up yet.
        RecordSet old = RecordSet.of(30, WeightedAddress.of("10.0.0.9", 4));
        EndpointSpec v6only = new EndpointSpec(E, 30, List.of(S1));
        EndpointDecision d = new SafetyRules(SafetyPolicy.DEFAULTS).decide(v6only, h(Health.UP, Health.UP, Health.UNKNOWN), Optional.of(old), Map.of());
        assertThat(d.records()).contains(old);
        assertThat(d.events()).singleElement().satisfies(e -> {
            assertThat(e.rule()).isEqualTo(SafetyRule.NEVER_EMPTY);
            assertThat(e.detail()).isEqualTo("no configured target is known up; keeping the last record set 30 10.0.0.9*4");
        });
    }
}
