package io.waymark.adapters.record;

import static io.waymark.adapters.Fixtures.endpoint;
import static io.waymark.adapters.Fixtures.records;
import static io.waymark.adapters.Fixtures.stamp;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.adapters.ChildProcess;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.StampedRecords;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 a real child process in the middle of a stream of applies; acknowledged ⇒ durable ⇒ served after restart. */
class RecordStoreKillTest {
    @TempDir Path dir;

    @RepeatedTest(3)
    void everyAcknowledgedBatchSurvivesSigkillAndNoBatchIsHalfApplied() throws Exception {
        Path data = dir.resolve("data");
        long lastAck;
        String diagnostics;
        try (ChildProcess child = new ChildProcess(RecordStoreCrashChild.class, dir, data.toString())) {
            child.awaitAcks(40, 120);
            lastAck = child.killAndLastAck();
            diagnostics = child.diagnostics();
        }
        assertThat(lastAck).isGreaterThanOrEqualTo(40);

        RecordingSink sink = new RecordingSink();
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(data, sink)) {
            Map<Endpoint, StampedRecords> actual = new HashMap<>();
            for (Endpoint e : store.endpoints()) actual.put(e, store.read(e));
            // The batch in flight at the kill may or may not have become durable, but only as a whole.
            Map<Endpoint, StampedRecords> acknowledged = RecordCrashWorkload.stateAfter(lastAck);
            Map<Endpoint, StampedRecords> withInFlight = RecordCrashWorkload.stateAfter(lastAck + 1);
            assertThat(actual).as("state after kill at ack %d; %s", lastAck, diagnostics).isIn(acknowledged, withInFlight);
            System.out.println("killed after ack " + lastAck + "; in-flight batch durable: " + actual.equals(withInFlight));
            // Every stamp sits beside exactly the records of its generation (I3), and DNS serves them.
            Map<Endpoint, RecordSet> servedExpected = new HashMap<>();
            actual.forEach((e, s) -> {
                assertThat(s.records()).contains(records(e, s.stamp().generation().value()));
                servedExpected.put(e, s.records().orElseThrow());
            });
            assertThat(sink.served()).isEqualTo(servedExpected);
            assertThat(sink.publishes.get()).isEqualTo(1);

            // The store takes further applies.
            Endpoint e = endpoint(0);
            long next = lastAck + 10;
            assertThat(store.applyIfNewer(e, store.read(e).stamp(), stamp(next), records(e, next))).isEqualTo(ApplyOutcome.APPLIED);
        }
    }

    @RepeatedTest(2)
    void concurrentWritersSharingCommitsLoseNoAcknowledgedBatch() throws Exception {
        Path data = dir.resolve("data");
        List<String> acks;
        String diagnostics;
        try (ChildProcess child = new ChildProcess(ConcurrentCrashChild.class, dir, data.toString())) {
            child.awaitAcks(60, 120);
            acks = child.killAndAcks();
            diagnostics = child.diagnostics();
        }
        long[] last = new long[ConcurrentCrashChild.WRITERS];
        for (String a : acks) {
            String[] parts = a.split(" ");
            int w = Integer.parseInt(parts[0]);
            long b = Long.parseLong(parts[1]);
            assertThat(b).as("writer %d acks in order; %s", w, diagnostics).isEqualTo(last[w] + 1);
            last[w] = b;
        }
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(data, ServingSink.NONE)) {
            for (int w = 0; w < ConcurrentCrashChild.WRITERS; w++) {
                int offset = ConcurrentCrashChild.offset(w);
                Map<Endpoint, StampedRecords> actual = new HashMap<>();
                for (Endpoint e : store.endpoints()) {
                    int n = Integer.parseInt(e.name().substring(1, e.name().indexOf('.')));
                    if (n >= offset && n < offset + RecordCrashWorkload.ENDPOINTS) actual.put(e, store.read(e));
                }
                assertThat(actual).as("writer %d killed after ack %d; %s", w, last[w], diagnostics)
                        .isIn(RecordCrashWorkload.stateAfter(last[w], offset), RecordCrashWorkload.stateAfter(last[w] + 1, offset));
            }
            System.out.println("concurrent writers killed after acks " + java.util.Arrays.toString(last));
        }
    }
}
