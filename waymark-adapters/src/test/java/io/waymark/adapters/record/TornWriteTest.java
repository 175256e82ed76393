package io.waymark.adapters.record;

import static io.waymark.adapters.Fixtures.records;
import static io.waymark.adapters.Fixtures.stamp;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.adapters.log.LogFiles;
import io.waymark.core.model.Endpoint;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.StampedRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record log overwrites space it zeroed beforehand, and a crash during an append leaves each
 * 512-byte sector of that append either zero or as written, in any combination, and nothing of the
 * appends after it. Tear the log so, at every batch and with many sector subsets, and check that
 * every tear reopens (no exception) to exactly the state after some whole number of batches: the
 * batches before the torn one, plus the torn one only when every sector of it survived.
 */
class TornWriteTest {
    private static final int BATCHES = 8;
    @TempDir Path dir;

    @Test
    void everyTearReopensToAWholeBatchPrefix() throws IOException {
        Path source = dir.resolve("source");
        List<Long> sizeAfterBatch = new ArrayList<>();
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(source, ServingSink.NONE)) {
            sizeAfterBatch.add(store.logSizeBytes());
            for (long b = 1; b <= BATCHES; b++) {
                List<ConditionalApply> applies = new ArrayList<>();
                for (Endpoint e : RecordCrashWorkload.batch(b)) applies.add(new ConditionalApply(e, store.read(e).stamp(), stamp(b), records(e, b)));
                store.applyAllIfNewer(applies);
                sizeAfterBatch.add(store.logSizeBytes());
            }
        }
        List<Map<Endpoint, StampedRecords>> states = new ArrayList<>();
        for (int k = 0; k <= BATCHES; k++) states.add(RecordCrashWorkload.stateAfter(k));
        byte[] log = Files.readAllBytes(source.resolve(EmbeddedRecordStore.LOG_FILE));
        SplittableRandom random = new SplittableRandom(3);
        int tornSeen = 0;
        for (int trial = 0; trial < 60; trial++) {
            int torn = 1 + trial % BATCHES; // the batch being appended when the power went
            long from = LogFiles.sectorStart(sizeAfterBatch.get(torn - 1));
            long to = LogFiles.sectorStart(sizeAfterBatch.get(torn));
            byte[] copyBytes = log.clone();
            Arrays.fill(copyBytes, (int) to, copyBytes.length, (byte) 0); // later batches were never written
            boolean whole = true;
            for (long s = from; s < to; s += LogFiles.SECTOR_BYTES) {
                if (trial >= BATCHES && random.nextBoolean()) { // the first round keeps the torn batch whole
                    Arrays.fill(copyBytes, (int) s, (int) (s + LogFiles.SECTOR_BYTES), (byte) 0);
                    whole = false;
                }
            }
            if (!whole) tornSeen++;
            Path copy = dir.resolve("tear-" + trial);
            Files.createDirectories(copy);
            Files.write(copy.resolve(EmbeddedRecordStore.LOG_FILE), copyBytes);
            int expected = whole ? torn : torn - 1;
            try (EmbeddedRecordStore store = EmbeddedRecordStore.open(copy, ServingSink.NONE)) {
                Map<Endpoint, StampedRecords> actual = new HashMap<>();
                for (Endpoint e : store.endpoints()) actual.put(e, store.read(e));
                assertThat(actual).as("batch %d torn (whole: %s)", torn, whole).isEqualTo(states.get(expected));
            }
            // The tear was cut: the log reopens to the same state, and clean.
            try (EmbeddedRecordStore store = EmbeddedRecordStore.open(copy, ServingSink.NONE)) {
                assertThat(store.endpoints()).hasSize(states.get(expected).size());
            }
        }
        assertThat(tornSeen).as("trials that tore a batch").isGreaterThan(20);
    }
}
