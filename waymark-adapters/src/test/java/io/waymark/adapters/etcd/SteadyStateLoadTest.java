package io.waymark.adapters.etcd;

import static io.waymark.adapters.Fixtures.endpoint;
import static io.waymark.adapters.Fixtures.records;
import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.adapters.record.ServingSink;
import io.waymark.core.enactor.Enactor;
import io.waymark.core.enactor.EnactorConfig;
import io.waymark.core.enactor.TickResult;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The steady-state load an enactor puts on etcd when no plan changes must not grow with the number of
 * endpoints: its per-tick stamp reads come from the watched copy ({@link EtcdRecordStore#readingFrom}),
 * so a tick costs the latest-plan and flags reads only. Counted in gRPC calls, not timed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SteadyStateLoadTest extends SharedEtcdCluster {
    private static final int TICKS = 20;
    /** Requests per steady tick of one enactor over {@code n} endpoints that already serve the latest plan. */
    private static double requestsPerSteadyTick(int n) {
        String prefix = "/steady-" + n + "/";
        try (Etcd publisher = Etcd.connect(EtcdSettings.plain(cluster.endpoints(), prefix).withRequestTimeoutMs(30_000));
                Etcd enactorSide = Etcd.connect(EtcdSettings.plain(cluster.endpoints(), prefix).withRequestTimeoutMs(30_000));
                EtcdRecordFeed feed = new EtcdRecordFeed(enactorSide, ServingSink.NONE)) {
            Map<Endpoint, RecordSet> sets = new TreeMap<>();
            for (int i = 0; i < n; i++) sets.put(endpoint(i), records(endpoint(i), 1));
            new EtcdPlanStore(publisher).publish(Generation.ZERO, PlanDraft.of(sets));
            Enactor enactor = new Enactor("e1", new EtcdPlanStore(enactorSide), new EtcdRecordStore(enactorSide).readingFrom(feed), new SplittableRandom(1),
                    EnactorConfig.DEFAULTS.withChangeThreshold(1.0, 10));
            TickResult first = enactor.tick();
            assertThat(first.applied()).isEqualTo(n);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(1)).until(() -> {
                feed.step(System.nanoTime());
                return feed.status().endpoints() == n && enactor.tick().applied() == 0;
            });
            long before = enactorSide.requests();
            for (int t = 0; t < TICKS; t++) {
                TickResult r = enactor.tick();
                assertThat(r.applied()).isZero();
                assertThat(r.skipped()).isEqualTo(n);
            }
            return (enactorSide.requests() - before) / (double) TICKS;
        }
    }

    @Test
    void requestsPerTickDoNotGrowWithTheNumberOfEndpoints() {
        double small = requestsPerSteadyTick(10);
        double large = requestsPerSteadyTick(3_000);
        System.out.printf("steady-state etcd requests per enactor tick: %.1f with 10 endpoints, %.1f with 3000%n", small, large);
        assertThat(large).isEqualTo(small);
        assertThat(large).isLessThanOrEqualTo(3.0); // latest plan pointer and flags
    }
}
