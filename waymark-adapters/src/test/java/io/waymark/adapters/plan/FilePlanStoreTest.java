package io.waymark.adapters.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.Fixtures;
import io.waymark.adapters.LogCapture;
import io.waymark.adapters.log.AppendLog;
import io.waymark.adapters.log.LogFiles;
import io.waymark.adapters.log.LogCorruptException;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePlanStoreTest {
    @TempDir Path dir;

    @Test
    void publishIsACompareAndSetOnTheLatestGeneration() throws IOException {
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            assertThat(store.latest()).isEmpty();
            PublishOutcome first = store.publish(Generation.ZERO, PlanWorkload.draft(1));
            assertThat(first).isInstanceOf(PublishOutcome.Published.class);
            Plan p1 = ((PublishOutcome.Published) first).plan();
            assertThat(p1.generation()).isEqualTo(Generation.of(1));
            assertThat(p1.verifyHash()).isTrue();
            assertThat(store.publish(Generation.ZERO, PlanWorkload.draft(2))).isEqualTo(new PublishOutcome.Conflict(Generation.of(1)));
            assertThat(store.publish(Generation.of(1), PlanWorkload.draft(2))).isInstanceOf(PublishOutcome.Published.class);
            assertThat(store.latest().orElseThrow().generation()).isEqualTo(Generation.of(2));
            assertThat(store.read(Generation.of(1))).contains(p1);
            assertThat(store.history()).containsExactly(Generation.of(1), Generation.of(2));
        }
    }

    @Test
    void deleteRefusesTheLatestAndIsIdempotent() throws IOException {
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            store.publish(Generation.ZERO, PlanWorkload.draft(1));
            store.publish(Generation.of(1), PlanWorkload.draft(2));
            assertThatThrownBy(() -> store.delete(Generation.of(2))).isInstanceOf(IllegalArgumentException.class);
            assertThat(store.delete(Generation.of(1))).isTrue();
            assertThat(store.delete(Generation.of(1))).isFalse();
            assertThat(store.delete(Generation.of(9))).isFalse();
            assertThat(store.read(Generation.of(1))).isEmpty();
        }
    }

    @Test
    void reopenRestoresExactlyTheAcknowledgedState() throws IOException {
        List<Plan> published = new ArrayList<>();
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            for (long g = 1; g <= 6; g++) published.add(((PublishOutcome.Published) store.publish(Generation.of(g - 1), PlanWorkload.draft(g))).plan());
            store.delete(Generation.of(2));
            store.delete(Generation.of(4));
            store.updateFlags(store.flags(), new ControlFlags(true, false));
            store.updateFlags(store.flags(), new ControlFlags(true, true));
        }
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            assertThat(store.history()).containsExactly(Generation.of(1), Generation.of(3), Generation.of(5), Generation.of(6));
            for (Generation g : store.history()) assertThat(store.read(g)).contains(published.get((int) g.value() - 1));
            assertThat(store.latest()).contains(published.get(5));
            assertThat(store.latest().orElseThrow().forced()).isFalse();
            assertThat(store.read(Generation.of(5)).orElseThrow().forced()).isTrue();
            assertThat(store.flags()).isEqualTo(new ControlFlags(true, true));
            assertThat(store.publish(Generation.of(6), PlanWorkload.draft(7))).isInstanceOf(PublishOutcome.Published.class);
        }
    }

    @Test
    void concurrentPublishersNeverBothWinTheSameGeneration() throws Exception {
        int threads = 4;
        try (FilePlanStore store = FilePlanStore.open(dir); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Integer>> wins = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                wins.add(pool.submit(() -> {
                    int won = 0;
                    for (int i = 0; i < 25; i++) {
                        Generation seen = store.latest().map(Plan::generation).orElse(Generation.ZERO);
                        if (store.publish(seen, PlanWorkload.draft(seen.value() + 1)) instanceof PublishOutcome.Published) won++;
                    }
                    return won;
                }));
            }
            int total = 0;
            for (Future<Integer> f : wins) total += f.get();
            assertThat(store.latest().orElseThrow().generation()).isEqualTo(Generation.of(total));
            assertThat(store.history()).hasSize(total);
        }
    }

    /** Defect 3 (issue 7): one flipped byte in the middle of plans.log rewound the store to g1 and lost the pause. */
    @Test
    void aFlippedByteInTheMiddleOfThePlanLogRefusesToOpenAndChangesNothing() throws IOException {
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            for (long g = 1; g <= 6; g++) store.publish(Generation.of(g - 1), PlanWorkload.draft(g));
            store.updateFlags(ControlFlags.NONE, new ControlFlags(true, false));
        }
        Path file = dir.resolve(FilePlanStore.LOG_FILE);
        long at = LogFiles.dataEnd(file) / 3; // inside g2's entry
        Fixtures.flipByte(file, at);
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> FilePlanStore.open(dir))
                .isInstanceOf(LogCorruptException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("offset ")
                .hasMessageContaining("What to do");
        assertThat(Files.readAllBytes(file)).as("acknowledged plans are never truncated").isEqualTo(before);
    }

    @Test
    void aFlippedByteInTheLastPlanRefusesToOpen() throws IOException {
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            for (long g = 1; g <= 3; g++) store.publish(Generation.of(g - 1), PlanWorkload.draft(g));
        }
        Path file = dir.resolve(FilePlanStore.LOG_FILE);
        Fixtures.flipByte(file, LogFiles.dataEnd(file) - 10); // inside the last plan's JSON
        assertThatThrownBy(() -> FilePlanStore.open(dir)).isInstanceOf(LogCorruptException.class).hasMessageContaining("fails its checksum");
    }

    @Test
    void tornTailIsCut() throws IOException {
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            for (long g = 1; g <= 3; g++) store.publish(Generation.of(g - 1), PlanWorkload.draft(g));
        }
        Path file = dir.resolve(FilePlanStore.LOG_FILE);
        LogFiles.tearLastBatch(file); // what a crash while appending g3 can leave
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            assertThat(store.history()).containsExactly(Generation.of(1), Generation.of(2));
        }
    }

    @Test
    void compactionDropsDeletedPlansAndKeepsTheRest() throws IOException {
        long planBytes;
        try (FilePlanStore store = FilePlanStore.open(dir, 64 << 10)) {
            store.publish(Generation.ZERO, BigPlans.draft(1));
            planBytes = store.logSizeBytes();
            for (long g = 2; g <= 60; g++) {
                store.publish(Generation.of(g - 1), BigPlans.draft(g));
                if (g > 3) store.delete(Generation.of(g - 3));
            }
            store.updateFlags(store.flags(), new ControlFlags(false, true));
            // Without compaction the log would hold all 60 plans.
            assertThat(store.logSizeBytes()).isLessThan(20 * planBytes);
        }
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            assertThat(store.history()).containsExactly(Generation.of(58), Generation.of(59), Generation.of(60));
            assertThat(store.read(Generation.of(58)).orElseThrow().draft()).isEqualTo(BigPlans.draft(58));
            assertThat(store.flags()).isEqualTo(new ControlFlags(false, true));
            assertThat(store.publish(Generation.of(60), BigPlans.draft(61))).isInstanceOf(PublishOutcome.Published.class);
        }
    }

    @Test
    void aPlanWhoseContentDoesNotMatchItsHashIsKeptButFlagged() throws IOException {
        // Write a publish entry by hand whose hash names other content (a bug or tampering at rest):
        // the CRC is fine, the plan hash is not.
        PlanCodec codec = new PlanCodec();
        Plan honest = Plan.publish(Generation.of(1), PlanWorkload.draft(1));
        Plan lying = new Plan(Generation.of(1), PlanWorkload.draft(2).hash(), honest.draft());
        try (AppendLog log = AppendLog.open(dir.resolve(FilePlanStore.LOG_FILE), 1 << 20, b -> {})) {
            log.append(List.of(codec.publish(lying)));
        }
        try (LogCapture logs = new LogCapture(FilePlanStore.class); FilePlanStore store = FilePlanStore.open(dir)) {
            assertThat(logs.messages()).anySatisfy(m -> assertThat(m).startsWith("WARN").contains("g1 does not match its stored hash"));
            Plan loaded = store.latest().orElseThrow();
            assertThat(loaded.verifyHash()).as("enactors will refuse it").isFalse();
            assertThat(loaded.hash()).isEqualTo(lying.hash());
            // The planner can still supersede it.
            assertThat(store.publish(Generation.of(1), PlanWorkload.draft(3))).isInstanceOf(PublishOutcome.Published.class);
        }
    }

    @Test
    void closedStoreRefusesWork() throws IOException {
        FilePlanStore store = FilePlanStore.open(dir);
        store.close();
        assertThatThrownBy(store::latest).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.publish(Generation.ZERO, PlanWorkload.draft(1))).isInstanceOf(StoreUnavailableException.class);
    }
}
