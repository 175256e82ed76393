package io.waymark.adapters.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.Fixtures;
import io.waymark.adapters.fs.FaultyDir;
import io.waymark.adapters.log.LogCorruptException;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.PublishOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** I6: a generation is handed out once, whatever happens to plans.log (issue 7, defect 3). */
class GenerationFloorTest {
    @TempDir Path dir;

    private static Plan publish(FilePlanStore store, long n) {
        Generation latest = store.latest().map(Plan::generation).orElse(Generation.ZERO);
        PublishOutcome o = store.publish(latest, PlanWorkload.draft(n));
        assertThat(o).isInstanceOf(PublishOutcome.Published.class);
        Plan p = ((PublishOutcome.Published) o).plan();
        assertThat(p.generation().isAfter(latest)).isTrue();
        return p;
    }

    @Test
    void afterThePlanLogIsMovedAsideNoGenerationIsHandedOutAgain() throws IOException {
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            for (long n = 1; n <= 3; n++) publish(store, n);
        }
        Files.move(dir.resolve(FilePlanStore.LOG_FILE), dir.resolve("plans.log.damaged"));
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            assertThat(store.latest()).isEmpty();
            assertThat(publish(store, 100).generation().value()).isGreaterThan(3);
        }
    }

    @Test
    void afterADamagedLogIsReplacedByAnOlderBackupNoGenerationIsHandedOutAgain() throws IOException {
        Path log = dir.resolve(FilePlanStore.LOG_FILE);
        Path backup = dir.resolve("backup.log");
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            publish(store, 1);
            publish(store, 2);
            Files.copy(log, backup);
            publish(store, 3);
        }
        Fixtures.flipByte(log, io.waymark.adapters.log.LogFiles.dataEnd(log) - 10); // inside g3
        assertThatThrownBy(() -> FilePlanStore.open(dir)).isInstanceOf(LogCorruptException.class);
        Files.copy(backup, log, StandardCopyOption.REPLACE_EXISTING); // what the operator is told to do
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            assertThat(store.latest().orElseThrow().generation()).isEqualTo(Generation.of(2));
            assertThat(publish(store, 100).generation().value()).as("g3 was handed out with other content").isGreaterThan(3);
        }
    }

    @Test
    void anIntactLogContinuesWithoutSkippingAndReservesInBlocks() throws IOException {
        FaultyDir counting = new FaultyDir(dir);
        try (FilePlanStore store = FilePlanStore.open(counting)) {
            long before = counting.renames();
            for (long n = 1; n <= 200; n++) assertThat(publish(store, n).generation()).isEqualTo(Generation.of(n));
            assertThat(counting.renames() - before).as("floor writes for 200 publishes").isEqualTo(1);
        }
        // A crash or a clean restart with the log intact: the log knows every generation handed out.
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            assertThat(publish(store, 201).generation()).isEqualTo(Generation.of(201));
        }
    }

    @Test
    void oneFlippedBitInTheFloorIsSurvivedByItsSecondCopy() throws IOException {
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            for (long n = 1; n <= 3; n++) publish(store, n);
        }
        Fixtures.flipByte(dir.resolve(GenerationFloor.FILE), 12);
        Files.delete(dir.resolve(FilePlanStore.LOG_FILE));
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            assertThat(publish(store, 4).generation().value()).isGreaterThan(3);
        }
    }

    @Test
    void aDamagedFloorBesideAnIntactLogIsRebuiltFromTheLog() throws IOException {
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            publish(store, 1);
        }
        Fixtures.flipByte(dir.resolve(GenerationFloor.FILE), 12);
        Fixtures.flipByte(dir.resolve(GenerationFloor.FILE), 28 + 12); // both copies
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            assertThat(publish(store, 2).generation()).isEqualTo(Generation.of(2));
        }
        Files.delete(dir.resolve(FilePlanStore.LOG_FILE));
        Fixtures.flipByte(dir.resolve(GenerationFloor.FILE), 12);
        Fixtures.flipByte(dir.resolve(GenerationFloor.FILE), 28 + 12);
        assertThatThrownBy(() -> FilePlanStore.open(dir)).isInstanceOf(LogCorruptException.class)
                .hasMessageContaining(GenerationFloor.FILE).hasMessageContaining("What to do");
    }
}
