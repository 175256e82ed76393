package io.waymark.adapters.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.Fixtures;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.port.PublishOutcome;
import io.waymark.core.port.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retained plans live on disk, not in heap (issue 7, defect 9): read back exactly, also across compactions. */
class PlansOnDiskTest {
    @TempDir Path dir;

    @Test
    void olderPlansAreReadBackFromTheLogExactlyAsPublished() throws IOException {
        List<Plan> published = new ArrayList<>();
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            for (long g = 1; g <= 5; g++) published.add(((PublishOutcome.Published) store.publish(Generation.of(g - 1), PlanWorkload.draft(g))).plan());
            for (Plan p : published) assertThat(store.read(p.generation())).contains(p);
            assertThat(store.latest()).contains(published.get(4));
        }
    }

    @Test
    void readersRacingCompactionsAlwaysGetTheRightPlan() throws Exception {
        Map<Generation, Plan> published = new ConcurrentHashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        try (FilePlanStore store = FilePlanStore.open(dir, 1); ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Plan first = ((PublishOutcome.Published) store.publish(Generation.ZERO, BigPlans.draft(1))).plan();
            published.put(first.generation(), first);
            List<Future<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                readers.add(pool.submit(() -> {
                    int reads = 0;
                    while (!done.get() && reads < 100_000) { // bounded
                        for (Generation g : store.history()) {
                            // The writer records a plan only after publish returns, so a reader can see it
                            // in the history first; that plan is still checked, by generation, and in full
                            // by the loop after the writer is done.
                            Plan expected = published.get(g);
                            store.read(g).ifPresent(p -> {
                                assertThat(p.generation()).isEqualTo(g);
                                if (expected != null) assertThat(p).isEqualTo(expected);
                            });
                            reads++;
                        }
                    }
                    return reads;
                }));
            }
            // Every delete past the first compacts (threshold 1 byte): offsets move under the readers.
            for (long g = 2; g <= 40; g++) {
                Plan p = ((PublishOutcome.Published) store.publish(Generation.of(g - 1), BigPlans.draft(g))).plan();
                published.put(p.generation(), p);
                if (g > 3) store.delete(Generation.of(g - 3));
            }
            done.set(true);
            for (Future<Integer> r : readers) assertThat(r.get()).isPositive();
            assertThat(store.history()).containsExactly(Generation.of(38), Generation.of(39), Generation.of(40));
            for (Generation g : store.history()) assertThat(store.read(g)).contains(published.get(g));
        }
    }

    @Test
    void anInterruptedReaderDoesNotCloseTheWritersFile() throws IOException {
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            store.publish(Generation.ZERO, PlanWorkload.draft(1));
            store.publish(Generation.of(1), PlanWorkload.draft(2));
            Thread.currentThread().interrupt(); // as an HTTP request that timed out
            try {
                store.read(Generation.of(1));
            } catch (StoreUnavailableException expected) {
                // the interrupted read may fail; it must not take the store down with it
            } finally {
                Thread.interrupted();
            }
            assertThat(store.publish(Generation.of(2), PlanWorkload.draft(3))).isInstanceOf(PublishOutcome.Published.class);
            assertThat(store.read(Generation.of(1))).isPresent();
        }
    }

    @Test
    void aRetainedPlanThatRotsAfterOpenIsReportedAndTheLatestIsUnaffected() throws IOException {
        long secondEnds;
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            store.publish(Generation.ZERO, PlanWorkload.draft(1));
            store.publish(Generation.of(1), PlanWorkload.draft(2));
            secondEnds = store.logSizeBytes();
            store.publish(Generation.of(2), PlanWorkload.draft(3));
        }
        try (FilePlanStore store = FilePlanStore.open(dir)) {
            Fixtures.flipByte(dir.resolve(FilePlanStore.LOG_FILE), io.waymark.adapters.log.LogFiles.physical(secondEnds - 5)); // inside g2's sectors
            assertThatThrownBy(() -> store.read(Generation.of(2))).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("plan g2").hasMessageContaining("offset");
            assertThat(store.latest().orElseThrow().generation()).isEqualTo(Generation.of(3));
            assertThat(store.read(Generation.of(1))).isPresent();
        }
    }
}
