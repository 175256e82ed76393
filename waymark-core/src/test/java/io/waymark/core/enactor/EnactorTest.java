package io.waymark.core.enactor;

import static io.waymark.core.Fixtures.draft;
import static io.waymark.core.Fixtures.ep;
import static io.waymark.core.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StampedRecords;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EnactorTest {
    final InMemoryPlanStore plans = new InMemoryPlanStore();
    final InMemoryRecordStore records = new InMemoryRecordStore();

    Enactor enactor(String id, EnactorConfig config) {
        return new Enactor(id, plans, records, new SplittableRandom(id.hashCode()), config);
    }

    Plan publish(PlanDraft d) {
        Generation latest = plans.latest().map(Plan::generation).orElse(Generation.ZERO);
        return ((PublishOutcome.Published) plans.publish(latest, d)).plan();
    }

    void assertServes(Plan plan) {
        for (var e : plan.recordSets().entrySet()) {
            assertThat(records.read(e.getKey())).isEqualTo(new StampedRecords(plan.stamp(), Optional.of(e.getValue())));
        }
    }

    @Test
    void appliesTheLatestPlanToEveryEndpoint() {
        Plan p = publish(draft(5, 1, 2));
        TickResult r = enactor("a", EnactorConfig.DEFAULTS).tick();
        assertThat(r.status()).isEqualTo(TickStatus.WORKED);
        assertThat(r.applied()).isEqualTo(5);
        assertThat(r.healed()).isEqualTo(5); // never-written endpoints are generation 0
        assertServes(p);
        TickResult again = enactor("a", EnactorConfig.DEFAULTS).tick();
        assertThat(again.skipped()).isEqualTo(5);
        assertThat(again.idle()).isTrue();
    }

    @Test
    void noPlanMeansNothingToDo() {
        assertThat(enactor("a", EnactorConfig.DEFAULTS).tick().status()).isEqualTo(TickStatus.NO_PLAN);
    }

    @Test
    void pausedWritesNothing() {
        publish(draft(3, 1));
        plans.updateFlags(plans.flags(), plans.flags().withPaused(true));
        TickResult r = enactor("a", EnactorConfig.DEFAULTS).tick();
        assertThat(r.status()).isEqualTo(TickStatus.PAUSED);
        assertThat(records.endpoints()).isEmpty();
    }

    @Test
    void pauseTakenWhileStalledStopsTheWrite() {
        publish(draft(3, 1));
        Enactor a = enactor("a", EnactorConfig.DEFAULTS);
        TickPlan prepared = a.prepare();
        plans.updateFlags(plans.flags(), plans.flags().withPaused(true));
        assertThat(a.apply(prepared).status()).isEqualTo(TickStatus.PAUSED);
        assertThat(records.endpoints()).isEmpty();
    }

    @Test
    void refusesACorruptPlan() {
        Plan good = publish(draft(2, 1));
        plans.corruptForFaultInjection(good.generation(), new Plan(good.generation(), good.hash(), draft(2, 9)));
        TickResult r = enactor("a", EnactorConfig.DEFAULTS).tick();
        assertThat(r.status()).isEqualTo(TickStatus.REFUSED);
        assertThat(r.refusal().orElseThrow().reason()).isEqualTo(RefusalReason.CORRUPT_PLAN);
        assertThat(records.endpoints()).isEmpty();
    }

    @Test
    void aPlanCorruptedAfterItWasVerifiedIsRefusedAtTheNextTick() {
        Plan good = publish(draft(2, 1));
        Enactor a = enactor("a", EnactorConfig.DEFAULTS);
        assertThat(a.tick().applied()).isEqualTo(2);
        plans.corruptForFaultInjection(good.generation(), new Plan(good.generation(), good.hash(), draft(2, 9)));
        assertThat(a.tick().refusal().orElseThrow().reason()).isEqualTo(RefusalReason.CORRUPT_PLAN);
    }

    @Test
    void refusesAPlanRemovingTooMuchUnlessForced() {
        // 4 endpoints × 3 addresses = 12 served; the next plan keeps 1 of 3 everywhere: 8/12 removed.
        publish(draft(4, 1, 2, 3));
        enactor("a", EnactorConfig.DEFAULTS).tick();
        Plan shrunk = publish(draft(4, 1));
        TickResult r = enactor("a", EnactorConfig.DEFAULTS).tick();
        assertThat(r.status()).isEqualTo(TickStatus.REFUSED);
        assertThat(r.refusal().orElseThrow().reason()).isEqualTo(RefusalReason.CHANGE_THRESHOLD);
        assertThat(r.refusal().orElseThrow().detail()).contains("8 of 12");
        assertThat(records.read(ep(0)).records()).contains(rs(1, 2, 3));
        Plan forced = publish(shrunk.draft().asForced());
        assertThat(enactor("a", EnactorConfig.DEFAULTS).tick().applied()).isEqualTo(4);
        assertServes(forced);
    }

    @Test
    void changeThresholdIgnoresAdditionsAndSmallFleets() {
        publish(draft(4, 1, 2, 3));
        enactor("a", EnactorConfig.DEFAULTS).tick();
        // Adding addresses and one removal of 12 (8%) pass.
        Plan p = publish(draft(4, 1, 2, 4, 5, 6));
        assertThat(enactor("a", EnactorConfig.DEFAULTS).tick().refusal()).isPresent(); // 4 of 12 removed = 33%
        Plan q = publish(draft(4, 1, 2, 3, 4, 5));
        assertThat(p.generation()).isLessThan(q.generation());
        TickResult r = enactor("a", EnactorConfig.DEFAULTS).tick();
        assertThat(r.refusal()).isEmpty();
        assertServes(q);
        // Below the minimum served (10 addresses), the rule does not judge: 1 endpoint × 3 → 1.
        InMemoryPlanStore plans2 = new InMemoryPlanStore();
        InMemoryRecordStore records2 = new InMemoryRecordStore();
        plans2.publish(Generation.ZERO, draft(1, 1, 2, 3));
        new Enactor("b", plans2, records2, new SplittableRandom(1), EnactorConfig.DEFAULTS).tick();
        plans2.publish(Generation.of(1), draft(1, 1));
        assertThat(new Enactor("b", plans2, records2, new SplittableRandom(1), EnactorConfig.DEFAULTS).tick().applied()).isEqualTo(1);
    }

    @Test
    void staleDecisionIsHarmless() {
        publish(draft(3, 1));
        Enactor a = enactor("a", EnactorConfig.DEFAULTS);
        Enactor b = enactor("b", EnactorConfig.DEFAULTS);
        b.tick();
        publish(draft(3, 1, 2));
        TickPlan stale = a.prepare(); // A read g2 and the stamps (g1), then stalls
        assertThat(((TickPlan.Writes) stale).applies()).hasSize(3);
        Plan newer = publish(draft(3, 1, 2, 3));
        assertThat(b.tick().applied()).isEqualTo(3);
        TickResult late = a.apply(stale);
        assertThat(late.applied()).isZero();
        assertThat(late.superseded()).isEqualTo(3);
        assertServes(newer);
    }

    @Test
    void staleHealsAreDeferredNotWritten() {
        publish(draft(2, 1));
        Enactor a = enactor("a", EnactorConfig.DEFAULTS);
        TickPlan stale = a.prepare(); // heals for two never-written endpoints, then A stalls
        Plan newer = publish(draft(2, 1, 2));
        TickResult late = a.apply(stale);
        assertThat(late.deferred()).isEqualTo(2);
        assertThat(records.endpoints()).isEmpty();
        assertThat(a.tick().healed()).isEqualTo(2);
        assertServes(newer);
    }

    @Test
    void conflictIsReReadAndRetried() {
        Plan p1 = publish(draft(1, 1));
        Enactor a = enactor("a", EnactorConfig.DEFAULTS);
        a.tick();
        Plan p2 = publish(draft(1, 1, 2));
        TickPlan prepared = a.prepare(); // expects p1's stamp
        // Someone else wrote ep0 meanwhile (a stamp of g1 with another hash): A's CAS conflicts,
        // its re-read sees g1 < g2 and applies against the new value.
        Stamp other = Stamp.of(1, draft(1, 7).hash());
        records.overwriteForFaultInjection(ep(0), new StampedRecords(other, Optional.of(rs(7))));
        TickResult r = a.apply(prepared);
        assertThat(r.conflicts()).isEqualTo(1);
        assertThat(r.applied()).isEqualTo(1);
        assertThat(p1.generation()).isLessThan(p2.generation());
        assertServes(p2);
    }

    @Test
    void aStampThatBecameUnreadableWhileStalledIsLeftToTheNextPrepare() {
        publish(draft(1, 1));
        Enactor a = enactor("a", EnactorConfig.DEFAULTS);
        a.tick();
        Plan p2 = publish(draft(1, 1, 2));
        TickPlan prepared = a.prepare();
        records.overwriteForFaultInjection(ep(0), new StampedRecords(Stamp.unreadable("x"), Optional.of(rs(1))));
        TickResult r = a.apply(prepared);
        assertThat(r.conflicts()).isEqualTo(1);
        assertThat(r.deferred()).isEqualTo(1);
        assertThat(r.applied()).isZero();
        TickResult next = a.tick();
        assertThat(next.healed()).isEqualTo(1);
        assertServes(p2);
    }

    @Test
    void healingWaitsWhenANewerPlanAppearsWhilePreparing() {
        publish(draft(1, 1));
        records.overwriteForFaultInjection(ep(0), new StampedRecords(Stamp.unreadable("x"), Optional.of(rs(1))));
        // A plan store whose latest moves on between the enactor's first read and its re-check.
        int[] latestCalls = {0};
        io.waymark.core.port.PlanStore moving = new io.waymark.core.port.PlanStore() {
            public io.waymark.core.port.PublishOutcome publish(Generation g, PlanDraft d) { return plans.publish(g, d); }
            public Optional<Plan> latest() {
                if (latestCalls[0]++ == 1) plans.publish(Generation.of(1), draft(1, 1, 2));
                return plans.latest();
            }
            public Optional<Plan> read(Generation g) { return plans.read(g); }
            public java.util.List<Generation> history() { return plans.history(); }
            public boolean delete(Generation g) { return plans.delete(g); }
            public io.waymark.core.model.ControlFlags flags() { return plans.flags(); }
            public boolean updateFlags(io.waymark.core.model.ControlFlags e, io.waymark.core.model.ControlFlags f) { return plans.updateFlags(e, f); }
        };
        Enactor a = new Enactor("a", moving, records, new SplittableRandom(1), EnactorConfig.DEFAULTS);
        TickResult r = a.tick();
        assertThat(r.deferred()).isEqualTo(1);
        assertThat(records.read(ep(0)).stamp().isNone()).isTrue();
        TickResult next = a.tick();
        assertThat(next.healed()).isEqualTo(1);
        assertServes(plans.latest().orElseThrow());
    }

    @Test
    void conflictRetriesAreBounded() {
        publish(draft(1, 1));
        Plan p2 = publish(draft(1, 1, 2));
        Enactor a = enactor("a", EnactorConfig.DEFAULTS.withConflictRetriesMax(0));
        TickPlan prepared = a.prepare();
        records.overwriteForFaultInjection(ep(0), new StampedRecords(Stamp.unreadable("x"), Optional.of(rs(1))));
        TickResult r = a.apply(prepared);
        assertThat(r.deferred()).isEqualTo(1);
        assertThat(r.applied()).isZero();
        assertThat(a.tick().applied()).isEqualTo(1);
        assertServes(p2);
    }

    @Test
    void healsUnreadableStamps() {
        Plan p = publish(draft(2, 1));
        records.overwriteForFaultInjection(ep(1), new StampedRecords(Stamp.unreadable("%%garbled"), Optional.of(rs(5))));
        TickResult r = enactor("a", EnactorConfig.DEFAULTS).tick();
        assertThat(r.applied()).isEqualTo(2);
        assertThat(r.healed()).isEqualTo(2);
        assertServes(p);
    }

    @Test
    void boundedWorkPerTickVisitsEveryEndpointInCeilNOverKTicks() {
        Plan p = publish(draft(10, 1));
        Enactor a = enactor("a", EnactorConfig.DEFAULTS.withEndpointsPerTickMax(3));
        int applied = 0;
        for (int t = 0; t < 4; t++) {
            TickResult r = a.tick();
            assertThat(r.visited()).isLessThanOrEqualTo(3);
            applied += r.applied();
        }
        assertThat(applied).isEqualTo(10);
        assertServes(p);
    }

    @Test
    void appliesInBatchesForGroupCommit() {
        publish(draft(10, 1));
        FlakyRecordStore flaky = new FlakyRecordStore(records);
        new Enactor("a", plans, flaky, new SplittableRandom(1), EnactorConfig.DEFAULTS.withApplyBatchSize(4)).tick();
        assertThat(flaky.batchCalls).isEqualTo(3);
    }

    @Test
    void storeUnavailableIsCaughtAndReported() {
        Plan p = publish(draft(4, 1));
        FlakyRecordStore flaky = new FlakyRecordStore(records);
        Enactor a = new Enactor("a", plans, flaky, new SplittableRandom(1), EnactorConfig.DEFAULTS);
        flaky.down = true;
        TickResult r = a.tick();
        assertThat(r.status()).isEqualTo(TickStatus.STORE_UNAVAILABLE); // the change guard's reads fail first
        assertThat(r.errors()).isEqualTo(1);
        assertThat(r.errorDetails()).anyMatch(s -> s.contains("injected"));
        flaky.down = false;
        TickPlan prepared = a.prepare();
        flaky.down = true; // fails between read and write: the outcome is unknown, counted as failed
        TickResult failed = a.apply(prepared);
        assertThat(failed.failed()).isEqualTo(4);
        assertThat(failed.errors()).isEqualTo(1);
        flaky.down = false;
        assertThat(a.tick().applied()).isEqualTo(4);
        assertServes(p);
    }

    @Test
    void shuffledOrderDiffersBetweenEnactors() {
        publish(draft(20, 1));
        Enactor a = enactor("a", EnactorConfig.DEFAULTS.withEndpointsPerTickMax(1));
        Enactor b = enactor("b-other", EnactorConfig.DEFAULTS.withEndpointsPerTickMax(1));
        StringBuilder orderA = new StringBuilder(), orderB = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            orderA.append(((TickPlan.Writes) a.prepare()).applies().get(0).endpoint());
            orderB.append(((TickPlan.Writes) b.prepare()).applies().get(0).endpoint());
        }
        assertThat(orderA.toString()).isNotEqualTo(orderB.toString());
    }

    @Test
    void refusesAnEmptyRecordSetAtEveryLayer() {
        // RecordSet cannot be built empty: the first line of I1.
        TreeMap<Endpoint, RecordSet> m = new TreeMap<>();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RecordSet(java.util.List.of(), 30)).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PlanDraft(m, false)).isInstanceOf(IllegalArgumentException.class);
    }
}
