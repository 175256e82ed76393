package io.waymark.bench.controlplane;

import io.waymark.adapters.etcd.Etcd;
import io.waymark.adapters.etcd.EtcdPlanStore;
import io.waymark.adapters.etcd.EtcdSettings;
import io.waymark.adapters.etcd.LocalEtcdCluster;
import io.waymark.core.model.Generation;
import io.waymark.core.port.PublishOutcome;
import io.waymark.server.config.PlanStoreConfig;
import io.waymark.server.config.RecordStoreConfig;
import io.waymark.server.config.WaymarkConfig;
import io.waymark.server.daemon.EtcdDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Issue 9, benchmark: a plan published on etcd changing every one of N endpoints (default 100,000),
 * timed until a DNS role serves the new plan for all of them, with 3 enactor roles. A real 3-member
 * etcd on loopback (Debian's etcd 3.4, fsync on); the roles are {@link EtcdDaemon}s in this JVM, each
 * on its own etcd connection (they share nothing else); the planner is not started: the benchmark
 * publishes. Compare with {@link PlanConvergenceBench} (embedded stores, one process).
 *
 * <p>Usage: EtcdConvergenceBench [endpoints=100000] [rounds=3] [enactorTickMs=100] [endpointsPerTickMax=10000]
 */
public final class EtcdConvergenceBench {
    private static final long TIMEOUT_MS = 600_000;

    private EtcdConvergenceBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long tickMs = args.length > 2 ? Long.parseLong(args[2]) : 100;
        int perTick = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        Path scratch = Files.createTempDirectory("waymark-bench-etcd");
        System.out.printf("etcd plan convergence: %d endpoints, 3 enactor roles (tick %d ms, up to %d endpoints per tick), 1 DNS role, 3-member etcd in %s%n",
                n, tickMs, perTick, scratch);
        List<EtcdDaemon> roles = new ArrayList<>();
        try (LocalEtcdCluster cluster = LocalEtcdCluster.start(scratch.resolve("etcd"), 3);
             Etcd publisher = Etcd.connect(EtcdSettings.plain(cluster.endpoints(), "/bench/").withRequestTimeoutMs(120_000))) {
          try {
            EtcdSettings settings = EtcdSettings.plain(cluster.endpoints(), "/bench/").withRequestTimeoutMs(30_000);
            WaymarkConfig config = BenchFleet.config(scratch.resolve("data"), n, tickMs, perTick)
                    .withStores(new PlanStoreConfig.Etcd(settings), new RecordStoreConfig.Etcd());
            // One enactor per role process, as the deployment runs them (one per zone).
            config = new WaymarkConfig(config.dataDir(), config.dns(), config.http(), config.zones(), config.targets(), config.endpoints(), config.safety(),
                    config.planner(), new WaymarkConfig.EnactorSettings(1, tickMs, perTick), config.planStore(), config.recordStore());
            EtcdDaemon dns = EtcdDaemon.start(config, Set.of(EtcdDaemon.Role.DNS), "dns-1", Optional.empty());
            roles.add(dns);
            for (String az : List.of("az1", "az2", "az3")) roles.add(EtcdDaemon.start(config, Set.of(EtcdDaemon.Role.ENACTOR), "enactor-" + az, Optional.of(az)));
            EtcdPlanStore plans = new EtcdPlanStore(publisher);
            long[] converged = new long[rounds];
            for (int round = 0; round <= rounds; round++) {
                long version = round + 1;
                var draft = BenchFleet.draft(BenchFleet.recordSets(n, version), true);
                long requestsBefore = roles.stream().skip(1).mapToLong(EtcdDaemon::etcdRequests).sum();
                long t0 = System.nanoTime();
                PublishOutcome o = plans.publish(Generation.of(version - 1), draft);
                if (!(o instanceof PublishOutcome.Published p)) throw new IllegalStateException("publish: " + o);
                long published = System.nanoTime();
                long deadline = System.currentTimeMillis() + TIMEOUT_MS;
                int served;
                while ((served = dns.endpointsServedAtLeast(p.plan().generation().value())) < n) {
                    if (System.currentTimeMillis() > deadline) throw new IllegalStateException(served + " of " + n + " served after " + TIMEOUT_MS + " ms");
                    Thread.sleep(20);
                }
                long done = System.nanoTime();
                long requests = roles.stream().skip(1).mapToLong(EtcdDaemon::etcdRequests).sum() - requestsBefore;
                System.out.printf("  %s %-12s publish %7.1f ms, all %d served by DNS after %8.1f ms; enactors' etcd requests %d (%.2f per endpoint)%n",
                        p.plan().generation(), round == 0 ? "initial fill" : "change all", PlanConvergenceBench.ms(published - t0), n,
                        PlanConvergenceBench.ms(done - t0), requests, requests / (double) n);
                if (round > 0) converged[round - 1] = done - t0;
            }
            Arrays.sort(converged);
            System.out.printf("RESULT etcd-plan-convergence endpoints=%d median_ms=%.1f min_ms=%.1f max_ms=%.1f (embedded: median 935 ms)%n",
                    n, PlanConvergenceBench.ms(converged[rounds / 2]), PlanConvergenceBench.ms(converged[0]), PlanConvergenceBench.ms(converged[rounds - 1]));
          } finally {
            for (EtcdDaemon d : roles) d.close(); // before etcd goes away
          }
        } finally {
            PlanConvergenceBench.deleteTree(scratch);
        }
    }
}
