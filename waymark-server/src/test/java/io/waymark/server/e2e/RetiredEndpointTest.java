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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, defect 9, the daemon's half, against a real daemon process: an endpoint removed from the
 * configuration was served forever. At start the daemon retires it through the record store's
 * conditional tombstone, and says so in the audit log.
 */
class RetiredEndpointTest {
    @TempDir Path dir;

    @Test
    void an_endpoint_removed_from_the_configuration_is_retired_and_audited() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Stamp g1 = new Stamp(Generation.of(1), PlanHash.of(new byte[32]));
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(data, ServingSink.NONE)) {
            for (String name : List.of("api.example.test.", "old.example.test.")) {
                store.applyIfNewer(Endpoint.of(name), Stamp.NONE, g1, new RecordSet(List.of(WeightedAddress.of("127.0.0.21", 1)), 5));
            }
        }
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.21"))) {
            Path file = dir.resolve("waymark.yaml");
            Files.writeString(file, """
                    dataDir: data
                    dns: { port: 0 }
                    http: { port: 0 }
                    zones: [ { origin: example.test. } ]
                    targets:
                      - { id: lb-a, address: 127.0.0.21, zone: az1, check: { type: tcp, port: %d, intervalMs: 200, timeoutMs: 200, rise: 1, fall: 1 } }
                    endpoints:
                      - { name: api.example.test., targets: [lb-a] }
                    planner: { tickMs: 100 }
                    enactors: { count: 1, tickMs: 100 }
                    """.formatted(target.getLocalPort()));
            try (DaemonProcess d = DaemonProcess.serve(file)) {
                int[] ports = d.awaitServing(Duration.ofSeconds(60));
                Dns dns = new Dns(ports[0]);
                // A retired name answers NODATA (its parent zone still has the name as an empty non-terminal) or NXDOMAIN, never records.
                await().atMost(Duration.ofSeconds(20)).until(() -> !dns.query("old.example.test.").nonEmpty());
                assertThat(dns.query("api.example.test.").nonEmpty()).isTrue();
                String audit = Files.readString(data.resolve("audit.log"));
                assertThat(audit).contains("\"action\":\"retire\"", "old.example.test.").doesNotContain("api.example.test.");
                d.stop();
            }
        }
    }
}
