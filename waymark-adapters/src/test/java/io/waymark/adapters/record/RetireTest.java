package io.waymark.adapters.record;

import static io.waymark.adapters.Fixtures.endpoint;
import static io.waymark.adapters.Fixtures.records;
import static io.waymark.adapters.Fixtures.stamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.Fixtures;
import io.waymark.adapters.fs.FileDataDir;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.StampedRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defect 9 (store half): a conditional tombstone, durable, no longer served, high-water kept. */
class RetireTest {
    @TempDir Path dir;

    @Test
    void retireRemovesDurablyStopsServingAndKeepsTheHighWaterAcrossReopenAndCompaction() throws IOException {
        Endpoint gone = endpoint(1);
        Endpoint kept = endpoint(2);
        RecordingSink sink = new RecordingSink();
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, sink)) {
            store.applyIfNewer(gone, Stamp.NONE, stamp(4), records(gone, 4));
            store.applyIfNewer(kept, Stamp.NONE, stamp(4), records(kept, 4));
            assertThat(store.retire(gone, stamp(3))).as("the stamp moved since it was read").isFalse();
            assertThat(store.retire(gone, stamp(4))).isTrue();
            assertThat(store.read(gone)).as("a tombstone: no stamp, no records, retired at g4").isEqualTo(StampedRecords.tombstone(Generation.of(4)));
            assertThat(store.endpoints()).containsExactly(kept);
            assertThat(sink.served()).containsOnlyKeys(kept);
            assertThat(store.retire(gone, Stamp.NONE)).as("idempotent").isTrue();
            assertThat(store.applyIfNewer(gone, Stamp.NONE, stamp(3), records(gone, 3))).as("a stale enactor").isEqualTo(ApplyOutcome.SUPERSEDED);
            assertThat(store.applyIfNewer(gone, Stamp.NONE, stamp(4), records(gone, 4))).as("the plan it was retired at").isEqualTo(ApplyOutcome.SUPERSEDED);
        }
        RecordingSink after = new RecordingSink();
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, after, 0)) {
            assertThat(after.served()).containsOnlyKeys(kept);
            assertThat(store.endpoints()).containsExactly(kept);
            assertThat(store.read(gone)).as("the tombstone survives a reopen").isEqualTo(StampedRecords.tombstone(Generation.of(4)));
            assertThat(store.applyIfNewer(gone, Stamp.NONE, stamp(2), records(gone, 2))).isEqualTo(ApplyOutcome.SUPERSEDED);
            // Compaction (slack 0: every commit) must carry the high-water of the retired endpoint.
            for (long g = 5; g <= 8; g++) store.applyIfNewer(kept, stamp(g - 1), stamp(g), records(kept, g));
        }
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, new RecordingSink())) {
            assertThat(store.applyIfNewer(gone, Stamp.NONE, stamp(3), records(gone, 3))).isEqualTo(ApplyOutcome.SUPERSEDED);
            // The endpoint may come back into the configuration with a newer plan.
            assertThat(store.applyIfNewer(gone, Stamp.NONE, stamp(8), records(gone, 8))).isEqualTo(ApplyOutcome.APPLIED);
            assertThat(store.endpoints()).containsExactlyInAnyOrder(gone, kept);
        }
    }

    @Test
    void aSinkThatCannotRemoveRefusesTheRetirementBeforeAnythingIsWritten() throws IOException {
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, changed -> {})) {
            store.applyIfNewer(endpoint(1), Stamp.NONE, stamp(1), records(endpoint(1), 1));
            long size = store.logSizeBytes();
            assertThatThrownBy(() -> store.retire(endpoint(1), stamp(1))).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("ServingSink.removing");
            assertThat(store.logSizeBytes()).isEqualTo(size);
            assertThat(store.read(endpoint(1)).stamp()).isEqualTo(stamp(1));
        }
    }

    @Test
    void salvageHonoursRetirements() throws IOException {
        long end;
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, new RecordingSink())) {
            store.applyIfNewer(endpoint(1), Stamp.NONE, stamp(1), records(endpoint(1), 1));
            store.applyIfNewer(endpoint(2), Stamp.NONE, stamp(1), records(endpoint(2), 1));
            store.retire(endpoint(1), stamp(1));
            end = store.logSizeBytes();
            store.applyIfNewer(endpoint(3), Stamp.NONE, stamp(2), records(endpoint(3), 2));
        }
        Fixtures.flipByte(dir.resolve(EmbeddedRecordStore.LOG_FILE), io.waymark.adapters.log.LogFiles.physical(end + 20));
        SalvagedRecordStore s = EmbeddedRecordStore.salvage(FileDataDir.open(dir), ServingSink.NONE);
        assertThat(s.endpoints()).containsExactly(endpoint(2));
        assertThat(s.report().damaged()).isTrue();
        assertThat(Files.size(dir.resolve(EmbeddedRecordStore.LOG_FILE))).isGreaterThan(end);
    }
}
