package io.waymark.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.RecordStore;
import io.waymark.core.port.StampedRecords;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The random runs can fail: with a record store whose write is not conditional, they catch I2. */
class BrokenStoreTest {
    /** The pre-2025 write: the freshness check happened earlier, the write itself is unconditional. */
    private record UnconditionalStore(SimRecordStore inner) implements RecordStore {
        @Override
        public StampedRecords read(Endpoint endpoint) {
            return inner.read(endpoint);
        }

        @Override
        public ApplyOutcome applyIfNewer(Endpoint endpoint, Stamp expected, Stamp next, RecordSet records) {
            inner.latency().call("unconditional write " + endpoint);
            inner.memory().overwriteForFaultInjection(endpoint, new StampedRecords(next, Optional.of(records)));
            return ApplyOutcome.APPLIED;
        }

        @Override
        public Set<Endpoint> endpoints() {
            return inner.endpoints();
        }
    }

    @Test
    void anUnconditionalWriteIsCaughtWithinAFewSeeds() {
        long firstViolating = -1;
        for (long seed = 1; seed <= 200 && firstViolating < 0; seed++) {
            RandomRun.Result r = RandomRun.run(seed, true, s -> new UnconditionalStore((SimRecordStore) s));
            if (!r.ok()) {
                firstViolating = seed;
                System.out.println("seed " + seed + ": " + r.violations().get(0));
                assertThat(r.violations()).anyMatch(v -> v.contains("I2_MONOTONIC"));
            }
        }
        assertThat(firstViolating).as("some seed in 1..200 violates an invariant").isPositive();
    }
}
