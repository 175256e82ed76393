package io.waymark.adapters.record;

import static io.waymark.adapters.Fixtures.records;
import static io.waymark.adapters.Fixtures.stamp;

import io.waymark.adapters.ChildProcess;
import io.waymark.core.model.Endpoint;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVM for the concurrent kill -9 test: several writer threads (like enactors) apply batches to
 * disjoint endpoint ranges through one store, so their commits share fsyncs; each acknowledges
 * "writer batch" after its applyAllIfNewer returns.
 */
public final class ConcurrentCrashChild {
    static final int WRITERS = 3;
    private static final long BATCHES_MAX = 1_000_000;

    public static void main(String[] args) throws Exception {
        ChildProcess.Acks out = ChildProcess.Acks.open();
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(Path.of(args[0]), ServingSink.NONE)) {
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(Thread.ofPlatform().name("writer-" + w).start(() -> {
                    for (long b = 1; b <= BATCHES_MAX; b++) {
                        List<ConditionalApply> applies = new ArrayList<>();
                        for (Endpoint e : RecordCrashWorkload.batch(b, offset(writer))) applies.add(new ConditionalApply(e, store.read(e).stamp(), stamp(b), records(e, b)));
                        for (ApplyOutcome o : store.applyAllIfNewer(applies)) {
                            if (o != ApplyOutcome.APPLIED) throw new IllegalStateException("writer " + writer + " got " + o + " in batch " + b);
                        }
                        out.ack(writer + " " + b); // one whole line per ack, whichever writer
                    }
                }));
            }
            for (Thread t : writers) t.join();
        }
    }

    static int offset(int writer) {
        return writer * RecordCrashWorkload.ENDPOINTS;
    }
}
