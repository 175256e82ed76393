package io.waymark.adapters.record;

import static io.waymark.adapters.Fixtures.endpoint;
import static io.waymark.adapters.Fixtures.records;
import static io.waymark.adapters.Fixtures.stamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.Fixtures;
import io.waymark.adapters.fs.FileDataDir;
import io.waymark.adapters.log.LogDamagedException;
import io.waymark.adapters.log.LogFiles;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defect 4's other half: a damaged records.log stops automation, not DNS. */
class SalvageTest {
    @TempDir Path dir;

    @Test
    void salvageServesEveryReadableEntryRefusesWritesAndReportsTheDamage() throws IOException {
        long[] ends = new long[4];
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE)) {
            store.applyIfNewer(endpoint(1), Stamp.NONE, stamp(1), records(endpoint(1), 1));
            ends[0] = store.logSizeBytes();
            store.applyIfNewer(endpoint(2), Stamp.NONE, stamp(1), records(endpoint(2), 1)); // to be damaged
            ends[1] = store.logSizeBytes();
            store.applyIfNewer(endpoint(1), stamp(1), stamp(2), records(endpoint(1), 2));
            store.applyIfNewer(endpoint(3), Stamp.NONE, stamp(2), records(endpoint(3), 2));
        }
        Path file = dir.resolve(EmbeddedRecordStore.LOG_FILE);
        Fixtures.flipByte(file, LogFiles.physical(ends[0] + 20));
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> EmbeddedRecordStore.open(dir, ServingSink.NONE)).isInstanceOf(LogDamagedException.class);

        Map<Endpoint, RecordSet> served = new HashMap<>();
        SalvagedRecordStore salvaged = EmbeddedRecordStore.salvage(FileDataDir.open(dir), served::putAll);
        assertThat(served).containsOnlyKeys(endpoint(1), endpoint(3));
        assertThat(served.get(endpoint(1))).isEqualTo(records(endpoint(1), 2));
        assertThat(salvaged.read(endpoint(1)).stamp()).isEqualTo(stamp(2));
        assertThat(salvaged.endpoints()).containsExactlyInAnyOrder(endpoint(1), endpoint(3));
        assertThat(salvaged.report().damaged()).isTrue();
        assertThat(salvaged.report().log().damage()).singleElement().satisfies(d -> {
            // Damage is reported in file offsets: the damaged apply's sectors.
            assertThat(d.offset()).isEqualTo(LogFiles.sectorStart(ends[0]));
            assertThat(d.lengthBytes()).isEqualTo(LogFiles.sectorStart(ends[1]) - LogFiles.sectorStart(ends[0]));
        });
        assertThat(salvaged.report().summary()).contains(file.toString()).contains("What to do");
        assertThatThrownBy(() -> salvaged.applyIfNewer(endpoint(2), Stamp.NONE, stamp(3), records(endpoint(2), 3)))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("read-only");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void salvageStillRefusesToMoveAnEndpointBack() throws IOException {
        // Two self-contained entries for one endpoint, the newer first (as a buggy writer or a restored
        // backup could leave them): salvage keeps the newer one and reports the other.
        try (io.waymark.adapters.log.AppendLog log = io.waymark.adapters.log.AppendLog.open(dir.resolve(EmbeddedRecordStore.LOG_FILE), 1 << 20, b -> {})) {
            log.append(ChangeCodec.encode(java.util.List.of(new EndpointChange(endpoint(1), stamp(5), records(endpoint(1), 5))), 1 << 20));
            log.append(ChangeCodec.encode(java.util.List.of(new EndpointChange(endpoint(1), stamp(3), records(endpoint(1), 3))), 1 << 20));
        }
        SalvagedRecordStore salvaged = EmbeddedRecordStore.salvage(FileDataDir.open(dir), ServingSink.NONE);
        assertThat(salvaged.read(endpoint(1)).stamp()).isEqualTo(stamp(5));
        assertThat(salvaged.report().outOfOrder()).singleElement().satisfies(m -> assertThat(m).contains("moves " + endpoint(1) + " from g5").contains("back to g3"));
    }
}
