package io.waymark.core.planner;

import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Health;
import io.waymark.core.model.HealthObservations;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.operator.Rollback;
import io.waymark.core.port.PlanStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerTest {
    static final Endpoint API = Endpoint.of("api.waymark.test.");
    final InMemoryPlanStore store = new InMemoryPlanStore();
    long now = 1_000_000;

    /** Targets t1..tn at 10.0.0.1..n, capacity 10 each unless given. */
    static Topology topology(long... capacities) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < capacities.length; i++) {
            targets.add(new Target("t" + (i + 1), WeightedAddress.parseLiteral("10.0.0." + (i + 1)), "z" + (i % 3), capacities[i]));
        }
        return Topology.of(List.of(new EndpointSpec(API, 30, targets)));
    }

    static HealthObservations healthy(int n, int... unhealthy) {
        Map<String, Boolean> m = new HashMap<>();
        for (int i = 1; i <= n; i++) m.put("t" + i, true);
        for (int u : unhealthy) m.put("t" + u, false);
        return HealthObservations.ofDecided(m);
    }

    /** t1..tn in that order: UP, DOWN or UNKNOWN each. */
    static HealthObservations states(Health... perTarget) {
        Map<String, Health> m = new HashMap<>();
        for (int i = 0; i < perTarget.length; i++) m.put("t" + (i + 1), perTarget[i]);
        return new HealthObservations(m);
    }

    /** t1..tv at 10.0.0.x (IPv4), then t(v+1)..t(v+w) at 2001:db8::x (IPv6), capacity 10 each. */
    static Topology dualStack(int v4, int v6) {
        List<Target> targets = new ArrayList<>();
        for (int i = 1; i <= v4; i++) targets.add(new Target("t" + i, WeightedAddress.parseLiteral("10.0.0." + i), "z", 10));
        for (int i = 1; i <= v6; i++) targets.add(new Target("t" + (v4 + i), WeightedAddress.parseLiteral("2001:db8::" + i), "z", 10));
        return Topology.of(List.of(new EndpointSpec(API, 30, targets)));
    }

    static long count(RecordSet rs, AddressFamily family) {
        return family.countIn(rs);
    }

    Planner planner(SafetyPolicy policy) {
        return new Planner(store, () -> now, policy);
    }

    RecordSet served() {
        return store.latest().orElseThrow().recordSets().get(API);
    }

    static List<String> addresses(RecordSet rs) {
        return rs.addresses().stream().map(a -> a.address().getHostAddress() + "*" + a.weight()).toList();
    }

    @Test
    void weightsComeFromHealthyCapacity() {
        PlannerResult r = planner(SafetyPolicy.DEFAULTS).tick(topology(10, 20, 30), healthy(3));
        assertThat(r.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(r.published().orElseThrow().generation()).isEqualTo(Generation.of(1));
        assertThat(r.published().orElseThrow().forced()).isFalse();
        assertThat(addresses(served())).containsExactly("10.0.0.1*10", "10.0.0.2*20", "10.0.0.3*30");
        assertThat(r.safetyEvents()).isEmpty();
    }

    @Test
    void publishesNothingWhenNothingChanged() {
        Planner p = planner(SafetyPolicy.DEFAULTS);
        p.tick(topology(10, 10), healthy(2));
        PlannerResult again = p.tick(topology(10, 10), healthy(2));
        assertThat(again.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(store.history()).hasSize(1);
    }

    @Test
    void aForcedRollbackWithTheSameContentCountsAsUnchanged() {
        Planner p = planner(SafetyPolicy.DEFAULTS);
        p.tick(topology(10, 10), healthy(2));
        new Rollback(store).to(Generation.of(1), false);
        assertThat(store.latest().orElseThrow().forced()).isTrue();
        assertThat(p.tick(topology(10, 10), healthy(2)).status()).isEqualTo(PlannerStatus.UNCHANGED);
    }

    @Test
    void failOpenKeepsTheLastKnownGood() {
        Planner p = planner(new SafetyPolicy(true, 0.0, 1.0, 1000));
        p.tick(topology(10, 10, 10, 10), healthy(4, 4));
        RecordSet good = served();
        PlannerResult r = p.tick(topology(10, 10, 10, 10), healthy(4, 1, 2, 3, 4));
        assertThat(r.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(served()).isEqualTo(good);
        assertThat(r.safetyEvents()).extracting(SafetyEvent::rule).containsExactly(SafetyRule.FAIL_OPEN);
    }

    @Test
    void withFailOpenOffNeverEmptyStillKeepsTheLastKnownGood() {
        Planner p = planner(SafetyPolicy.PERMISSIVE);
        p.tick(topology(10, 10), healthy(2, 2));
        PlannerResult r = p.tick(topology(10, 10), healthy(2, 1, 2));
        assertThat(addresses(served())).containsExactly("10.0.0.1*10");
        assertThat(r.safetyEvents()).extracting(SafetyEvent::rule).containsExactly(SafetyRule.NEVER_EMPTY);
    }

    @Test
    void coldStartWithNoHealthYetPublishesNothing() {
        // Issue 7, defect 12: nothing is published that depends on a target nobody has probed.
        Planner p = planner(SafetyPolicy.DEFAULTS);
        PlannerResult r = p.tick(topology(10, 10, 10), HealthObservations.NONE);
        assertThat(r.status()).isEqualTo(PlannerStatus.AWAITING_HEALTH);
        assertThat(store.latest()).isEmpty();
        // As targets become known, only those known UP are added.
        assertThat(p.tick(topology(10, 10, 10), states(Health.UP, Health.UNKNOWN, Health.DOWN)).status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(addresses(served())).containsExactly("10.0.0.1*10");
    }

    @Test
    void unknownHealthKeepsWhatIsServedAndAddsNothing() {
        // Issue 7, defect 12: after a restart (a new planner) targets not probed yet used to count as down.
        planner(SafetyPolicy.DEFAULTS).tick(topology(10, 10, 10, 10), states(Health.UP, Health.UP, Health.UP, Health.DOWN));
        RecordSet before = served();
        Planner restarted = planner(SafetyPolicy.DEFAULTS);
        PlannerResult r = restarted.tick(topology(10, 10, 10, 10), states(Health.UP, Health.UNKNOWN, Health.UNKNOWN, Health.UNKNOWN));
        assertThat(r.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(served()).isEqualTo(before);
        assertThat(r.safetyEvents()).isEmpty();
        // Every target unknown: still nothing changes, and no rule fires (nothing is unhealthy).
        PlannerResult none = restarted.tick(topology(10, 10, 10, 10), HealthObservations.NONE);
        assertThat(none.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(none.safetyEvents()).isEmpty();
    }

    @Test
    void unknownTargetsSpendNoVelocityBudget() {
        // 25% of 40 per window: t3 may go at once although t2 is unknown (kept, not removed).
        Planner p = planner(new SafetyPolicy(true, 0.0, 0.25, 60_000));
        p.tick(topology(10, 10, 10, 10), healthy(4));
        PlannerResult r = p.tick(topology(10, 10, 10, 10), states(Health.UP, Health.UNKNOWN, Health.DOWN, Health.UP));
        assertThat(r.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(addresses(served())).containsExactly("10.0.0.1*10", "10.0.0.2*10", "10.0.0.4*10");
        assertThat(r.safetyEvents()).isEmpty();
    }

    @Test
    void aDualStackEndpointKeepsAnsweringAWhenItsIpv4TargetsFail() {
        // Issue 7, defect 5: every rule judged the whole record set, so healthy IPv6 targets let the
        // IPv4 ones all go, and A queries got NOERROR with no records.
        Planner p = planner(SafetyPolicy.PERMISSIVE);
        p.tick(dualStack(2, 2), states(Health.UP, Health.UP, Health.UP, Health.UP));
        PlannerResult r = p.tick(dualStack(2, 2), states(Health.DOWN, Health.DOWN, Health.UP, Health.UP));
        assertThat(count(served(), AddressFamily.IPV4)).isEqualTo(2);
        assertThat(count(served(), AddressFamily.IPV6)).isEqualTo(2);
        assertThat(r.safetyEvents()).extracting(SafetyEvent::rule).containsExactly(SafetyRule.NEVER_EMPTY);
        assertThat(r.safetyEvents().get(0).detail()).startsWith("A:");
    }

    @Test
    void aDualStackEndpointWithDefaultsNeverLosesItsIpv4Answers() {
        // With defaults, velocity and the minimum fraction also judge one family at a time.
        Planner p = planner(SafetyPolicy.DEFAULTS);
        p.tick(dualStack(2, 2), states(Health.UP, Health.UP, Health.UP, Health.UP));
        for (int i = 0; i < 5; i++, now += 61_000) {
            p.tick(dualStack(2, 2), states(Health.DOWN, Health.DOWN, Health.UP, Health.UP));
            assertThat(count(served(), AddressFamily.IPV4)).as("window " + i).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void velocityAlwaysLetsOneTargetGoPerWindow() {
        // Issue 7, defect 7, with examples/waymark.yaml: two targets of 100, a quarter per minute. A dead
        // target of 100 is above one window's budget of 50 and used to be served forever.
        Planner p = planner(new SafetyPolicy(true, 0.5, 0.25, 60_000));
        p.tick(topology(100, 100), healthy(2));
        PlannerResult r = p.tick(topology(100, 100), healthy(2, 2));
        assertThat(r.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(addresses(served())).containsExactly("10.0.0.1*100");
        assertThat(r.safetyEvents()).isEmpty();
    }

    @Test
    void velocityLetsOnlyOneLargeTargetGoPerWindow() {
        Planner p = planner(new SafetyPolicy(true, 0.0, 0.25, 60_000));
        p.tick(topology(100, 100, 100), healthy(3));
        p.tick(topology(100, 100, 100), healthy(3, 1, 2));
        assertThat(addresses(served())).containsExactly("10.0.0.2*100", "10.0.0.3*100");
        now += 30_000;
        PlannerResult held = p.tick(topology(100, 100, 100), healthy(3, 1, 2));
        assertThat(held.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(held.safetyEvents()).extracting(SafetyEvent::rule).containsExactly(SafetyRule.VELOCITY);
        now += 30_001;
        p.tick(topology(100, 100, 100), healthy(3, 1, 2));
        assertThat(addresses(served())).containsExactly("10.0.0.3*100");
    }

    @Test
    void belowTheMinimumHealthyFractionNothingIsRemoved() {
        Planner p = planner(new SafetyPolicy(true, 0.5, 1.0, 1000));
        p.tick(topology(10, 10, 10, 10), healthy(4));
        PlannerResult r = p.tick(topology(10, 10, 10, 10), healthy(4, 1, 2, 3)); // 25% healthy < 50%
        assertThat(r.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(served().addresses()).hasSize(4);
        assertThat(r.safetyEvents()).extracting(SafetyEvent::rule).containsExactly(SafetyRule.MIN_HEALTHY_FRACTION);
        // At exactly the minimum, removal happens.
        PlannerResult half = p.tick(topology(10, 10, 10, 10), healthy(4, 1, 2));
        assertThat(half.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(addresses(served())).containsExactly("10.0.0.3*10", "10.0.0.4*10");
    }

    @Test
    void velocityLimitsCapacityRemovedPerWindow() {
        // 25% of 40 = 10 per 60 s window: one target of 10 per window.
        Planner p = planner(new SafetyPolicy(true, 0.0, 0.25, 60_000));
        p.tick(topology(10, 10, 10, 10), healthy(4));
        PlannerResult r1 = p.tick(topology(10, 10, 10, 10), healthy(4, 1, 2));
        assertThat(r1.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(addresses(served())).containsExactly("10.0.0.2*10", "10.0.0.3*10", "10.0.0.4*10");
        assertThat(r1.safetyEvents()).extracting(SafetyEvent::rule).containsExactly(SafetyRule.VELOCITY);
        assertThat(r1.safetyEvents().get(0).detail()).contains("t2");
        now += 30_000;
        PlannerResult r2 = p.tick(topology(10, 10, 10, 10), healthy(4, 1, 2));
        assertThat(r2.status()).isEqualTo(PlannerStatus.UNCHANGED); // budget still spent
        assertThat(r2.safetyEvents()).extracting(SafetyEvent::rule).containsExactly(SafetyRule.VELOCITY);
        now += 30_001;
        PlannerResult r3 = p.tick(topology(10, 10, 10, 10), healthy(4, 1, 2));
        assertThat(r3.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(addresses(served())).containsExactly("10.0.0.3*10", "10.0.0.4*10");
        assertThat(r3.safetyEvents()).isEmpty();
        // Recovered targets come back at once: adding capacity is never rate-limited.
        assertThat(p.tick(topology(10, 10, 10, 10), healthy(4)).status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(served().addresses()).hasSize(4);
    }

    @Test
    void pinnedPublishesNothing() {
        store.updateFlags(store.flags(), store.flags().withPinned(true));
        PlannerResult r = planner(SafetyPolicy.DEFAULTS).tick(topology(10), healthy(1));
        assertThat(r.status()).isEqualTo(PlannerStatus.PINNED);
        assertThat(store.latest()).isEmpty();
    }

    @Test
    void twoPlannersNeverBothPublishTheSameGeneration() {
        InMemoryPlanStore inner = new InMemoryPlanStore();
        boolean[] raced = {false};
        PlanStore racing = new PlanStore() {
            @Override
            public io.waymark.core.port.PublishOutcome publish(Generation expectedLatest, io.waymark.core.model.PlanDraft draft) {
                if (!raced[0]) { // another planner publishes between our read and our write
                    raced[0] = true;
                    inner.publish(expectedLatest, draft.asForced());
                }
                return inner.publish(expectedLatest, draft);
            }

            @Override public java.util.Optional<Plan> latest() { return inner.latest(); }
            @Override public java.util.Optional<Plan> read(Generation g) { return inner.read(g); }
            @Override public List<Generation> history() { return inner.history(); }
            @Override public boolean delete(Generation g) { return inner.delete(g); }
            @Override public io.waymark.core.model.ControlFlags flags() { return inner.flags(); }
            @Override public boolean updateFlags(io.waymark.core.model.ControlFlags e, io.waymark.core.model.ControlFlags f) { return inner.updateFlags(e, f); }
        };
        PlannerResult r = new Planner(racing, () -> now, SafetyPolicy.DEFAULTS).tick(topology(10), healthy(1));
        assertThat(r.status()).isEqualTo(PlannerStatus.CONFLICT);
        assertThat(racing.history()).containsExactly(Generation.of(1));
    }

    @Test
    void aCorruptLatestPlanIsReplacedNotTrusted() {
        Planner p = planner(SafetyPolicy.DEFAULTS);
        p.tick(topology(10, 10), healthy(2));
        Plan good = store.latest().orElseThrow();
        store.corruptForFaultInjection(good.generation(), new Plan(good.generation(), good.hash(), io.waymark.core.Fixtures.draft(1, 9)));
        PlannerResult r = p.tick(topology(10, 10), healthy(2));
        assertThat(r.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(store.latest().orElseThrow().verifyHash()).isTrue();
    }

    @Test
    void aLatestPlanFailingItsHashIsRepublishedEvenWhenItsContentIsWhatIsDesired() {
        // Its content cannot be trusted, so "unchanged" against it would leave a corrupt plan as the latest.
        Planner p = planner(SafetyPolicy.DEFAULTS);
        p.tick(topology(10, 10), healthy(2));
        Plan good = store.latest().orElseThrow();
        io.waymark.core.model.PlanHash wrong = Plan.publish(Generation.of(9), io.waymark.core.Fixtures.draft(1, 9)).hash();
        store.corruptForFaultInjection(good.generation(), new Plan(good.generation(), wrong, good.draft()));
        PlannerResult r = p.tick(topology(10, 10), healthy(2));
        assertThat(r.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(store.latest().orElseThrow().verifyHash()).isTrue();
        assertThat(store.latest().orElseThrow().recordSets()).isEqualTo(good.recordSets());
    }

    @Test
    void aPlanStoreThatCannotBeReadIsReportedNotThrown() {
        PlanStore down = new PlanStore() {
            @Override public io.waymark.core.port.PublishOutcome publish(Generation e, io.waymark.core.model.PlanDraft d) { throw new io.waymark.core.port.StoreUnavailableException("disk gone"); }
            @Override public java.util.Optional<Plan> latest() { throw new io.waymark.core.port.StoreUnavailableException("disk gone"); }
            @Override public java.util.Optional<Plan> read(Generation g) { throw new io.waymark.core.port.StoreUnavailableException("disk gone"); }
            @Override public List<Generation> history() { throw new io.waymark.core.port.StoreUnavailableException("disk gone"); }
            @Override public boolean delete(Generation g) { throw new io.waymark.core.port.StoreUnavailableException("disk gone"); }
            @Override public io.waymark.core.model.ControlFlags flags() { return io.waymark.core.model.ControlFlags.NONE; }
            @Override public boolean updateFlags(io.waymark.core.model.ControlFlags e, io.waymark.core.model.ControlFlags f) { return false; }
        };
        PlannerResult r = new Planner(down, () -> now, SafetyPolicy.DEFAULTS).tick(topology(10), healthy(1));
        assertThat(r.status()).isEqualTo(PlannerStatus.STORE_UNAVAILABLE);
        assertThat(r.error()).contains("disk gone");
        assertThat(r.published()).isEmpty();
    }
}
