package io.waymark.adapters.plan;

import io.waymark.adapters.ChildProcess;
import io.waymark.core.model.Generation;
import io.waymark.core.port.PublishOutcome;
import java.nio.file.Path;

/** Child JVM for the kill -9 test: runs plan store steps (publish, delete, flags), acknowledging s after each. */
public final class PlanStoreCrashChild {
    private static final long STEPS_MAX = 1_000_000;

    public static void main(String[] args) throws Exception {
        ChildProcess.Acks out = ChildProcess.Acks.open();
        try (FilePlanStore store = FilePlanStore.open(Path.of(args[0]))) {
            for (long s = 1; s <= STEPS_MAX; s++) {
                PublishOutcome o = store.publish(Generation.of(s - 1), PlanWorkload.draft(s));
                if (!(o instanceof PublishOutcome.Published p) || p.plan().generation().value() != s) throw new IllegalStateException("step " + s + ": " + o);
                Generation d = PlanWorkload.deletedAt(s);
                if (d != null && !store.delete(d)) throw new IllegalStateException("step " + s + ": nothing to delete at " + d);
                store.updateFlags(store.flags(), PlanWorkload.flags(s));
                out.ack(Long.toString(s));
            }
        }
    }
}
