package io.waymark.adapters.record;

import static io.waymark.adapters.Fixtures.records;
import static io.waymark.adapters.Fixtures.stamp;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.Endpoint;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.StampedRecords;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash can stop a write at any byte. Cut the log at many byte offsets and check that every cut
 * reopens (no exception) to exactly the state after some whole number of batches: the batches that
 * were completely written, never part of one.
 */
class TornWriteTest {
    private static final int BATCHES = 8;
    @TempDir Path dir;

    @Test
    void everyCutReopensToAWholeBatchPrefix() throws IOException {
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
        for (int trial = 0; trial < 40; trial++) {
            int cut = trial < 3 ? new int[] {0, 5, log.length}[trial] : random.nextInt(log.length + 1);
            Path copy = dir.resolve("cut-" + trial);
            Files.createDirectories(copy);
            Files.write(copy.resolve(EmbeddedRecordStore.LOG_FILE), log);
            try (FileChannel ch = FileChannel.open(copy.resolve(EmbeddedRecordStore.LOG_FILE), StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            int whole = 0;
            while (whole < BATCHES && sizeAfterBatch.get(whole + 1) <= cut) whole++;
            try (EmbeddedRecordStore store = EmbeddedRecordStore.open(copy, ServingSink.NONE)) {
                Map<Endpoint, StampedRecords> actual = new HashMap<>();
                for (Endpoint e : store.endpoints()) actual.put(e, store.read(e));
                assertThat(actual).as("cut at byte %d of %d", cut, log.length).isEqualTo(states.get(whole));
            }
        }
    }
}
