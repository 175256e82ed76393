package io.waymark.adapters;

import static io.waymark.adapters.Fixtures.endpoint;
import static io.waymark.adapters.Fixtures.records;
import static io.waymark.adapters.Fixtures.stamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.fs.FaultyDir;
import io.waymark.adapters.plan.FilePlanStore;
import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.adapters.record.ServingSink;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, defect 2 (store half): a store that hit ENOSPC or EIO stays failed (a failed fsync cannot
 * be retried) but closes cleanly and reopens with everything acknowledged once the disk is healthy;
 * a compaction that fails before its rename does not fail a store whose data is intact.
 */
class StoreFailureTest {
    @TempDir Path dir;

    private static PlanDraft draft(long n) {
        Map<Endpoint, RecordSet> sets = new TreeMap<>();
        for (int i = 0; i < 5; i++) sets.put(endpoint(i), records(endpoint(i), n));
        return PlanDraft.of(sets);
    }

    @Test
    void afterNoSpaceTheStoresStayFailedThenCloseAndReopenWithEverythingAcknowledged() throws IOException {
        FaultyDir disk = new FaultyDir(dir);
        FilePlanStore plans = FilePlanStore.open(disk);
        EmbeddedRecordStore records = EmbeddedRecordStore.open(disk, ServingSink.NONE);
        plans.publish(Generation.ZERO, draft(1));
        plans.updateFlags(ControlFlags.NONE, new ControlFlags(true, false));
        records.applyIfNewer(endpoint(1), Stamp.NONE, stamp(1), records(endpoint(1), 1));

        disk.full(true);
        assertThatThrownBy(() -> plans.publish(Generation.of(1), draft(2))).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> records.applyIfNewer(endpoint(1), stamp(1), stamp(2), records(endpoint(1), 2))).isInstanceOf(StoreUnavailableException.class);
        disk.full(false);
        // Space is back, but the durable state is unknown until the files are read again.
        assertThatThrownBy(plans::flags).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> records.read(endpoint(1))).isInstanceOf(StoreUnavailableException.class);
        plans.close();
        records.close();

        try (FilePlanStore p = FilePlanStore.open(disk); EmbeddedRecordStore r = EmbeddedRecordStore.open(disk, ServingSink.NONE)) {
            assertThat(p.latest().orElseThrow().generation()).isEqualTo(Generation.of(1));
            assertThat(p.flags()).isEqualTo(new ControlFlags(true, false));
            assertThat(r.read(endpoint(1)).stamp()).isEqualTo(stamp(1));
            assertThat(p.publish(Generation.of(1), draft(2))).isInstanceOf(PublishOutcome.Published.class);
            assertThat(r.applyIfNewer(endpoint(1), stamp(1), stamp(2), records(endpoint(1), 2))).isEqualTo(ApplyOutcome.APPLIED);
        }
    }

    @Test
    void aPlanCompactionThatFailsBeforeItsRenameIsReportedOnceAndTheStoreCarriesOn() throws IOException {
        FaultyDir disk = new FaultyDir(dir);
        disk.failWritesTo(".compact");
        try (LogCapture logs = new LogCapture(FilePlanStore.class); FilePlanStore store = FilePlanStore.open(disk, 1)) {
            for (long g = 1; g <= 8; g++) {
                store.publish(Generation.of(g - 1), draft(g));
                if (g > 2) assertThat(store.delete(Generation.of(g - 2))).isTrue();
            }
            assertThat(logs.messages().stream().filter(m -> m.contains("compaction failed"))).hasSize(1);
            assertThat(disk.list()).doesNotContain("plans.log.compact", "plans.log.compact.new");
            disk.failWritesTo(null);
            store.publish(Generation.of(8), draft(9));
        }
        try (FilePlanStore store = FilePlanStore.open(disk)) {
            assertThat(store.history()).containsExactly(Generation.of(7), Generation.of(8), Generation.of(9));
        }
    }

    @Test
    void aRecordCompactionThatFailsBeforeItsRenameIsReportedOnceAndTheStoreCarriesOn() throws IOException {
        FaultyDir disk = new FaultyDir(dir);
        disk.failWritesTo(".compact");
        try (LogCapture logs = new LogCapture(EmbeddedRecordStore.class); EmbeddedRecordStore store = EmbeddedRecordStore.open(disk, ServingSink.NONE, 0)) {
            for (long g = 1; g <= 30; g++) {
                assertThat(store.applyIfNewer(endpoint(1), store.read(endpoint(1)).stamp(), stamp(g), records(endpoint(1), g))).isEqualTo(ApplyOutcome.APPLIED);
            }
            assertThat(logs.messages().stream().filter(m -> m.contains("compaction failed"))).hasSize(1);
        }
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(disk, ServingSink.NONE)) {
            assertThat(store.read(endpoint(1)).stamp()).isEqualTo(stamp(30));
        }
    }
}
