package io.waymark.core.planner;

import static io.waymark.core.planner.PlannerTest.API;
import static io.waymark.core.planner.PlannerTest.healthy;
import static io.waymark.core.planner.PlannerTest.topology;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.enactor.TickResult;
import io.waymark.core.enactor.TickStatus;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Generation;
import io.waymark.core.model.HealthObservations;
import io.waymark.core.model.Plan;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.operator.ForcedPublish;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, defect 8: the planner never publishes a plan its enactors' change guard would refuse; it
 * steps the change over several plans, and operators can force the rest with a reason.
 */
class ChangeStepsTest {
    /** Velocity and the minimum fraction off: only the change threshold holds removals back. */
    static final SafetyPolicy RULES_OFF = new SafetyPolicy(true, 0.0, 1.0, 1);
    final InMemoryPlanStore plans = new InMemoryPlanStore();
    final InMemoryRecordStore records = new InMemoryRecordStore();
    final Enactor enactor = new Enactor("e1", plans, records, new SplittableRandom(1), EnactorConfig.DEFAULTS); // 30%, judged from 10 addresses
    long now = 1_000_000;

    static long[] twenty() {
        long[] c = new long[20];
        java.util.Arrays.fill(c, 10);
        return c;
    }

    static HealthObservations firstDown(int n) {
        int[] down = new int[n];
        for (int i = 0; i < n; i++) down[i] = i + 1;
        return healthy(20, down);
    }

    int served() {
        return records.read(API).records().orElseThrow().addresses().size();
    }

    @Test
    void aLargeRemovalIsSteppedInPlansTheGuardAccepts() {
        Planner planner = new Planner(plans, () -> now, RULES_OFF);
        planner.tick(topology(twenty()), healthy(20));
        assertThat(enactor.tick().applied()).isEqualTo(1);
        // Half the fleet fails: one plan removing 10 of 20 (50%) would be refused by every enactor, and
        // the planner would answer UNCHANGED forever (L2).
        for (int round = 0; round < 10 && served() > 10; round++, now += 1_000) {
            PlannerResult r = planner.tick(topology(twenty()), firstDown(10));
            assertThat(r.status()).isIn(PlannerStatus.PUBLISHED, PlannerStatus.UNCHANGED);
            TickResult t = enactor.tick();
            assertThat(t.status()).as(t.toString()).isEqualTo(TickStatus.WORKED);
        }
        assertThat(served()).isEqualTo(10);
        assertThat(plans.latest().orElseThrow().generation().value()).isGreaterThan(2); // it took steps: 6, then 4
    }

    /** Endpoints api. and www. behind the same 20 targets: 40 addresses served. */
    static Topology twoEndpoints() {
        List<Target> targets = new ArrayList<>();
        for (int i = 1; i <= 20; i++) targets.add(new Target("t" + i, WeightedAddress.parseLiteral("10.0.0." + i), "z", 10));
        return Topology.of(List.of(new EndpointSpec(API, 30, targets), new EndpointSpec(io.waymark.core.model.Endpoint.of("www.waymark.test."), 30, targets)));
    }

    @Test
    void withoutAServedViewTwoStepsPublishedBeforeEnactorsCaughtUpAddUpAboveTheThreshold() {
        // The residual the served view closes: the planner judges each step against the latest plan only.
        Planner planner = new Planner(plans, () -> now, RULES_OFF);
        planner.tick(twoEndpoints(), healthy(20));
        enactor.tick();
        planner.tick(twoEndpoints(), firstDown(10)); // step 1: 12 of 40
        planner.tick(twoEndpoints(), firstDown(10)); // step 2: 8 of 28, published before anyone applied step 1
        TickResult r = enactor.tick(); // judged against what is served: 20 of 40
        assertThat(r.status()).isEqualTo(TickStatus.REFUSED);
    }

    @Test
    void withAServedViewRemovalsWaitUntilEveryEndpointServesTheLatestPlan() {
        Planner planner = new Planner(plans, () -> now, RULES_OFF, EnactorConfig.DEFAULTS.changeGuard(), records::read);
        planner.tick(twoEndpoints(), healthy(20));
        enactor.tick();
        assertThat(planner.tick(twoEndpoints(), firstDown(10)).status()).isEqualTo(PlannerStatus.PUBLISHED); // step 1
        PlannerResult waiting = planner.tick(twoEndpoints(), firstDown(10));
        assertThat(waiting.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(waiting.safetyEvents()).anyMatch(e -> e.detail().contains("removals wait"));
        // Recovered capacity is never held back meanwhile: additions go out at once.
        assertThat(planner.tick(twoEndpoints(), firstDown(9)).status()).isEqualTo(PlannerStatus.PUBLISHED);
        for (int round = 0; round < 10; round++, now += 1_000) {
            TickResult t = enactor.tick();
            assertThat(t.status()).as(t.toString()).isEqualTo(TickStatus.WORKED);
            planner.tick(twoEndpoints(), firstDown(10));
        }
        assertThat(records.read(API).records().orElseThrow().addresses()).hasSize(10);
        assertThat(enactor.tick().status()).isEqualTo(TickStatus.WORKED);
    }

    @Test
    void aServedViewThatCannotBeReadHoldsRemovalsNotPlanning() {
        boolean[] down = {false};
        ServedView flaky = e -> {
            if (down[0]) throw new io.waymark.core.port.StoreUnavailableException("injected");
            return records.read(e);
        };
        Planner planner = new Planner(plans, () -> now, RULES_OFF, EnactorConfig.DEFAULTS.changeGuard(), flaky);
        planner.tick(twoEndpoints(), firstDown(1));
        enactor.tick();
        down[0] = true;
        assertThat(planner.tick(twoEndpoints(), healthy(20)).status()).isEqualTo(PlannerStatus.PUBLISHED); // t1 back: an addition
        PlannerResult held = planner.tick(twoEndpoints(), firstDown(2));
        assertThat(held.status()).isEqualTo(PlannerStatus.UNCHANGED);
        assertThat(held.safetyEvents()).anyMatch(e -> e.detail().contains("removals wait"));
        down[0] = false;
        enactor.tick();
        assertThat(planner.tick(twoEndpoints(), firstDown(2)).status()).isEqualTo(PlannerStatus.PUBLISHED);
    }

    @Test
    void aSteppedChangeSaysSo() {
        Planner planner = new Planner(plans, () -> now, RULES_OFF);
        planner.tick(topology(twenty()), healthy(20));
        PlannerResult r = planner.tick(topology(twenty()), firstDown(10));
        assertThat(r.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(r.published().orElseThrow().recordSets().get(API).addresses()).hasSize(14); // 6 of 20 = 30%
        assertThat(r.safetyEvents()).extracting(SafetyEvent::rule).containsExactly(SafetyRule.CHANGE_THRESHOLD);
    }

    @Test
    void droppingEveryTargetOfAFamilyTakesAForcedPublishWithAReason() {
        List<Target> dual = new ArrayList<>();
        for (int i = 1; i <= 12; i++) dual.add(new Target("t" + i, WeightedAddress.parseLiteral("2001:db8::" + i), "z", 10));
        dual.add(new Target("t13", WeightedAddress.parseLiteral("10.0.0.13"), "z", 10));
        Topology before = Topology.of(List.of(new EndpointSpec(API, 30, dual)));
        Topology after = Topology.of(List.of(new EndpointSpec(API, 30, dual.subList(0, 12)))); // IPv4 dropped
        Planner planner = new Planner(plans, () -> now, RULES_OFF);
        planner.tick(before, healthy(13));
        enactor.tick();
        PlannerResult r = planner.tick(after, healthy(12));
        assertThat(r.status()).isEqualTo(PlannerStatus.UNCHANGED); // the A record stays: the guard would refuse its removal
        assertThat(r.safetyEvents()).extracting(SafetyEvent::rule).containsExactly(SafetyRule.CHANGE_THRESHOLD);

        ForcedPublish.Result forced = new ForcedPublish(plans).publish(
                latest -> planner.compute(after, healthy(12), latest, TickTime.ofMonotonicMillis(now)).desired(), "retire IPv4 (ticket 42)", now);
        assertThat(forced.status()).isEqualTo(ForcedPublish.Status.PUBLISHED);
        assertThat(forced.auditLine()).contains("retire IPv4 (ticket 42)");
        Plan p = forced.published().orElseThrow();
        assertThat(p.forced()).isTrue();
        assertThat(p.provenance().reason()).contains("retire IPv4 (ticket 42)");
        assertThat(enactor.tick().applied()).isEqualTo(1);
        assertThat(served()).isEqualTo(12);
        assertThat(planner.tick(after, healthy(12)).status()).isEqualTo(PlannerStatus.UNCHANGED);
    }

    @Test
    void aForcedPublishNeedsAReason() {
        ForcedPublish.Result r = new ForcedPublish(plans).publish(latest -> Optional.empty(), " ", now);
        assertThat(r.status()).isEqualTo(ForcedPublish.Status.INVALID_REASON);
        assertThat(new ForcedPublish(plans).publish(latest -> Optional.empty(), "two\nlines", now).status()).isEqualTo(ForcedPublish.Status.INVALID_REASON);
        assertThat(new ForcedPublish(plans).publish(latest -> Optional.empty(), "why", now).status()).isEqualTo(ForcedPublish.Status.NOTHING_TO_PUBLISH);
        assertThat(plans.latest()).isEmpty();
    }

    @Test
    void publishAcceptsAStoreThatSkipsGenerations() {
        // A store with a persisted generation floor may hand out g10 after g1: "after", not "next".
        InMemoryPlanStore inner = new InMemoryPlanStore();
        io.waymark.core.port.PlanStore skipping = new io.waymark.core.port.PlanStore() {
            @Override
            public io.waymark.core.port.PublishOutcome publish(Generation expectedLatest, io.waymark.core.model.PlanDraft draft) {
                io.waymark.core.port.PublishOutcome o = inner.publish(expectedLatest, draft);
                if (o instanceof io.waymark.core.port.PublishOutcome.Published p) {
                    return new io.waymark.core.port.PublishOutcome.Published(Plan.publish(Generation.of(p.plan().generation().value() + 9), draft));
                }
                return o;
            }

            @Override public Optional<Plan> latest() { return inner.latest(); }
            @Override public Optional<Plan> read(Generation g) { return inner.read(g); }
            @Override public List<Generation> history() { return inner.history(); }
            @Override public boolean delete(Generation g) { return inner.delete(g); }
            @Override public io.waymark.core.model.ControlFlags flags() { return inner.flags(); }
            @Override public boolean updateFlags(io.waymark.core.model.ControlFlags e, io.waymark.core.model.ControlFlags f) { return inner.updateFlags(e, f); }
        };
        PlannerResult r = new Planner(skipping, () -> now, SafetyPolicy.DEFAULTS).tick(topology(10), healthy(1));
        assertThat(r.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(r.published().orElseThrow().generation()).isEqualTo(Generation.of(10));
    }

    @Test
    void theStepSaysWhatItHoldsBackAgainstWhichThreshold() {
        Planner planner = new Planner(plans, () -> now, RULES_OFF);
        planner.tick(topology(twenty()), healthy(20));
        PlannerResult r = planner.tick(topology(twenty()), firstDown(10));
        assertThat(r.safetyEvents()).singleElement().satisfies(e -> assertThat(e.detail()).isEqualTo(
                "A: removing 10 of 20 served addresses in one plan would exceed the enactors' change threshold of 30.0%; removing 6 now, the rest in later plans"));
    }

    @Test
    void exactlyAsManyRemovalsAsTheGuardAllowsGoInOnePlanSilently() {
        Planner planner = new Planner(plans, () -> now, RULES_OFF);
        planner.tick(topology(twenty()), healthy(20));
        PlannerResult r = planner.tick(topology(twenty()), firstDown(6)); // 6 of 20 = 30%: allowed
        assertThat(r.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(r.published().orElseThrow().recordSets().get(API).addresses()).hasSize(14);
        assertThat(r.safetyEvents()).isEmpty();
        assertThat(enactor.tick().status()).isEqualTo(TickStatus.WORKED);
    }

    @Test
    void additionsWhileAnEndpointIsBehindGoOutWithoutWaiting() {
        Planner planner = new Planner(plans, () -> now, RULES_OFF, EnactorConfig.DEFAULTS.changeGuard(), records::read);
        planner.tick(twoEndpoints(), firstDown(1));
        enactor.tick();
        assertThat(planner.tick(twoEndpoints(), firstDown(2)).status()).isEqualTo(PlannerStatus.PUBLISHED); // not applied yet
        PlannerResult back = planner.tick(twoEndpoints(), healthy(20)); // t1 and t2 back: additions only
        assertThat(back.status()).isEqualTo(PlannerStatus.PUBLISHED);
        assertThat(back.safetyEvents()).isEmpty();
        assertThat(back.published().orElseThrow().recordSets().get(API).addresses()).hasSize(20);
    }
}
