package io.waymark.core.memory;

import static io.waymark.core.Fixtures.draft;
import static io.waymark.core.Fixtures.ep;
import static io.waymark.core.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.model.Generation;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StampedRecords;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InMemoryStoresTest {
    @Test
    void publishIsACompareAndSetOnTheLatestGeneration() {
        InMemoryPlanStore store = new InMemoryPlanStore();
        assertThat(store.latest()).isEmpty();
        PublishOutcome first = store.publish(Generation.ZERO, draft(1, 1));
        assertThat(first).isInstanceOf(PublishOutcome.Published.class);
        assertThat(((PublishOutcome.Published) first).plan().generation()).isEqualTo(Generation.of(1));
        // A second publisher that also read "empty" loses.
        assertThat(store.publish(Generation.ZERO, draft(1, 2))).isEqualTo(new PublishOutcome.Conflict(Generation.of(1)));
        assertThat(store.publish(Generation.of(1), draft(1, 2))).isInstanceOf(PublishOutcome.Published.class);
        assertThat(store.history()).containsExactly(Generation.of(1), Generation.of(2));
        assertThat(store.latest().orElseThrow().generation()).isEqualTo(Generation.of(2));
    }

    @Test
    void deleteRefusesTheLatestAndIsIdempotent() {
        InMemoryPlanStore store = new InMemoryPlanStore();
        store.publish(Generation.ZERO, draft(1, 1));
        store.publish(Generation.of(1), draft(1, 2));
        assertThatThrownBy(() -> store.delete(Generation.of(2))).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.delete(Generation.of(1))).isTrue();
        assertThat(store.delete(Generation.of(1))).isFalse();
        assertThat(store.read(Generation.of(1))).isEmpty();
        // Generations are never reused after a delete.
        assertThat(store.publish(Generation.of(2), draft(1, 3))).matches(o -> ((PublishOutcome.Published) o).plan().generation().value() == 3);
    }

    @Test
    void flagsRoundTrip() {
        InMemoryPlanStore store = new InMemoryPlanStore();
        store.updateFlags(store.flags(), store.flags().withPaused(true));
        assertThat(store.flags().paused()).isTrue();
        assertThat(store.flags().pinned()).isFalse();
    }

    @Test
    void applyIfNewerHasTheThreeOutcomes() {
        InMemoryRecordStore store = new InMemoryRecordStore();
        Stamp s1 = Stamp.of(1, draft(1, 1).hash());
        Stamp s2 = Stamp.of(2, draft(1, 2).hash());
        assertThat(store.read(ep(0))).isEqualTo(StampedRecords.ABSENT);
        assertThat(store.applyIfNewer(ep(0), Stamp.NONE, s1, rs(1))).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(store.read(ep(0))).isEqualTo(new StampedRecords(s1, Optional.of(rs(1))));
        // Same generation again: superseded, nothing written.
        assertThat(store.applyIfNewer(ep(0), Stamp.NONE, s1, rs(9))).isEqualTo(ApplyOutcome.SUPERSEDED);
        // Newer, but the expected stamp is stale: conflict, nothing written.
        assertThat(store.applyIfNewer(ep(0), Stamp.NONE, s2, rs(2))).isEqualTo(ApplyOutcome.CONFLICT);
        assertThat(store.read(ep(0)).records()).contains(rs(1));
        assertThat(store.applyIfNewer(ep(0), s1, s2, rs(2))).isEqualTo(ApplyOutcome.APPLIED);
        // Older plan after a newer one: superseded, whatever the expected stamp says.
        assertThat(store.applyIfNewer(ep(0), s2, s1, rs(1))).isEqualTo(ApplyOutcome.SUPERSEDED);
        assertThat(store.read(ep(0)).stamp()).isEqualTo(s2);
        assertThat(store.endpoints()).containsExactly(ep(0));
    }

    @Test
    void refusesEmptyRecordSets() {
        InMemoryRecordStore store = new InMemoryRecordStore();
        Stamp s1 = Stamp.of(1, draft(1, 1).hash());
        assertThatThrownBy(() -> store.applyIfNewer(ep(0), Stamp.NONE, s1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.endpoints()).isEmpty();
    }

    @Test
    void batchAnswersInRequestOrder() {
        InMemoryRecordStore store = new InMemoryRecordStore();
        Stamp s1 = Stamp.of(1, draft(1, 1).hash());
        List<ApplyOutcome> out = store.applyAllIfNewer(List.of(
                new ConditionalApply(ep(0), Stamp.NONE, s1, rs(1)),
                new ConditionalApply(ep(0), Stamp.NONE, s1, rs(1)),
                new ConditionalApply(ep(1), s1, s1, rs(1))));
        assertThat(out).containsExactly(ApplyOutcome.APPLIED, ApplyOutcome.SUPERSEDED, ApplyOutcome.CONFLICT);
    }

    @Test
    void unreadableStampIsComparedByItsRawValue() {
        InMemoryRecordStore store = new InMemoryRecordStore();
        store.overwriteForFaultInjection(ep(0), new StampedRecords(Stamp.unreadable("garbage"), Optional.of(rs(7))));
        Stamp s1 = Stamp.of(1, draft(1, 1).hash());
        assertThat(store.applyIfNewer(ep(0), Stamp.NONE, s1, rs(1))).isEqualTo(ApplyOutcome.CONFLICT);
        assertThat(store.applyIfNewer(ep(0), Stamp.unreadable("garbage"), s1, rs(1))).isEqualTo(ApplyOutcome.APPLIED);
    }
}
