package io.waymark.core.enactor;

import static io.waymark.core.Fixtures.draft;
import static io.waymark.core.Fixtures.ep;
import static io.waymark.core.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.memory.InMemoryPlanStore;
import io.waymark.core.memory.InMemoryRecordStore;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StampedRecords;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every visited endpoint lands in exactly one bucket, and the counts say exactly what happened. */
class TickAccountingTest {
    final InMemoryPlanStore plans = new InMemoryPlanStore();
    final InMemoryRecordStore records = new InMemoryRecordStore();

    Plan publish(PlanDraft d) {
        Generation latest = plans.latest().map(Plan::generation).orElse(Generation.ZERO);
        return ((PublishOutcome.Published) plans.publish(latest, d)).plan();
    }

    @Test
    void countsAreBuiltByNameAndMustAddUp() {
        TickCounts c = TickCounts.builder().visited(4).applied(1).superseded(1).skipped(1).foreign(1).conflicts(3).healed(1).errors(2).build();
        assertThat(c).isEqualTo(new TickCounts(4, 1, 1, 1, 1, 3, 0, 1, 0, 2));
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.toBuilder().visited(1).deferred(1).build().deferred()).isEqualTo(1);
        assertThatThrownBy(() -> TickCounts.builder().visited(2).applied(1).build()).hasMessageContaining("exactly one bucket");
        assertThatThrownBy(() -> TickCounts.builder().visited(1).applied(1).healed(2).build()).hasMessageContaining("subset");
        assertThatThrownBy(() -> TickCounts.builder().errors(-1).build()).hasMessageContaining(">= 0");
        assertThat(TickCounts.NONE.visited()).isZero();
    }

    @Test
    void aResultSaysWhatItCountedAndWhetherItIsIdle() {
        TickCounts c = TickCounts.builder().visited(2).applied(1).skipped(1).conflicts(1).build();
        TickResult r = new TickResult("e1", TickStatus.WORKED, Generation.of(3), Optional.empty(), c, List.of());
        assertThat(r.toString()).isEqualTo("tick[e1 WORKED g3 visited=2 applied=1 superseded=0 skipped=1 conflicts=1 deferred=0 healed=0 failed=0]");
        assertThat(r.idle()).isFalse();
        TickResult quiet = new TickResult("e1", TickStatus.WORKED, Generation.of(3), Optional.empty(), TickCounts.builder().visited(1).skipped(1).build(), List.of());
        assertThat(quiet.idle()).isTrue();
        TickResult foreign = new TickResult("e1", TickStatus.WORKED, Generation.of(3), Optional.empty(), TickCounts.builder().visited(1).foreign(1).build(), List.of("x"));
        assertThat(foreign.idle()).as("nothing this enactor can write").isTrue();
        assertThat(foreign.toString()).contains("foreign=1").contains("[x]");
        assertThat(TickResult.without("e1", TickStatus.PAUSED, Generation.ZERO, Optional.empty(), 0, List.of()).idle()).isFalse();
        assertThatThrownBy(() -> new TickResult("e1", TickStatus.PAUSED, Generation.ZERO, Optional.empty(), c, List.of()))
                .hasMessageContaining("only a WORKED tick");
        assertThatThrownBy(() -> new TickResult("e1", TickStatus.REFUSED, Generation.ZERO, Optional.empty(), TickCounts.NONE, List.of()))
                .hasMessageContaining("REFUSED");
    }

    @Test
    void aConflictWhoseReReadFindsANewerPlanIsSuperseded() {
        publish(draft(1, 1));
        Enactor a = new Enactor("a", plans, records, new SplittableRandom(1), EnactorConfig.DEFAULTS);
        a.tick();
        Plan p2 = publish(draft(1, 1, 2));
        TickPlan prepared = a.prepare();
        // Another writer lands g2 with another hash first (then the store is at g2: not older than ours).
        Plan p3 = publish(draft(1, 1, 2, 3));
        records.overwriteForFaultInjection(ep(0), new StampedRecords(p3.stamp(), Optional.of(rs(1, 2, 3))));
        TickResult r = a.apply(prepared);
        assertThat(r.superseded()).isEqualTo(1);
        assertThat(r.conflicts()).isZero();
        assertThat(r.applied()).isZero();
        assertThat(p2.generation()).isLessThan(p3.generation());
    }

    @Test
    void aStoreThatFailsDuringTheReReadLeavesTheEndpointFailed() {
        publish(draft(1, 1));
        Enactor a = new Enactor("a", plans, records, new SplittableRandom(1), EnactorConfig.DEFAULTS);
        a.tick();
        publish(draft(1, 1, 2));
        TickPlan prepared = a.prepare();
        records.overwriteForFaultInjection(ep(0), new StampedRecords(Stamp.of(1, draft(1, 7).hash()), Optional.of(rs(7))));
        ConflictThenDown store = new ConflictThenDown(records);
        Enactor b = new Enactor("a", plans, store, new SplittableRandom(1), EnactorConfig.DEFAULTS);
        TickResult r = b.apply(prepared);
        assertThat(r.conflicts()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.errors()).isEqualTo(1);
        assertThat(r.errorDetails()).singleElement().asString().contains("retry " + ep(0));
    }

    /** Answers CONFLICT to the batch, then fails every call. */
    static final class ConflictThenDown implements io.waymark.core.port.RecordStore {
        private final io.waymark.core.port.RecordStore inner;
        private boolean down;

        ConflictThenDown(io.waymark.core.port.RecordStore inner) {
            this.inner = inner;
        }

        @Override public StampedRecords read(io.waymark.core.model.Endpoint e) {
            if (down) throw new io.waymark.core.port.StoreUnavailableException("down");
            return inner.read(e);
        }

        @Override public ApplyOutcome applyIfNewer(io.waymark.core.model.Endpoint e, Stamp expected, Stamp next, RecordSet records) {
            if (down) throw new io.waymark.core.port.StoreUnavailableException("down");
            return inner.applyIfNewer(e, expected, next, records);
        }

        @Override public List<ApplyOutcome> applyAllIfNewer(List<io.waymark.core.port.ConditionalApply> applies) {
            down = true;
            return applies.stream().map(x -> ApplyOutcome.CONFLICT).toList();
        }

        @Override public java.util.Set<io.waymark.core.model.Endpoint> endpoints() {
            return inner.endpoints();
        }
    }

    @Test
    void errorDetailsAreBoundedButErrorsAreCountedExactly() {
        publish(draft(5, 1));
        FlakyRecordStore flaky = new FlakyRecordStore(records);
        Enactor a = new Enactor("a", plans, flaky, new SplittableRandom(1), EnactorConfig.DEFAULTS.withApplyBatchSize(1).withErrorDetailsMax(2));
        TickPlan prepared = a.prepare();
        flaky.down = true;
        // Five batches of one, each failing: five errors counted, two described.
        TickResult r = a.apply(prepared);
        assertThat(r.status()).isEqualTo(TickStatus.WORKED);
        assertThat(r.failed()).isEqualTo(5);
        assertThat(r.errors()).isEqualTo(5);
        assertThat(r.errorDetails()).hasSize(2).allMatch(d -> d.startsWith("record store apply batch of 1"));
    }
}
