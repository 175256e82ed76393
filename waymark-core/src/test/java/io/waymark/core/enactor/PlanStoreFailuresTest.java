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
import io.waymark.core.port.StoreUnavailableException;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A plan store that fails at each point of a tick: the tick says so, counts it, and writes nothing unsafe. */
class PlanStoreFailuresTest {
    final InMemoryPlanStore inner = new InMemoryPlanStore();
    final InMemoryRecordStore records = new InMemoryRecordStore();
    boolean down;
    int latestCallsBeforeFailing = Integer.MAX_VALUE;
    Optional<Plan> staleLatest = Optional.empty();

    final PlanStore plans = new PlanStore() {
        void check() {
            if (down) throw new StoreUnavailableException("injected");
        }

        @Override public PublishOutcome publish(Generation e, PlanDraft d) { check(); return inner.publish(e, d); }
        @Override public Optional<Plan> latest() {
            check();
            if (latestCallsBeforeFailing-- <= 0) throw new StoreUnavailableException("injected");
            return staleLatest.isPresent() ? staleLatest : inner.latest();
        }
        @Override public Optional<Plan> read(Generation g) { check(); return inner.read(g); }
        @Override public List<Generation> history() { check(); return inner.history(); }
        @Override public boolean delete(Generation g) { check(); return inner.delete(g); }
        @Override public ControlFlags flags() { check(); return inner.flags(); }
        @Override public boolean updateFlags(ControlFlags e, ControlFlags f) { check(); return inner.updateFlags(e, f); }
    };

    Enactor enactor() {
        return new Enactor("e1", plans, records, new SplittableRandom(1), EnactorConfig.DEFAULTS);
    }

    @Test
    void aPlanStoreDownAtPrepareIsReported() {
        inner.publish(Generation.ZERO, draft(2, 1));
        down = true;
        TickResult r = enactor().tick();
        assertThat(r.status()).isEqualTo(TickStatus.STORE_UNAVAILABLE);
        assertThat(r.errors()).isEqualTo(1);
        assertThat(r.errorDetails()).containsExactly("plan store: injected");
        assertThat(records.endpoints()).isEmpty();
    }

    @Test
    void aPlanStoreThatFailsBetweenPrepareAndApplyStopsTheWrites() {
        inner.publish(Generation.ZERO, draft(2, 1));
        Enactor e = enactor();
        TickPlan planned = e.prepare();
        assertThat(((TickPlan.Writes) planned).visited()).isEqualTo(2);
        down = true; // the kill switch cannot be read: write nothing
        TickResult r = e.apply(planned);
        assertThat(r.status()).isEqualTo(TickStatus.STORE_UNAVAILABLE);
        assertThat(r.errors()).isEqualTo(1);
        assertThat(r.errorDetails()).containsExactly("plan store: injected");
        assertThat(records.endpoints()).isEmpty();
    }

    @Test
    void aHealWhoseReCheckFailsIsDeferredAndCounted() {
        Plan p = ((PublishOutcome.Published) inner.publish(Generation.ZERO, draft(1, 1))).plan();
        records.overwriteForFaultInjection(ep(0), new StampedRecords(Stamp.unreadable("garbled"), Optional.of(rs(1))));
        latestCallsBeforeFailing = 1; // prepare's read of the latest plan works, the heal re-check does not
        TickResult r = enactor().tick();
        assertThat(r.status()).isEqualTo(TickStatus.WORKED);
        assertThat(r.deferred()).isEqualTo(1);
        assertThat(r.healed()).isZero();
        assertThat(r.errors()).isEqualTo(1);
        assertThat(r.errorDetails()).containsExactly("plan store (heal re-check): injected");
        assertThat(records.read(ep(0)).stamp()).isEqualTo(Stamp.unreadable("garbled"));
        latestCallsBeforeFailing = Integer.MAX_VALUE;
        assertThat(enactor().tick().healed()).isEqualTo(1);
        assertThat(records.read(ep(0)).stamp()).isEqualTo(p.stamp());
    }

    @Test
    void aNewerStampThatCannotBeLookedUpIsLeftAloneAndCounted() {
        Plan g1 = ((PublishOutcome.Published) inner.publish(Generation.ZERO, draft(1, 1))).plan();
        inner.publish(Generation.of(1), draft(1, 2));
        enactor().tick(); // e0 serves g2
        staleLatest = Optional.of(g1); // this enactor read the latest before g2 was published ...
        PlanStore failingReads = plans;
        TickResult r = new Enactor("e2", new PlanStore() {
            @Override public PublishOutcome publish(Generation x, PlanDraft d) { return failingReads.publish(x, d); }
            @Override public Optional<Plan> latest() { return failingReads.latest(); }
            @Override public Optional<Plan> read(Generation g) { throw new StoreUnavailableException("injected"); } // ... and cannot look g2 up
            @Override public List<Generation> history() { return failingReads.history(); }
            @Override public boolean delete(Generation g) { return failingReads.delete(g); }
            @Override public ControlFlags flags() { return failingReads.flags(); }
            @Override public boolean updateFlags(ControlFlags x, ControlFlags f) { return failingReads.updateFlags(x, f); }
        }, records, new SplittableRandom(1), EnactorConfig.DEFAULTS).tick();
        assertThat(r.status()).isEqualTo(TickStatus.WORKED);
        assertThat(r.skipped()).isEqualTo(1);
        assertThat(r.foreign()).isZero();
        assertThat(r.errors()).isEqualTo(1);
        assertThat(r.errorDetails()).containsExactly("plan store read g2: injected");
        assertThat(records.read(ep(0)).stamp().generation()).isEqualTo(Generation.of(2));
    }
}
