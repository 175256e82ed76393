package io.waymark.core.history;

import static io.waymark.core.Fixtures.draft;
import static io.waymark.core.Fixtures.ep;
import static io.waymark.core.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.enactor.TickPlan;
import io.waymark.core.invariant.Invariants;
import io.waymark.core.invariant.Observation;
import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StampedRecords;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HistoryCleanerTest {
    final InMemoryPlanStore plans = new InMemoryPlanStore();
    final InMemoryRecordStore records = new InMemoryRecordStore();

    Plan publish(PlanDraft d) {
        Generation latest = plans.latest().map(Plan::generation).orElse(Generation.ZERO);
        return ((PublishOutcome.Published) plans.publish(latest, d)).plan();
    }

    Enactor enactor() {
        return new Enactor("e", plans, records, new SplittableRandom(3), EnactorConfig.DEFAULTS);
    }

    @Test
    void keepsTheNewestKAndEverythingFromTheOldestServedOn() {
        for (int i = 1; i <= 10; i++) publish(draft(2, i));
        // ep0 serves g4 (an old plan), ep1 serves g10.
        records.applyIfNewer(ep(0), Stamp.NONE, plans.read(Generation.of(4)).orElseThrow().stamp(), rs(4));
        records.applyIfNewer(ep(1), Stamp.NONE, plans.latest().orElseThrow().stamp(), rs(10));
        CleanupResult r = new HistoryCleaner(plans, records, 3, 100).clean();
        assertThat(r.oldestServed()).isEqualTo(Generation.of(4));
        assertThat(r.deleted()).extracting(Generation::value).containsExactly(1L, 2L, 3L);
        assertThat(plans.history()).extracting(Generation::value).containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L);
        // Once everything serves g10, retention alone decides.
        enactor().tick();
        CleanupResult r2 = new HistoryCleaner(plans, records, 3, 100).clean();
        assertThat(r2.deleted()).extracting(Generation::value).containsExactly(4L, 5L, 6L, 7L);
        assertThat(plans.history()).extracting(Generation::value).containsExactly(8L, 9L, 10L);
        // Idempotent.
        assertThat(new HistoryCleaner(plans, records, 3, 100).clean().deleted()).isEmpty();
        assertThat(Invariants.check(plans, records, Observation.NONE).violations()).isEmpty();
    }

    @Test
    void anEndpointThatLeftTheConfigurationDoesNotStopCleanUp() {
        // Issue 7, defect 9: ep1 served g1 and then left every plan; its stamp never moves again, and
        // counting it kept every plan from g1 on, forever (history grew without bound).
        publish(draft(2, 1));
        enactor().tick();
        for (int i = 2; i <= 10; i++) {
            publish(draft(1, i)); // ep0 only
            enactor().tick();
        }
        assertThat(records.read(ep(1)).stamp().generation()).isEqualTo(Generation.of(1));
        // Until it is retired, ep1's stamp names g1: that plan stays (I4), the rest above it too.
        assertThat(new HistoryCleaner(plans, records, 3, 100).clean().deleted()).isEmpty();
        assertThat(Invariants.check(plans, records, Observation.NONE).violations()).isEmpty();
        // Retired (the retire role's conditional tombstone), it no longer holds anything back.
        assertThat(records.retire(ep(1), records.read(ep(1)).stamp())).isTrue();
        CleanupResult r = new HistoryCleaner(plans, records, 3, 100).clean();
        assertThat(r.oldestServed()).isEqualTo(Generation.of(10));
        assertThat(plans.history()).extracting(Generation::value).containsExactly(8L, 9L, 10L);
    }

    @Test
    void anEndpointRetiredAtTheLatestPlanDoesNotStopCleanUp() {
        // Seed 4428 (L2): every endpoint left the configuration and was retired at the latest plan, which
        // still holds them (no plan without them can come: none has anything to serve). Read as "serves
        // nothing", each kept every older plan that holds it, forever.
        for (int i = 1; i <= 6; i++) {
            publish(draft(2, i));
            enactor().tick();
        }
        Plan latest = plans.latest().orElseThrow();
        assertThat(records.retire(ep(0), latest.stamp())).isTrue();
        assertThat(records.retire(ep(1), latest.stamp())).isTrue();
        CleanupResult r = new HistoryCleaner(plans, records, 2, 100).clean();
        assertThat(r.deleted()).extracting(Generation::value).containsExactly(1L, 2L, 3L, 4L);
        assertThat(plans.history()).extracting(Generation::value).containsExactly(5L, 6L);
        // The store takes no plan at or below g6 back on them: nothing deleted can be served again.
        assertThat(records.applyIfNewer(ep(0), Stamp.NONE, latest.stamp(), rs(6))).isEqualTo(io.waymark.core.port.ApplyOutcome.SUPERSEDED);
    }

    @Test
    void anEndpointServedButAbsentFromTheLatestPlanIsLive() {
        // Seed 46 (I4): a rollback republished a plan from before ep1 existed; ep1 (still configured)
        // serves g2, and "live = the latest plan's endpoints" let clean-up delete g2 under its stamp.
        publish(draft(1, 1)); // g1: ep0
        publish(draft(2, 2)); // g2: ep0, ep1
        enactor().tick();
        for (int i = 3; i <= 6; i++) {
            publish(draft(1, i)); // ep0 only, as a rollback to g1 would publish
            enactor().tick();
        }
        assertThat(records.read(ep(1)).stamp().generation()).isEqualTo(Generation.of(2));
        CleanupResult r = new HistoryCleaner(plans, records, 1, 100).clean();
        assertThat(r.deleted()).extracting(Generation::value).containsExactly(1L);
        assertThat(plans.read(Generation.of(2))).isPresent();
        assertThat(Invariants.check(plans, records, Observation.NONE).violations()).isEmpty();
    }

    @Test
    void neverDeletesTheLatestEvenWithRetentionOne() {
        for (int i = 1; i <= 3; i++) publish(draft(1, i));
        enactor().tick();
        new HistoryCleaner(plans, records, 1, 100).clean();
        assertThat(plans.history()).containsExactly(Generation.of(3));
    }

    /**
     * Condition (3) needs a plan's endpoints only while some live endpoint has not been read above it: once
     * every live endpoint was read serving above g, older plans are deleted without reading them back (a
     * durable store decodes each one from disk; the daemon's clean-up read a thousand per run under load).
     */
    @Test
    void oncePlanContentCannotMatterItIsNotReadBack() {
        for (int i = 1; i <= 10; i++) publish(draft(3, i));
        enactor().tick();
        int[] reads = {0};
        io.waymark.core.port.PlanStore counting = new io.waymark.core.port.PlanStore() {
            public PublishOutcome publish(Generation expected, PlanDraft d) { return plans.publish(expected, d); }
            public Optional<Plan> latest() { return plans.latest(); }
            public Optional<Plan> read(Generation g) { reads[0]++; return plans.read(g); }
            public java.util.List<Generation> history() { return plans.history(); }
            public boolean delete(Generation g) { return plans.delete(g); }
            public io.waymark.core.model.ControlFlags flags() { return plans.flags(); }
            public boolean updateFlags(io.waymark.core.model.ControlFlags e, io.waymark.core.model.ControlFlags n) { return plans.updateFlags(e, n); }
        };
        CleanupResult r = new HistoryCleaner(counting, records, 1, 100).clean();
        assertThat(r.deleted()).extracting(Generation::value).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(reads[0]).as("plans read back").isEqualTo(1);
        assertThat(Invariants.check(plans, records, Observation.NONE).violations()).isEmpty();
    }

    @Test
    void boundedDeletesPerRun() {
        for (int i = 1; i <= 10; i++) publish(draft(1, i));
        enactor().tick();
        assertThat(new HistoryCleaner(plans, records, 1, 4).clean().deleted()).hasSize(4);
    }

    @Test
    void anEndpointThatLeftThePlansIsNotWaitedFor() {
        // ep1 is in no plan after g1: it is not live, and its being unserved no longer keeps g1 (it
        // used to, forever). A stale heal of ep1 with g1 is still refused: g1 is not the latest.
        publish(draft(2, 1));
        Enactor stale = enactor();
        TickPlan held = stale.prepare(); // holds heals with g1 for ep0 and ep1, both unserved
        for (int i = 2; i <= 6; i++) publish(draft(1, i)); // later plans cover ep0 only
        enactor().tick(); // ep0 → g6; ep1 is in no later plan and still unserved
        CleanupResult r = new HistoryCleaner(plans, records, 1, 100).clean();
        assertThat(r.deleted()).extracting(Generation::value).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(r.keptUnserved()).isZero();
        assertThat(stale.apply(held).deferred()).isEqualTo(2); // g1 is no longer the latest: no stale heal
        assertThat(Invariants.check(plans, records, Observation.NONE).violations()).isEmpty();
    }

    @Test
    void keepsAPlanWhileOneOfItsLiveEndpointsIsUnserved() {
        // A heal of ep0 with g2 could be in flight (enactors re-check that their plan is still the
        // latest before healing, but a concurrent one may be between that check and its write): the
        // cleaner keeps g2 while ep0, still in the latest plan, is unserved.
        publish(draft(1, 1));
        publish(draft(1, 2));
        publish(draft(1, 3));
        CleanupResult r = new HistoryCleaner(plans, records, 1, 100).clean();
        assertThat(r.deleted()).isEmpty();
        assertThat(r.keptUnserved()).isEqualTo(2);
    }

    @Test
    void keepsAPlanWhoseEndpointHasAnUnreadableStamp() {
        publish(draft(1, 1));
        enactor().tick();
        publish(draft(1, 2));
        publish(draft(1, 3));
        records.overwriteForFaultInjection(ep(0), new StampedRecords(Stamp.unreadable("junk"), Optional.of(rs(1))));
        CleanupResult r = new HistoryCleaner(plans, records, 1, 100).clean();
        assertThat(r.deleted()).isEmpty();
        enactor().tick(); // heals
        assertThat(new HistoryCleaner(plans, records, 1, 100).clean().deleted()).extracting(Generation::value).containsExactly(1L, 2L);
    }

    @Test
    void manyCleanersInterleavedAreSafe() {
        for (int i = 1; i <= 8; i++) publish(draft(3, i));
        enactor().tick();
        HistoryCleaner a = new HistoryCleaner(plans, records, 2, 100);
        HistoryCleaner b = new HistoryCleaner(plans, records, 2, 100);
        CleanupResult ra = a.clean();
        CleanupResult rb = b.clean();
        assertThat(ra.deleted()).hasSize(6);
        assertThat(rb.deleted()).isEmpty();
        assertThat(Invariants.check(plans, records, Observation.NONE).violations()).isEmpty();
    }
}
