package io.waymark.core.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.enactor.ChangeGuard;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.AddressFamily;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Health;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.operator.ForcedPublish;
import io.waymark.core.port.PublishOutcome;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Seeds 37 (L2) and 663 (I1): the latest plan (a rollback to a plan from before an endpoint was added)
 * lacks an endpoint that is still served; its IPv4 target is down. The planner built the endpoint from
 * scratch (UP targets only: no A record), and every enactor refused the plan (it empties a served A
 * family) forever; a forced publish of the same draft blanked the A answer.
 */
class ServedBaselineTest {
    static final Endpoint API = Endpoint.of("api.waymark.test.");
    static final Endpoint SVC = Endpoint.of("svc.waymark.test.");
    final InMemoryPlanStore plans = new InMemoryPlanStore();
    final InMemoryRecordStore records = new InMemoryRecordStore();

    static Target t(String id, String address) {
        return new Target(id, WeightedAddress.parseLiteral(address), "z", 100);
    }

    final Topology topology = Topology.of(List.of(
            new EndpointSpec(API, 30, List.of(t("a4", "10.0.0.1"), t("b4", "10.0.0.2"))),
            new EndpointSpec(SVC, 30, List.of(t("s4", "10.0.1.1"), t("s6", "2001:db8::21")))));

    Plan publish(PlanDraft d) {
        Generation before = plans.latest().map(Plan::generation).orElse(Generation.ZERO);
        return ((PublishOutcome.Published) plans.publish(before, d)).plan();
    }

    void serve(Plan p, Endpoint e) {
        records.applyIfNewer(e, records.read(e).stamp(), p.stamp(), p.recordSets().get(e));
    }

    /** g1 serves both endpoints everywhere; g2, a rollback to a plan from before svc, lacks svc. */
    void rolledBackPastSvc() {
        TreeMap<Endpoint, RecordSet> both = new TreeMap<>();
        both.put(API, RecordSet.of(30, WeightedAddress.of("10.0.0.1", 100), WeightedAddress.of("10.0.0.2", 100)));
        both.put(SVC, RecordSet.of(30, WeightedAddress.of("10.0.1.1", 100), WeightedAddress.of("2001:db8::21", 100)));
        Plan g1 = publish(new PlanDraft(both, false));
        serve(g1, API);
        serve(g1, SVC);
        Plan g2 = publish(new PlanDraft(new TreeMap<>(Map.of(API, both.get(API))), true));
        serve(g2, API);
        assertThat(records.read(SVC).stamp()).isEqualTo(g1.stamp());
    }

    final HealthObservations svcV4Down = new HealthObservations(Map.of("a4", Health.UP, "b4", Health.UP, "s4", Health.DOWN, "s6", Health.UP));

    Planner planner() {
        return new Planner(plans, () -> 1_000_000L, SafetyPolicy.DEFAULTS, new ChangeGuard(0.3, 2), records::read);
    }

    @Test
    void anEndpointTheLatestPlanLacksIsJudgedByWhatItServes() {
        rolledBackPastSvc();
        PlannerResult r = planner().tick(topology, svcV4Down);
        assertThat(r.status()).isEqualTo(PlannerStatus.PUBLISHED);
        RecordSet svc = r.published().orElseThrow().recordSets().get(SVC);
        assertThat(AddressFamily.IPV4.countIn(svc)).as("A served by g1 stays (fail open), " + svc).isEqualTo(1);
        assertThat(new ChangeGuard(0.3, 2).assess(r.published().get(), Map.of(SVC, records.read(SVC).records(), API, records.read(API).records())).refusal()).isEmpty();
    }

    @Test
    void aForcedPublishAfterSuchARollbackKeepsTheServedFamily() {
        rolledBackPastSvc();
        Planner planner = planner();
        ForcedPublish.Result r = new ForcedPublish(plans).publish(latest -> planner.compute(topology, svcV4Down, latest, TickTime.ofMonotonicMillis(1_000_000L)).desired(),
                "test", 1_000_000L);
        assertThat(r.status()).isEqualTo(ForcedPublish.Status.PUBLISHED);
        assertThat(AddressFamily.IPV4.countIn(r.published().orElseThrow().recordSets().get(SVC))).isEqualTo(1);
    }

    @Test
    void aLatestPlanTheGuardRefusesAgainstWhatIsServedIsSteppedPast() {
        // Seed 46 (L2): enactors (paused) still serve g1; g2 removed svc (it left the configuration) and
        // 2 of api's 4 A addresses: 2 of 5 served A (40%) against g1 as a whole, but svc is not in g2, so
        // the enactors count 2 of 4 (50% > 40%) and refuse g2. The planner's draft equals g2: it answered
        // UNCHANGED and the newer plan the enactors waited for never came.
        TreeMap<Endpoint, RecordSet> g1Content = new TreeMap<>();
        g1Content.put(API, io.waymark.core.Fixtures.rs(1, 2, 3, 4));
        g1Content.put(SVC, io.waymark.core.Fixtures.rs(9));
        Plan g1 = publish(new PlanDraft(g1Content, false));
        serve(g1, API);
        serve(g1, SVC);
        publish(new PlanDraft(new TreeMap<>(Map.of(API, io.waymark.core.Fixtures.rs(1, 3))), false));
        ChangeGuard guard = new ChangeGuard(0.4, 2);
        assertThat(guard.assess(plans.latest().get(), Map.of(API, records.read(API).records())).refusal()).isPresent();
        List<Target> targets = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) targets.add(new Target("t" + i, WeightedAddress.parseLiteral("10.0.0." + i), "z", 1));
        Topology apiOnly = Topology.of(List.of(new EndpointSpec(API, 30, targets)));
        HealthObservations twoDown = new HealthObservations(Map.of("t1", Health.UP, "t2", Health.DOWN, "t3", Health.UP, "t4", Health.DOWN));
        Planner planner = new Planner(plans, () -> 1_000_000L, new SafetyPolicy(true, 0.0, 1.0, 1), guard, records::read);
        PlannerResult r = planner.tick(apiOnly, twoDown);
        assertThat(r.status()).as(r.toString()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(guard.assess(r.published().get(), Map.of(API, records.read(API).records())).refusal()).isEmpty();
    }

    @Test
    void anEndpointRetiredAtTheLatestPlanAndReAddedIsRepublished() {
        // Seed 160 (L1): api left the configuration, was retired at the latest plan g1 (the store brings it
        // back only with a newer plan), then came back; the draft equals g1, and without a new generation
        // the planner answered UNCHANGED and api was never served again.
        TreeMap<Endpoint, RecordSet> content = new TreeMap<>();
        content.put(API, io.waymark.core.Fixtures.rs(1, 2));
        Plan g1 = publish(new PlanDraft(content, false));
        serve(g1, API);
        assertThat(records.retire(API, g1.stamp())).isTrue();
        List<Target> targets = List.of(new Target("t1", WeightedAddress.parseLiteral("10.0.0.1"), "z", 1), new Target("t2", WeightedAddress.parseLiteral("10.0.0.2"), "z", 1));
        Topology api = Topology.of(List.of(new EndpointSpec(API, 30, targets)));
        HealthObservations up = new HealthObservations(Map.of("t1", Health.UP, "t2", Health.UP));
        Planner planner = new Planner(plans, () -> 1_000_000L, new SafetyPolicy(true, 0.0, 1.0, 1), new ChangeGuard(0.3, 2), records::read);
        PlannerResult r = planner.tick(api, up);
        assertThat(r.status()).as(r.toString()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(r.published().orElseThrow().recordSets()).isEqualTo(g1.recordSets());
        // Checked once per change of the configured endpoints: no plan per tick while it is still unserved.
        assertThat(planner.tick(api, up).status()).isEqualTo(PlannerStatus.UNCHANGED);
    }

    @Test
    void aRemovalJudgedAgainstTheLatestPlanIsJudgedAgainstWhatIsServedWhenAnEndpointOfItIsRetired() {
        // g1 = big (4 A) + api (2 A), both served; api left the configuration and was retired at g1, so g1 is
        // converged (a tombstone at g1 takes no older write) while api serves nothing. api is configured
        // again and two of big's targets fail. Against g1 (6 A) the two removals fit the guard (2/6 <= 40%);
        // against what the enactors judge by (4 A served) they do not (2/4): that plan would be refused by
        // every enactor, so the planner must hold big's removals back even though g1 has converged.
        Endpoint big = Endpoint.of("big.waymark.test.");
        TreeMap<Endpoint, RecordSet> content = new TreeMap<>();
        content.put(big, io.waymark.core.Fixtures.rs(1, 2, 3, 4));
        content.put(API, io.waymark.core.Fixtures.rs(5, 6));
        Plan g1 = publish(new PlanDraft(content, false));
        serve(g1, big);
        serve(g1, API);
        assertThat(records.retire(API, g1.stamp())).isTrue();
        List<Target> bigTargets = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) bigTargets.add(new Target("t" + i, WeightedAddress.parseLiteral("10.0.0." + i), "z", 1));
        List<Target> apiTargets = List.of(new Target("t5", WeightedAddress.parseLiteral("10.0.0.5"), "z", 1),
                new Target("t6", WeightedAddress.parseLiteral("10.0.0.6"), "z", 1));
        Topology both = Topology.of(List.of(new EndpointSpec(big, 30, bigTargets), new EndpointSpec(API, 30, apiTargets)));
        HealthObservations twoDown = new HealthObservations(Map.of("t1", Health.UP, "t2", Health.UP, "t3", Health.DOWN,
                "t4", Health.DOWN, "t5", Health.UP, "t6", Health.UP));
        ChangeGuard guard = new ChangeGuard(0.4, 2);
        Planner planner = new Planner(plans, () -> 1_000_000L, new SafetyPolicy(true, 0.0, 1.0, 1), guard, records::read);

        PlannerResult r = planner.tick(both, twoDown);
        assertThat(r.status()).as(r.toString()).isEqualTo(PlannerStatus.PUBLISHED);
        Plan g2 = r.published().orElseThrow();
        assertThat(guard.assess(g2, Map.of(big, records.read(big).records(), API, records.read(API).records())).refusal())
                .as("the enactors accept it against what they serve").isEmpty();
        assertThat(g2.recordSets()).as("big keeps its removals back; api comes back").isEqualTo(g1.recordSets());
        assertThat(r.safetyEvents()).extracting(SafetyEvent::rule).contains(SafetyRule.CHANGE_THRESHOLD, SafetyRule.RETIRED_RETURNS);

        serve(g2, big);
        serve(g2, API);
        PlannerResult next = planner.tick(both, twoDown);
        assertThat(next.status()).as("once it has landed, the removals fit the guard: " + next).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(next.published().orElseThrow().recordSets().get(big)).isEqualTo(io.waymark.core.Fixtures.rs(1, 2));
    }

    @Test
    void aConvergedPlannerReadsNoRecordsPerTick() {
        // Every read of the served view is a network round trip with the etcd and RFC 2136 stores: a planner
        // that re-read each endpoint every tick would put a steady load of (endpoints / tick) on them.
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        HealthObservations up = new HealthObservations(Map.of("a4", Health.UP, "b4", Health.UP, "s4", Health.UP, "s6", Health.UP));
        Planner planner = new Planner(plans, () -> 1_000_000L, SafetyPolicy.DEFAULTS, new ChangeGuard(0.3, 2), e -> {
            reads.incrementAndGet();
            return records.read(e);
        });
        Plan g1 = planner.tick(topology, up).published().orElseThrow();
        serve(g1, API);
        serve(g1, SVC);
        assertThat(planner.tick(topology, up).status()).isEqualTo(PlannerStatus.UNCHANGED);
        int settled = reads.get();
        for (int i = 0; i < 5; i++) assertThat(planner.tick(topology, up).status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(reads.get()).as("reads after convergence").isEqualTo(settled);
        // A change of the configured endpoints is a reason to look again (one read per endpoint of the plan).
        Topology apiOnly = Topology.of(List.of(topology.endpoints().get(API)));
        planner.tick(apiOnly, up);
        assertThat(reads.get()).isGreaterThan(settled);
    }

    @Test
    void anEndpointRemovedRetiredAndAddedBackWhilePinnedIsRepublishedAfterUnpin() {
        // Seed 580 (L1): pinned, www left the configuration, was retired at the latest plan and came back;
        // after unpin the planner saw the same endpoints as before the pin and looked no further.
        HealthObservations up = new HealthObservations(Map.of("a4", Health.UP, "b4", Health.UP, "s4", Health.UP, "s6", Health.UP));
        Planner planner = new Planner(plans, () -> 1_000_000L, new SafetyPolicy(true, 0.0, 1.0, 1), new ChangeGuard(0.3, 2), records::read);
        PlannerResult first = planner.tick(topology, up);
        assertThat(first.status()).as(first.toString()).isEqualTo(PlannerStatus.PUBLISHED);
        Plan g1 = first.published().orElseThrow();
        serve(g1, API);
        serve(g1, SVC);
        assertThat(planner.tick(topology, up).status()).isEqualTo(PlannerStatus.UNCHANGED);
        plans.updateFlags(plans.flags(), plans.flags().withPinned(true));
        Topology svcOnly = Topology.of(List.of(topology.endpoints().get(SVC)));
        assertThat(planner.tick(svcOnly, up).status()).isEqualTo(PlannerStatus.PINNED);
        assertThat(records.retire(API, g1.stamp())).isTrue(); // the retire role: api serves the latest plan
        assertThat(planner.tick(topology, up).status()).isEqualTo(PlannerStatus.PINNED);
        plans.updateFlags(plans.flags(), plans.flags().withPinned(false));
        PlannerResult back = planner.tick(topology, up);
        assertThat(back.status()).as(back.toString()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(back.safetyEvents()).anyMatch(e -> e.rule() == SafetyRule.RETIRED_RETURNS && e.endpoint().equals(API));
        serve(back.published().orElseThrow(), API);
        assertThat(records.read(API).records()).contains(g1.recordSets().get(API));
    }

    @Test
    void aForcedDraftKeepsAFamilyThatAPlanStillLandingWouldServe() {
        // Seed 115665 (I1): api served an IPv4-only plan; a dual-stack plan for it was still landing (a
        // stale enactor) when an operator's forced draft was computed against what api served then. The
        // dual-stack plan landed, then the forced plan (no change guard) emptied the AAAA answer.
        Topology dual = Topology.of(List.of(new EndpointSpec(API, 30, List.of(t("a4", "10.0.0.1"), t("a6", "2001:db8::1")))));
        HealthObservations v6Down = new HealthObservations(Map.of("a4", Health.UP, "a6", Health.DOWN));
        TreeMap<Endpoint, RecordSet> v4 = new TreeMap<>();
        v4.put(API, RecordSet.of(30, WeightedAddress.of("10.0.0.1", 100)));
        TreeMap<Endpoint, RecordSet> both = new TreeMap<>();
        both.put(API, RecordSet.of(30, WeightedAddress.of("10.0.0.1", 100), WeightedAddress.of("2001:db8::1", 100)));
        TreeMap<Endpoint, RecordSet> svcOnly = new TreeMap<>();
        svcOnly.put(SVC, RecordSet.of(30, WeightedAddress.of("10.0.1.1", 100)));
        Plan g1 = publish(new PlanDraft(v4, false));
        serve(g1, API);
        Plan g2 = publish(new PlanDraft(both, true)); // not landed yet on api
        publish(new PlanDraft(svcOnly, true));         // g3: a rollback to a plan without api
        Planner planner = new Planner(plans, () -> 1_000_000L, SafetyPolicy.DEFAULTS, new ChangeGuard(0.3, 2), records::read);
        ForcedPublish.Result forced = new ForcedPublish(plans).publish(latest -> planner.compute(dual, v6Down, latest, TickTime.ofMonotonicMillis(1_000_000L)).desired(),
                "test", 1_000_000L);
        assertThat(forced.status()).as(forced.auditLine()).isEqualTo(ForcedPublish.Status.PUBLISHED);
        serve(g2, API); // the stale enactor lands g2 after the draft was computed
        serve(forced.published().orElseThrow(), API);
        assertThat(AddressFamily.of(records.read(API).records().orElseThrow())).as(records.read(API).toString()).contains(AddressFamily.IPV4, AddressFamily.IPV6);
    }

    /** Dual-stack api whose IPv6 target is down, for the forced-draft cases below. */
    Topology dualApi() {
        return Topology.of(List.of(new EndpointSpec(API, 30, List.of(t("a4", "10.0.0.1"), t("a6", "2001:db8::1")))));
    }

    Optional<PlanDraft> forcedDraft(Topology topology) {
        HealthObservations v6Down = new HealthObservations(Map.of("a4", Health.UP, "a6", Health.DOWN));
        Planner planner = new Planner(plans, () -> 1_000_000L, SafetyPolicy.DEFAULTS, new ChangeGuard(0.3, 2), records::read);
        return planner.compute(topology, v6Down, plans.latest(), TickTime.ofMonotonicMillis(1_000_000L)).desired();
    }

    static TreeMap<Endpoint, RecordSet> api(WeightedAddress... addresses) {
        TreeMap<Endpoint, RecordSet> m = new TreeMap<>();
        m.put(API, RecordSet.of(30, addresses));
        return m;
    }

    @Test
    void aForcedDraftKeepsAFamilyTheEndpointServesNowThatNoPlanStillLandingHas() {
        // api serves a dual-stack g1; the latest, g2 (an IPv4-only forced plan), has not landed on it yet.
        // Drafted from g2 alone, the next forced plan would empty the AAAA answer api gives now.
        Plan g1 = publish(new PlanDraft(api(WeightedAddress.of("10.0.0.1", 100), WeightedAddress.of("2001:db8::1", 100)), false));
        serve(g1, API);
        publish(new PlanDraft(api(WeightedAddress.of("10.0.0.1", 100)), true));
        RecordSet drafted = forcedDraft(dualApi()).orElseThrow().recordSets().get(API);
        assertThat(AddressFamily.of(drafted)).as(drafted.toString()).contains(AddressFamily.IPV4, AddressFamily.IPV6);
    }

    @Test
    void aForcedDraftTakesNoFamilyFromAPlanThatCanNoLongerLand() {
        // api serves an IPv4-only g2; g1 (dual-stack) is older than its stamp, so the store never lands it
        // again, and g3 (the latest) lacks api. Nothing api may serve has IPv6: none is added.
        publish(new PlanDraft(api(WeightedAddress.of("10.0.0.1", 100), WeightedAddress.of("2001:db8::1", 100)), false));
        Plan g2 = publish(new PlanDraft(api(WeightedAddress.of("10.0.0.1", 100)), false));
        serve(g2, API);
        TreeMap<Endpoint, RecordSet> svcOnly = new TreeMap<>();
        svcOnly.put(SVC, RecordSet.of(30, WeightedAddress.of("10.0.1.1", 100)));
        publish(new PlanDraft(svcOnly, true));
        RecordSet drafted = forcedDraft(dualApi()).orElseThrow().recordSets().get(API);
        assertThat(AddressFamily.of(drafted)).as(drafted.toString()).containsExactly(AddressFamily.IPV4);
    }

    @Test
    void anEndpointWhoseServedRecordsWereUnreadableOnceIsPlannedAgainOnceTheyCanBeRead() {
        // The latest plan lacks svc, so its baseline is what it serves; a failed read leaves it out of that
        // draft (never guessed empty), and the next read that works brings it back.
        rolledBackPastSvc();
        boolean[] down = {true};
        ServedView flaky = e -> {
            if (down[0] && e.equals(SVC)) throw new io.waymark.core.port.StoreUnavailableException("injected");
            return records.read(e);
        };
        Planner planner = new Planner(plans, () -> 1_000_000L, SafetyPolicy.DEFAULTS, new ChangeGuard(0.3, 2), flaky);
        TickTime at = TickTime.ofMonotonicMillis(1_000_000L);
        assertThat(planner.compute(topology, svcV4Down, plans.latest(), at).desired().orElseThrow().recordSets()).doesNotContainKey(SVC);
        down[0] = false;
        assertThat(planner.compute(topology, svcV4Down, plans.latest(), at).desired().orElseThrow().recordSets()).containsKey(SVC);
    }

    @Test
    void afterAForcedPlanNothingChangesUntilItHasLanded() {
        // g2 (forced) dropped 10.0.0.2; api still serves g1. Adding it back now would be judged by an enactor
        // still serving g1 against g1, and the forced plan's own change was never limited: the planner
        // holds every change, additions too, until g2 has landed.
        Topology apiOnly = Topology.of(List.of(topology.endpoints().get(API)));
        Plan g1 = publish(new PlanDraft(api(WeightedAddress.of("10.0.0.1", 100), WeightedAddress.of("10.0.0.2", 100)), false));
        serve(g1, API);
        Plan g2 = publish(new PlanDraft(api(WeightedAddress.of("10.0.0.1", 100)), true));
        HealthObservations up = new HealthObservations(Map.of("a4", Health.UP, "b4", Health.UP));
        PlannerResult held = planner().tick(apiOnly, up);
        assertThat(held.status()).as(held.toString()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(held.safetyEvents()).anyMatch(e -> e.detail().contains("(forced); changes wait for them"));
        serve(g2, API);
        PlannerResult after = planner().tick(apiOnly, up);
        assertThat(after.status()).as(after.toString()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(after.published().orElseThrow().recordSets().get(API).addresses()).hasSize(2);
    }

    @Test
    void aRemovalPublishedWhilePinnedCountsFromWhenThePinnedPlannerSawIt() {
        // A rollback removed lb-4 while the planner was pinned. The planner saw it on a pinned tick, so its
        // velocity window runs from then: unpinned a window later, the next removal may go at once.
        Topology four = Topology.of(List.of(new EndpointSpec(API, 30, List.of(t("l1", "10.0.0.1"), t("l2", "10.0.0.2"), t("l3", "10.0.0.3"), t("l4", "10.0.0.4")))));
        SafetyPolicy oneTargetPerMinute = new SafetyPolicy(true, 0.0, 0.25, 60_000);
        Planner planner = new Planner(plans, () -> 0L, oneTargetPerMinute, new ChangeGuard(0.5, 2), records::read);
        HealthObservations allUp = new HealthObservations(Map.of("l1", Health.UP, "l2", Health.UP, "l3", Health.UP, "l4", Health.UP));
        PlannerResult first = planner.tick(four, allUp, TickTime.ofMonotonicMillis(0));
        assertThat(first.status()).isEqualTo(PlannerStatus.PUBLISHED);
        serve(first.published().orElseThrow(), API);
        plans.updateFlags(plans.flags(), plans.flags().withPinned(true));
        Plan rolledBack = publish(new PlanDraft(api(WeightedAddress.of("10.0.0.1", 100), WeightedAddress.of("10.0.0.2", 100), WeightedAddress.of("10.0.0.3", 100)), true)
                .publishedAt(1_000));
        serve(rolledBack, API);
        assertThat(planner.tick(four, allUp, TickTime.ofMonotonicMillis(1_000)).status()).isEqualTo(PlannerStatus.PINNED);
        plans.updateFlags(plans.flags(), plans.flags().withPinned(false));
        HealthObservations l3l4Down = new HealthObservations(Map.of("l1", Health.UP, "l2", Health.UP, "l3", Health.DOWN, "l4", Health.DOWN));
        PlannerResult later = planner.tick(four, l3l4Down, TickTime.ofMonotonicMillis(62_000));
        assertThat(later.status()).as(later.toString()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(later.published().orElseThrow().recordSets().get(API).addresses()).as("l3 goes: the window of l4's removal is over").hasSize(2);
    }
}
