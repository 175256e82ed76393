package io.waymark.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.waymark.adapters.etcd.LocalEtcdCluster;
import io.waymark.server.config.ConfigLoader;
import io.waymark.server.config.WaymarkConfig;
import io.waymark.server.daemon.EtcdDaemon;
import io.waymark.server.daemon.EtcdDaemon.Role;
import io.waymark.server.http.Operations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed mode wired end to end in one JVM (the multi-process test runs the same roles as
 * processes): a real 3-member etcd, two planners, an enactor and a DNS server as separate daemons that
 * share nothing but etcd; answers checked on the wire.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DistributedRolesTest {
    static final String API = "api.example.test.";
    @TempDir
    static Path scratch;
    static LocalEtcdCluster cluster;
    static final List<TcpTarget> targets = new ArrayList<>();
    static int targetPort;

    @BeforeAll
    static void start() throws IOException {
        cluster = LocalEtcdCluster.start(scratch.resolve("etcd"), 3);
        targets.add(new TcpTarget("127.0.0.51", 0));
        targetPort = targets.get(0).port();
        targets.add(new TcpTarget("127.0.0.52", targetPort));
        targets.add(new TcpTarget("127.0.0.53", targetPort));
    }

    @AfterAll
    static void stop() throws IOException {
        for (TcpTarget t : targets) t.close();
        if (cluster != null) cluster.close();
    }

    /** A distributed configuration on the test cluster, under its own key prefix. */
    static Path config(Path dir, String prefix, List<String> etcdEndpoints, int port) throws IOException {
        Files.createDirectories(dir);
        String yaml = """
                dataDir: data
                dns: { port: 0, identity: dns.etcd.example }
                http: { port: 0 }
                planStore: { type: etcd, endpoints: [%s], prefix: %s, requestTimeoutMs: 3000 }
                recordStore: { type: etcd }
                zones: [ { origin: example.test. } ]
                targets:
                  - { id: lb-a, address: 127.0.0.51, zone: az1, check: { type: tcp, port: %d, intervalMs: 500, timeoutMs: 500, rise: 1, fall: 2 } }
                  - { id: lb-b, address: 127.0.0.52, zone: az2, check: { type: tcp, port: %d, intervalMs: 500, timeoutMs: 500, rise: 1, fall: 2 } }
                  - { id: lb-c, address: 127.0.0.53, zone: az3, check: { type: tcp, port: %d, intervalMs: 500, timeoutMs: 500, rise: 1, fall: 2 } }
                endpoints:
                  - { name: %s, ttl: 5, targets: [lb-a, lb-b, lb-c] }
                safety: { minHealthyFraction: 0.3, velocityMaxRemovedFraction: 0.34, velocityWindowMs: 1000, changeThresholdFraction: 0.5 }
                planner: { tickMs: 200 }
                enactors: { count: 1, tickMs: 200 }
                """.formatted(String.join(", ", etcdEndpoints), prefix, port, port, port, API);
        Path file = dir.resolve("waymark.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void rolesInSeparateDaemonsServeThePlanAndAStandbyPlannerTakesOver() throws Exception {
        WaymarkConfig config = ConfigLoader.load(config(scratch.resolve("roles"), "/roles/", cluster.endpoints(), targetPort));
        List<EtcdDaemon> daemons = new ArrayList<>();
        try {
            EtcdDaemon dns = EtcdDaemon.start(config, Set.of(Role.DNS), "dns-1", Optional.of("az1"));
            daemons.add(dns);
            EtcdDaemon enactor = EtcdDaemon.start(config, Set.of(Role.ENACTOR), "enactor-1", Optional.of("az2"));
            daemons.add(enactor);
            EtcdDaemon plannerA = EtcdDaemon.start(config, Set.of(Role.PLANNER), "planner-a", Optional.of("az1"));
            daemons.add(plannerA);
            EtcdDaemon plannerB = EtcdDaemon.start(config, Set.of(Role.PLANNER), "planner-b", Optional.of("az2"));
            daemons.add(plannerB);
            Dns client = new Dns(dns.dnsPort());
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(client.addresses(API)).containsExactlyInAnyOrder("127.0.0.51", "127.0.0.52", "127.0.0.53"));
            assertThat(plannerA.leading() ^ plannerB.leading()).as("exactly one planner leads").isTrue();
            // The dns role serves with the same options as the all-in-one (its own wiring once lost them).
            assertThat(client.chaosText("id.server.")).isEqualTo("dns.etcd.example");
            assertThat(dns.scrapeMetrics()).contains("waymark_dns_replies_total");

            // Status from any process lists every enactor (zone, last tick, lag) and every planner and DNS process.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<Operations.EnactorStatus> enactors = dns.enactors();
                assertThat(enactors).hasSize(1);
                assertThat(enactors.get(0).id()).isEqualTo("enactor-1 (zone az2)");
                assertThat(enactors.get(0).lastResult()).contains("lag 0");
                assertThat(dns.otherRoles()).containsKeys("planner planner-a", "planner planner-b", "dns dns-1");
            });
            // ./waymark status against any process shows them all, as an operator sees them.
            Cli.Result shown = Cli.run("status", "--api", "http://127.0.0.1:" + enactor.httpPort(),
                    "--token-file", scratch.resolve("roles/data/api.token").toString()); // reads need the token too
            assertThat(shown.exitCode()).as("%s", shown).isZero();
            assertThat(shown.out()).contains("enactor-1 (zone az2)", "; lag ", "planner planner-a", "planner planner-b", "dns dns-1", "standby");

            // The leader goes away; the standby takes over and follows health: lb-a fails and leaves the answer.
            EtcdDaemon leader = plannerA.leading() ? plannerA : plannerB;
            EtcdDaemon standby = leader == plannerA ? plannerB : plannerA;
            leader.close();
            await().atMost(Duration.ofSeconds(30)).until(standby::leading);
            targets.get(0).fail();
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(client.addresses(API)).containsExactlyInAnyOrder("127.0.0.52", "127.0.0.53"));
            targets.get(0).recover();
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(client.addresses(API)).containsExactlyInAnyOrder("127.0.0.51", "127.0.0.52", "127.0.0.53"));
            assertThat(dns.scrapeMetrics()).contains("waymark_etcd_reachable 1.0");
        } finally {
            for (EtcdDaemon d : daemons) d.close();
        }
    }

    @Test
    void withQuorumLostDnsKeepsAnsweringWritesStopAndEverythingResumesByItself() throws Exception {
        WaymarkConfig config = ConfigLoader.load(config(scratch.resolve("quorum"), "/quorum/", cluster.endpoints(), targetPort));
        List<EtcdDaemon> daemons = new ArrayList<>();
        try {
            EtcdDaemon dns = EtcdDaemon.start(config, Set.of(Role.DNS), "dns-q", Optional.empty());
            daemons.add(dns);
            daemons.add(EtcdDaemon.start(config, Set.of(Role.ENACTOR), "enactor-q", Optional.empty()));
            daemons.add(EtcdDaemon.start(config, Set.of(Role.PLANNER), "planner-q", Optional.empty()));
            Dns client = new Dns(dns.dnsPort());
            Set<String> all = Set.of("127.0.0.51", "127.0.0.52", "127.0.0.53");
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(client.addresses(API)).isEqualTo(all));
            cluster.stop(1);
            cluster.stop(2);
            try {
                // Health changes while etcd has no quorum: nothing can be published or applied...
                targets.get(2).fail();
                await().atMost(Duration.ofSeconds(30)).until(() -> dns.scrapeMetrics().contains("waymark_etcd_reachable 0.0"));
                assertThat(dns.stores()).extracting(Operations.StoreStatus::store, Operations.StoreStatus::state).containsExactly(org.assertj.core.groups.Tuple.tuple("etcd", "FAILED"));
                // ...and DNS keeps answering the last records it had, every time. (Usually all three; on a
                // loaded machine a check may have flapped just before quorum went: whatever was served then.)
                Set<String> last = client.query(API).addresses();
                assertThat(last).isNotEmpty().isSubsetOf(all);
                long revision = dns.feed().orElseThrow().revision();
                for (int i = 0; i < 20; i++) {
                    assertThat(client.query(API).addresses()).isEqualTo(last);
                    Thread.sleep(100);
                }
                assertThat(dns.feed().orElseThrow().revision()).as("nothing written without quorum").isEqualTo(revision);
            } finally {
                cluster.restart(1);
                cluster.restart(2);
            }
            // Quorum back, no operator action: the planner publishes the change, enactors apply it, DNS serves it.
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    assertThat(client.addresses(API)).containsExactlyInAnyOrder("127.0.0.51", "127.0.0.52"));
            await().atMost(Duration.ofSeconds(30)).until(() -> dns.scrapeMetrics().contains("waymark_etcd_reachable 1.0"));
        } finally {
            for (EtcdDaemon d : daemons) d.close();
            targets.get(2).recover();
            for (int i = 0; i < cluster.size(); i++) cluster.awaitHealthy(i);
        }
    }
}
