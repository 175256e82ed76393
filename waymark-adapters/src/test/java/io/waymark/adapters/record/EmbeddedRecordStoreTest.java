package io.waymark.adapters.record;

import static io.waymark.adapters.Fixtures.endpoint;
import static io.waymark.adapters.Fixtures.records;
import static io.waymark.adapters.Fixtures.stamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.LogCapture;
import io.waymark.adapters.log.AppendLog;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.StampedRecords;
import io.waymark.core.port.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRecordStoreTest {
    @TempDir Path dir;

    private static StampedRecords stamped(Endpoint e, long g) {
        return new StampedRecords(stamp(g), Optional.of(records(e, g)));
    }

    @Test
    void compareAndSetFollowsThePortContract() throws IOException {
        Endpoint e = endpoint(1);
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE)) {
            assertThat(store.read(e)).isEqualTo(StampedRecords.ABSENT);
            assertThat(store.applyIfNewer(e, Stamp.NONE, stamp(2), records(e, 2))).isEqualTo(ApplyOutcome.APPLIED);
            assertThat(store.read(e)).isEqualTo(stamped(e, 2));
            // Same or older generation: superseded, whatever the expected stamp says.
            assertThat(store.applyIfNewer(e, stamp(2), stamp(2), records(e, 2))).isEqualTo(ApplyOutcome.SUPERSEDED);
            assertThat(store.applyIfNewer(e, Stamp.NONE, stamp(1), records(e, 1))).isEqualTo(ApplyOutcome.SUPERSEDED);
            // Newer but the stamp moved since it was read: conflict, nothing written.
            assertThat(store.applyIfNewer(e, Stamp.NONE, stamp(3), records(e, 3))).isEqualTo(ApplyOutcome.CONFLICT);
            assertThat(store.read(e)).isEqualTo(stamped(e, 2));
            assertThat(store.applyIfNewer(e, stamp(2), stamp(3), records(e, 3))).isEqualTo(ApplyOutcome.APPLIED);
            assertThat(store.endpoints()).containsExactly(e);
        }
    }

    @Test
    void emptyRecordSetsAreRefusedAndNothingIsWritten() throws IOException {
        RecordingSink sink = new RecordingSink();
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, sink)) {
            long size = store.logSizeBytes();
            assertThatThrownBy(() -> store.applyIfNewer(endpoint(1), Stamp.NONE, stamp(1), null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new RecordSet(List.of(), 30)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.applyAllIfNewer(java.util.Arrays.asList(new ConditionalApply(endpoint(2), Stamp.NONE, stamp(1), records(endpoint(2), 1)), null)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.logSizeBytes()).isEqualTo(size);
            assertThat(store.endpoints()).isEmpty();
            assertThat(sink.publishes.get()).isEqualTo(1); // only the full state at open
        }
    }

    @Test
    void reopenRestoresAcknowledgedStateAndPublishesItOnce() throws IOException {
        Map<Endpoint, StampedRecords> expected = new HashMap<>();
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE)) {
            for (long g = 1; g <= 5; g++) {
                List<ConditionalApply> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    if ((i + g) % 3 == 0) continue;
                    Endpoint e = endpoint(i);
                    batch.add(new ConditionalApply(e, store.read(e).stamp(), stamp(g), records(e, g)));
                    expected.put(e, stamped(e, g));
                }
                assertThat(store.applyAllIfNewer(batch)).containsOnly(ApplyOutcome.APPLIED);
            }
        }
        RecordingSink sink = new RecordingSink();
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, sink)) {
            for (Map.Entry<Endpoint, StampedRecords> x : expected.entrySet()) assertThat(store.read(x.getKey())).isEqualTo(x.getValue());
            assertThat(store.endpoints()).isEqualTo(expected.keySet());
            assertThat(sink.publishes.get()).isEqualTo(1);
            Map<Endpoint, RecordSet> servedExpected = new HashMap<>();
            expected.forEach((e, s) -> servedExpected.put(e, s.records().orElseThrow()));
            assertThat(sink.served()).isEqualTo(servedExpected);
        }
    }

    /** What one commit hands a sink, per call: the endpoints with their stamps. */
    private static final class StampLog implements ServingSink {
        private final boolean servesStamps;
        final List<Map<Endpoint, StampedRecords>> calls = new ArrayList<>();

        StampLog(boolean servesStamps) {
            this.servesStamps = servesStamps;
        }

        @Override
        public void publish(Map<Endpoint, RecordSet> changed) {
            throw new AssertionError("the store hands over stamped changes");
        }

        @Override
        public synchronized void publishStamped(Map<Endpoint, StampedRecords> changed, java.util.Set<Endpoint> removed) {
            calls.add(Map.copyOf(changed));
        }

        @Override
        public boolean servesStamps() {
            return servesStamps;
        }
    }

    /**
     * A plan restamps every endpoint; a sink that answers no stamps is handed only the endpoints whose
     * records changed (the others answer exactly what they did), one that answers stamps gets them all.
     */
    @Test
    void aSinkWithoutStampsIsHandedOnlyChangedRecords() throws IOException {
        Endpoint a = endpoint(1), b = endpoint(2), c = endpoint(3);
        RecordSet ra = records(a, 1), rb = records(b, 1), rc = records(c, 1);
        for (boolean servesStamps : new boolean[] {false, true}) {
            Path d = dir.resolve("stamps-" + servesStamps);
            StampLog sink = new StampLog(servesStamps);
            try (EmbeddedRecordStore store = EmbeddedRecordStore.open(d, sink)) {
                store.applyAllIfNewer(List.of(new ConditionalApply(a, Stamp.NONE, stamp(1), ra), new ConditionalApply(b, Stamp.NONE, stamp(1), rb)));
                RecordSet rb2 = records(b, 2);
                // Generation 2: a restamped with equal (not identical) records, b changed, c new.
                assertThat(store.applyAllIfNewer(List.of(new ConditionalApply(a, stamp(1), stamp(2), new RecordSet(ra.addresses(), ra.ttlSeconds())),
                        new ConditionalApply(b, stamp(1), stamp(2), rb2), new ConditionalApply(c, Stamp.NONE, stamp(2), rc)))).containsOnly(ApplyOutcome.APPLIED);
                assertThat(sink.calls).hasSize(3); // open, generation 1, generation 2
                Map<Endpoint, StampedRecords> second = sink.calls.get(2);
                if (servesStamps) assertThat(second).containsOnlyKeys(a, b, c);
                else assertThat(second).containsOnlyKeys(b, c);
                assertThat(second.get(b)).isEqualTo(new StampedRecords(stamp(2), Optional.of(rb2)));
                // The store itself holds every new stamp either way.
                assertThat(store.read(a)).isEqualTo(new StampedRecords(stamp(2), Optional.of(ra)));
            }
        }
    }

    @Test
    void hundredThousandEndpointsInFewBatchesShareOneFsyncAndOnePublishPerBatch() throws IOException {
        int n = 100_000;
        RecordSet[] shapes = new RecordSet[97]; // a few distinct record sets: building 100k is not what is tested
        for (int i = 0; i < shapes.length; i++) shapes[i] = records(endpoint(i), 7);
        RecordingSink sink = new RecordingSink();
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, sink)) {
            for (int batch = 0; batch < 4; batch++) {
                List<ConditionalApply> applies = new ArrayList<>(n / 4);
                for (int i = batch * n / 4; i < (batch + 1) * n / 4; i++) applies.add(new ConditionalApply(endpoint(i), Stamp.NONE, stamp(7), shapes[i % shapes.length]));
                assertThat(store.applyAllIfNewer(applies)).hasSize(n / 4).containsOnly(ApplyOutcome.APPLIED);
            }
            assertThat(sink.publishes.get()).isEqualTo(1 + 4);
            assertThat(sink.served()).hasSize(n);
        }
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE)) {
            assertThat(store.endpoints()).hasSize(n);
            for (int i = 0; i < n; i += 997) assertThat(store.read(endpoint(i))).isEqualTo(new StampedRecords(stamp(7), Optional.of(shapes[i % shapes.length])));
        }
    }

    @Test
    void concurrentEnactorsStayLinearizable() throws Exception {
        int endpoints = 50;
        int threads = 6;
        int rounds = 60;
        RecordingSink sink = new RecordingSink();
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, sink); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Integer>> applied = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                applied.add(pool.submit(() -> {
                    int mine = 0;
                    for (long g = 1; g <= rounds; g++) {
                        List<ConditionalApply> batch = new ArrayList<>();
                        for (int i = 0; i < endpoints; i++) batch.add(new ConditionalApply(endpoint(i), store.read(endpoint(i)).stamp(), stamp(g), records(endpoint(i), g)));
                        for (ApplyOutcome o : store.applyAllIfNewer(batch)) if (o == ApplyOutcome.APPLIED) mine++;
                    }
                    return mine;
                }));
            }
            int total = 0;
            for (Future<Integer> f : applied) total += f.get();
            // Each (endpoint, generation) can be applied by exactly one thread: the CAS admits one winner.
            assertThat(total).isBetween(endpoints, endpoints * rounds);
            for (int i = 0; i < endpoints; i++) assertThat(store.read(endpoint(i))).isEqualTo(stamped(endpoint(i), rounds));
            for (int i = 0; i < endpoints; i++) assertThat(sink.served().get(endpoint(i))).isEqualTo(records(endpoint(i), rounds));
        }
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE)) {
            for (int i = 0; i < endpoints; i++) assertThat(store.read(endpoint(i))).isEqualTo(stamped(endpoint(i), rounds));
        }
    }

    @Test
    void callersArrivingDuringACommitShareTheNextOne() throws Exception {
        java.util.concurrent.CountDownLatch firstCommitEntered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch releaseFirstCommit = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger publishes = new java.util.concurrent.atomic.AtomicInteger();
        ServingSink slow = changed -> {
            if (publishes.incrementAndGet() == 2) { // the first commit after open
                firstCommitEntered.countDown();
                try {
                    releaseFirstCommit.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        int followers = 5;
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, slow); ExecutorService pool = Executors.newFixedThreadPool(followers + 1)) {
            Future<ApplyOutcome> first = pool.submit(() -> store.applyIfNewer(endpoint(0), Stamp.NONE, stamp(1), records(endpoint(0), 1)));
            firstCommitEntered.await();
            List<Future<ApplyOutcome>> rest = new ArrayList<>();
            for (int t = 1; t <= followers; t++) {
                Endpoint e = endpoint(t);
                rest.add(pool.submit(() -> store.applyIfNewer(e, Stamp.NONE, stamp(1), records(e, 1))));
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> store.queuedGroups() == followers);
            releaseFirstCommit.countDown();
            assertThat(first.get()).isEqualTo(ApplyOutcome.APPLIED);
            for (Future<ApplyOutcome> f : rest) assertThat(f.get()).isEqualTo(ApplyOutcome.APPLIED);
            // open + the first commit + ONE shared commit for all followers
            assertThat(publishes.get()).isEqualTo(3);
            for (int t = 0; t <= followers; t++) assertThat(store.read(endpoint(t))).isEqualTo(stamped(endpoint(t), 1));
        }
    }

    @Test
    void eachGenerationIsAppliedOncePerEndpointUnderContention() throws Exception {
        Endpoint e = endpoint(0);
        int threads = 4;
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (long g = 1; g <= 40; g++) {
                long gen = g;
                Stamp before = store.read(e).stamp();
                List<Future<ApplyOutcome>> outcomes = new ArrayList<>();
                for (int t = 0; t < threads; t++) outcomes.add(pool.submit(() -> store.applyIfNewer(e, before, stamp(gen), records(e, gen))));
                int winners = 0;
                for (Future<ApplyOutcome> f : outcomes) if (f.get() == ApplyOutcome.APPLIED) winners++;
                assertThat(winners).isEqualTo(1);
            }
        }
    }

    @Test
    void tornTailIsCutWithALogLineAndTheStoreAcceptsWritesAfter() throws IOException {
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE)) {
            for (long g = 1; g <= 3; g++) store.applyIfNewer(endpoint(1), store.read(endpoint(1)).stamp(), stamp(g), records(endpoint(1), g));
        }
        Path file = dir.resolve(EmbeddedRecordStore.LOG_FILE);
        io.waymark.adapters.log.LogFiles.tearLastBatch(file); // what a crash while applying g3 can leave
        try (LogCapture logs = new LogCapture(AppendLog.class); EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE)) {
            assertThat(logs.messages()).anySatisfy(m -> assertThat(m).startsWith("WARN").contains("after 2 good entries"));
            assertThat(store.read(endpoint(1))).isEqualTo(stamped(endpoint(1), 2));
            assertThat(store.applyIfNewer(endpoint(1), stamp(2), stamp(4), records(endpoint(1), 4))).isEqualTo(ApplyOutcome.APPLIED);
        }
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE)) {
            assertThat(store.read(endpoint(1))).isEqualTo(stamped(endpoint(1), 4));
        }
    }

    /** Defect 4 (issue 7): one flipped byte early in records.log dropped every later acknowledged apply. */
    @Test
    void aFlippedByteEarlyInTheRecordLogRefusesToOpenAndChangesNothing() throws IOException {
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE)) {
            for (int i = 0; i < 5; i++) store.applyIfNewer(endpoint(i), Stamp.NONE, stamp(1), records(endpoint(i), 1));
        }
        Path file = dir.resolve(EmbeddedRecordStore.LOG_FILE);
        io.waymark.adapters.Fixtures.flipByte(file, io.waymark.adapters.log.LogFiles.physical(30)); // inside the first apply
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> EmbeddedRecordStore.open(dir, ServingSink.NONE))
                .isInstanceOf(io.waymark.adapters.log.LogCorruptException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("What to do");
        assertThat(Files.readAllBytes(file)).as("acknowledged applies are never truncated").isEqualTo(before);
    }

    @Test
    void compactionKeepsOnlyTheLiveState() throws IOException {
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE, 4096)) {
            for (long g = 1; g <= 200; g++) {
                List<ConditionalApply> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) batch.add(new ConditionalApply(endpoint(i), store.read(endpoint(i)).stamp(), stamp(g), records(endpoint(i), g)));
                store.applyAllIfNewer(batch);
            }
            assertThat(store.logSizeBytes()).isLessThan(3 * 10 * 120 + 4096 + 10_000);
        }
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE)) {
            for (int i = 0; i < 10; i++) assertThat(store.read(endpoint(i))).isEqualTo(stamped(endpoint(i), 200));
        }
    }

    @Test
    void closedStoreRefusesWork() throws IOException {
        EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, ServingSink.NONE);
        store.close();
        assertThatThrownBy(() -> store.read(endpoint(1))).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.applyIfNewer(endpoint(1), Stamp.NONE, stamp(1), records(endpoint(1), 1))).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void aSinkThatFailsPoisonsTheStoreUntilReopened() throws IOException {
        ServingSink failing = new ServingSink() {
            int calls;

            @Override
            public void publish(Map<Endpoint, RecordSet> changed) {
                if (calls++ > 0) throw new IllegalStateException("server refused the snapshot");
            }
        };
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, failing)) {
            assertThatThrownBy(() -> store.applyIfNewer(endpoint(1), Stamp.NONE, stamp(1), records(endpoint(1), 1))).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.read(endpoint(1))).isInstanceOf(StoreUnavailableException.class);
        }
        // The write was durable before the sink failed: reopening serves it.
        RecordingSink sink = new RecordingSink();
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(dir, sink)) {
            assertThat(store.read(endpoint(1))).isEqualTo(stamped(endpoint(1), 1));
            assertThat(sink.served()).containsEntry(endpoint(1), records(endpoint(1), 1));
        }
    }
}
