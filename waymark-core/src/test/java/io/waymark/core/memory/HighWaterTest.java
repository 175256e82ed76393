package io.waymark.core.memory;

import static io.waymark.core.Fixtures.ep;
import static io.waymark.core.Fixtures.rs;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.StampedRecords;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Defect 13 (store half) and defect 9 (store half), against the in-memory record store. */
class HighWaterTest {
    private static Stamp stamp(long g) {
        return Stamp.of(g, new PlanHash("%064x".formatted(g)));
    }

    @Test
    void aHealMayNotLandAPlanOlderThanTheHighWaterAfterTheStampWasLost() {
        InMemoryRecordStore store = new InMemoryRecordStore();
        Endpoint e = ep(1);
        assertThat(store.applyIfNewer(e, Stamp.NONE, stamp(5), rs(5))).isEqualTo(ApplyOutcome.APPLIED);
        // The stamp is lost (an RFC 2136 TXT record deleted, rot at rest): it reads as generation 0.
        store.overwriteForFaultInjection(e, new StampedRecords(Stamp.NONE, Optional.of(rs(5))));
        // A heal decided before the loss, for g3, arrives late: refused.
        assertThat(store.applyIfNewer(e, Stamp.NONE, stamp(3), rs(3))).isEqualTo(ApplyOutcome.SUPERSEDED);
        assertThat(store.read(e).stamp()).isEqualTo(Stamp.NONE);
        // The same plan again is allowed, and so is a newer one.
        assertThat(store.applyIfNewer(e, Stamp.NONE, stamp(5), rs(5))).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(store.applyIfNewer(e, stamp(5), stamp(6), rs(6))).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(store.highWater(e)).isEqualTo(Generation.of(6));
    }

    @Test
    void retireIsAConditionalTombstoneAndTheHighWaterSurvivesIt() {
        InMemoryRecordStore store = new InMemoryRecordStore();
        Endpoint e = ep(1);
        store.applyIfNewer(e, Stamp.NONE, stamp(4), rs(4));
        assertThat(store.retire(e, stamp(3))).as("stamp moved since it was read").isFalse();
        assertThat(store.endpoints()).containsExactly(e);
        assertThat(store.retire(e, stamp(4))).isTrue();
        assertThat(store.read(e)).as("a tombstone: no stamp, no records, retired at g4").isEqualTo(StampedRecords.tombstone(Generation.of(4)));
        assertThat(store.endpoints()).isEmpty();
        assertThat(store.retire(e, Stamp.NONE)).as("idempotent").isTrue();
        // A stale enactor cannot bring back an older plan; the endpoint can come back with a new one.
        assertThat(store.applyIfNewer(e, Stamp.NONE, stamp(2), rs(2))).isEqualTo(ApplyOutcome.SUPERSEDED);
        assertThat(store.applyIfNewer(e, Stamp.NONE, stamp(4), rs(4))).as("the plan it was retired at").isEqualTo(ApplyOutcome.SUPERSEDED);
        assertThat(store.applyIfNewer(e, Stamp.NONE, stamp(7), rs(7))).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(store.endpoints()).containsExactly(e);
    }
}
