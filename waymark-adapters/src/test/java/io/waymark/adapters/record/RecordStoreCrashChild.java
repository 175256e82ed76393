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

/** Child JVM for the kill -9 test: applies batches forever (bounded) and acknowledges b after each returns. */
public final class RecordStoreCrashChild {
    private static final long BATCHES_MAX = 1_000_000;

    public static void main(String[] args) throws Exception {
        ChildProcess.Acks out = ChildProcess.Acks.open();
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(Path.of(args[0]), ServingSink.NONE)) {
            for (long b = 1; b <= BATCHES_MAX; b++) {
                List<ConditionalApply> applies = new ArrayList<>();
                for (Endpoint e : RecordCrashWorkload.batch(b)) applies.add(new ConditionalApply(e, store.read(e).stamp(), stamp(b), records(e, b)));
                for (ApplyOutcome o : store.applyAllIfNewer(applies)) {
                    if (o != ApplyOutcome.APPLIED) throw new IllegalStateException("single writer got " + o + " in batch " + b);
                }
                out.ack(Long.toString(b)); // only after applyAllIfNewer returned: the batch is acknowledged
            }
        }
    }
}
