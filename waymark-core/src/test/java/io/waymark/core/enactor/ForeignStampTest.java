package io.waymark.core.enactor;

import static io.waymark.core.Fixtures.draft;
import static io.waymark.core.Fixtures.ep;
import static io.waymark.core.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.PlanStore;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StampedRecords;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, defect 3 (core half): a stamp above the latest generation, or with another hash at the latest
 * generation, is no "newer plan already served": no plan in the store explains it (a plan store that
 * rewound, a corrupt stamp). It used to be skipped silently, forever (I3).
 */
class ForeignStampTest {
    final InMemoryPlanStore plans = new InMemoryPlanStore();
    final InMemoryRecordStore records = new InMemoryRecordStore();

    Plan publish(PlanDraft d) {
        Generation latest = plans.latest().map(Plan::generation).orElse(Generation.ZERO);
        return ((PublishOutcome.Published) plans.publish(latest, d)).plan();
    }

    Enactor enactor(PlanStore store) {
        return new Enactor("e1", store, records, new SplittableRandom(1), EnactorConfig.DEFAULTS);
    }

    @Test
    void aStampAboveTheLatestGenerationIsReportedNotSkipped() {
        publish(draft(2, 1));
        Plan latest = publish(draft(2, 2));
        // ep0 claims g9, which the store never handed out (it lost plans, or the stamp is corrupt).
        records.overwriteForFaultInjection(ep(0), new StampedRecords(Stamp.of(9, draft(1, 7).hash()), Optional.of(rs(7))));
        TickResult r = enactor(plans).tick();
        assertThat(r.skipped()).isZero();
        assertThat(r.foreign()).isEqualTo(1);
        assertThat(r.applied()).isEqualTo(1); // ep1 is applied as usual
        assertThat(r.errorDetails()).anyMatch(d -> d.contains("foreign stamp at " + ep(0)) && d.contains("g9"));
        assertThat(r.toString()).contains("foreign=1");
        assertThat(r.idle()).isFalse();
        assertThat(records.read(ep(1)).stamp()).isEqualTo(latest.stamp());
    }

    @Test
    void aForeignHashAtTheLatestGenerationIsReported() {
        Plan latest = publish(draft(1, 1));
        records.overwriteForFaultInjection(ep(0), new StampedRecords(Stamp.of(latest.generation().value(), draft(1, 5).hash()), Optional.of(rs(5))));
        TickResult r = enactor(plans).tick();
        assertThat(r.foreign()).isEqualTo(1);
        assertThat(r.skipped()).isZero();
        // The next plan above heals it: the store's CAS accepts a newer generation over it.
        publish(draft(1, 2));
        TickResult healed = enactor(plans).tick();
        assertThat(healed.applied()).isEqualTo(1);
        assertThat(healed.foreign()).isZero();
    }

    @Test
    void aStampFromAPlanPublishedSinceTheLatestWasReadIsNewerNotForeign() {
        Plan older = publish(draft(1, 1));
        Plan newer = publish(draft(1, 2));
        records.applyIfNewer(ep(0), Stamp.NONE, newer.stamp(), rs(2));
        // A view of the store that still answers the older plan as the latest (read before the publish).
        PlanStore stale = new PlanStore() {
            @Override public PublishOutcome publish(Generation e, PlanDraft d) { return plans.publish(e, d); }
            @Override public Optional<Plan> latest() { return Optional.of(older); }
            @Override public Optional<Plan> read(Generation g) { return plans.read(g); }
            @Override public List<Generation> history() { return plans.history(); }
            @Override public boolean delete(Generation g) { return plans.delete(g); }
            @Override public ControlFlags flags() { return plans.flags(); }
            @Override public boolean updateFlags(ControlFlags e, ControlFlags n) { return plans.updateFlags(e, n); }
        };
        TickResult r = enactor(stale).tick();
        assertThat(r.skipped()).isEqualTo(1);
        assertThat(r.foreign()).isZero();
        assertThat(r.errorDetails()).isEmpty();
    }
}
