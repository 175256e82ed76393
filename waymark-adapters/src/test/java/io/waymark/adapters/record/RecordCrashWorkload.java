package io.waymark.adapters.record;

import static io.waymark.adapters.Fixtures.endpoint;
import static io.waymark.adapters.Fixtures.records;
import static io.waymark.adapters.Fixtures.stamp;

import io.waymark.core.model.Endpoint;
import io.waymark.core.port.StampedRecords;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The stream of batches the crash child applies: batch b writes generation b to a pseudo-random
 * subset of endpoints. Deterministic, so the parent can compute what every acknowledged prefix means.
 */
final class RecordCrashWorkload {
    static final int ENDPOINTS = 1000;
    static final int BATCH_ENDPOINTS = 300;

    private RecordCrashWorkload() {}

    static List<Endpoint> batch(long b) {
        return batch(b, 0);
    }

    /** Batch b of the writer whose endpoints start at number {@code offset} (writers do not overlap). */
    static List<Endpoint> batch(long b, int offset) {
        SplittableRandom r = new SplittableRandom(b);
        return IntStream.generate(() -> r.nextInt(ENDPOINTS)).distinct().limit(BATCH_ENDPOINTS).sorted().mapToObj(i -> endpoint(offset + i)).toList();
    }

    /** The state after batches 1..last have all been applied. */
    static Map<Endpoint, StampedRecords> stateAfter(long last) {
        return stateAfter(last, 0);
    }

    static Map<Endpoint, StampedRecords> stateAfter(long last, int offset) {
        Map<Endpoint, StampedRecords> state = new HashMap<>();
        for (long b = 1; b <= last; b++) {
            for (Endpoint e : batch(b, offset)) state.put(e, new StampedRecords(stamp(b), Optional.of(records(e, b))));
        }
        return state;
    }
}
