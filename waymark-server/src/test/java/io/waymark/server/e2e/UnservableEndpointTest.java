package io.waymark.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.adapters.record.ServingSink;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.server.testing.ExampleZone;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, defect 1, against real daemon processes: an endpoint the DNS server cannot serve (at or
 * below a delegation, at a CNAME, outside every zone) is refused before anything starts, and one that
 * an older version let into the record log never stops the daemon from starting.
 */
class UnservableEndpointTest {
    @TempDir Path dir;

    static String config(int port, String... endpoints) {
        StringBuilder e = new StringBuilder();
        for (String name : endpoints) e.append("  - { name: ").append(name).append(", ttl: 5, targets: [lb-a] }\n");
        return """
                dataDir: data
                dns: { port: 0 }
                http: { port: 0 }
                zones: [ { origin: example.test., file: example.test.zone } ]
                targets:
                  - { id: lb-a, address: 127.0.0.21, zone: az1, capacity: 100, check: { type: tcp, port: %d, intervalMs: 200, timeoutMs: 200, rise: 1, fall: 1 } }
                endpoints:
                %s
                planner: { tickMs: 100 }
                enactors: { count: 2, tickMs: 50 }
                """.formatted(port, e.toString().stripTrailing());
    }

    private Path write(String config) throws Exception {
        Files.writeString(dir.resolve(ExampleZone.FILE_NAME), ExampleZone.TEXT);
        Path file = dir.resolve("waymark.yaml");
        Files.writeString(file, config);
        return file;
    }

    @Test
    void an_endpoint_below_a_delegation_is_refused_at_start_with_key_value_and_exit_2() throws Exception {
        Path file = write(config(1, "api.example.test.", "x.sub.example.test."));
        try (DaemonProcess d = DaemonProcess.serve(file)) {
            assertThat(d.awaitExit(Duration.ofSeconds(60))).as(d::output).contains(2);
            assertThat(d.output()).contains("endpoints[1].name", "'x.sub.example.test.'", "delegation").doesNotContain("\tat ");
        }
        assertThat(dir.resolve("data/records.log")).as("nothing started, nothing written").doesNotExist();
    }

    @Test
    void an_unservable_endpoint_left_in_the_record_log_is_skipped_with_one_warning_not_a_crash() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        RecordSet old = new RecordSet(List.of(WeightedAddress.of("127.0.0.21", 1)), 5);
        Stamp g1 = new Stamp(Generation.of(1), PlanHash.of(new byte[32]));
        // What an older daemon made durable: one good endpoint, one at a CNAME, one below a delegation,
        // and one in a zone that has since been removed from the configuration.
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(data, ServingSink.NONE)) {
            for (String name : List.of("api.example.test.", "alias.example.test.", "x.sub.example.test.", "api.retired.test.")) {
                assertThat(store.applyIfNewer(Endpoint.of(name), Stamp.NONE, g1, old)).isEqualTo(ApplyOutcome.APPLIED);
            }
        }
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.21"))) {
            Path file = write(config(target.getLocalPort(), "api.example.test."));
            try (DaemonProcess d = DaemonProcess.serve(file)) {
                int[] ports = d.awaitServing(Duration.ofSeconds(60));
                Dns dns = new Dns(ports[0]);
                await().atMost(Duration.ofSeconds(20)).until(() -> dns.addresses("api.example.test.").equals(Set.of("127.0.0.21")));
                // The daemon keeps working after start: still alive a little later.
                Thread.sleep(1_000);
                assertThat(d.awaitExit(Duration.ZERO)).as(d::output).isEmpty();
                for (String gone : List.of("alias.example.test.", "x.sub.example.test.", "api.retired.test.")) {
                    assertThat(d.countLines(Pattern.compile("WARN.*" + Pattern.quote(gone) + ".*not served"))).as(gone + " in\n" + d.output()).isEqualTo(1);
                }
                // Not configured either: retired from the record store (defect 9), each with one audit line.
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Files.readString(data.resolve("audit.log")))
                        .contains("alias.example.test.", "x.sub.example.test.", "api.retired.test.").doesNotContain("\"endpoint\":\"api.example.test.\""));
                d.stop();
            }
        }
        try (EmbeddedRecordStore reopened = EmbeddedRecordStore.open(data, ServingSink.NONE)) {
            assertThat(reopened.endpoints()).containsExactly(Endpoint.of("api.example.test."));
        }
    }
}
