package io.waymark.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, defect 9, the daemon's half, against real daemon processes: an endpoint removed from the
 * configuration was served forever. After a restart with the smaller configuration the daemon retires
 * it through the record store's conditional tombstone — once the planner's next plan no longer holds
 * it, so that no enactor heals it back — and says so once in the audit log.
 */
class RetiredEndpointTest {
    @TempDir Path dir;

    private Path config(int port, String... endpoints) throws Exception {
        return DaemonConfigFile.of(port, endpoints).write(dir);
    }

    @Test
    void an_endpoint_removed_from_the_configuration_is_retired_once_and_stays_retired() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.21"))) {
            Set<String> a = Set.of("127.0.0.21");
            try (DaemonProcess d = DaemonProcess.serve(config(target.getLocalPort(), "api.example.test.", "old.example.test."))) {
                Dns dns = new Dns(d.awaitServing(Duration.ofSeconds(60))[0]);
                await().atMost(Duration.ofSeconds(20)).until(() -> dns.addresses("old.example.test.").equals(a) && dns.addresses("api.example.test.").equals(a));
                d.stop();
            }
            try (DaemonProcess d = DaemonProcess.serve(config(target.getLocalPort(), "api.example.test."))) {
                Dns dns = new Dns(d.awaitServing(Duration.ofSeconds(60))[0]);
                await().atMost(Duration.ofSeconds(20)).until(() -> !dns.query("old.example.test.").nonEmpty());
                // Stays retired: no enactor heals it back from a plan that still held it.
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !dns.query("old.example.test.").nonEmpty());
                assertThat(dns.addresses("api.example.test.")).isEqualTo(a);
                assertThat(Files.readAllLines(dir.resolve("data/audit.log")).stream().filter(l -> l.contains("\"action\":\"retire\"")))
                        .singleElement().asString().contains("old.example.test.", "\"who\":\"waymark (configuration)\"");
                d.stop();
            }
        }
    }
}
