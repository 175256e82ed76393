package io.waymark.server.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.waymark.adapters.rfc2136.LocalDnsServer;
import io.waymark.server.config.ConfigLoader;
import io.waymark.server.config.RecordStoreConfig;
import io.waymark.server.config.WaymarkConfig;
import io.waymark.server.http.Operations;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The daemon with {@code recordStore: { type: rfc2136 }} against a real BIND 9 on loopback: plans land
 * on BIND (what a resolver asking BIND gets), the embedded DNS server is not started, a record changed
 * by hand with nsupdate is put back with an audit line, and a wrong key shows in the store status.
 */
class Rfc2136DaemonTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static LocalDnsServer bind;

    @TempDir Path dir;

    @BeforeAll
    static void startBind() throws Exception {
        bind = LocalDnsServer.start(LocalDnsServer.Kind.BIND, Files.createTempDirectory("waymark-rfc2136-daemon-"));
    }

    @AfterAll
    static void stopBind() throws Exception {
        if (bind != null) bind.close();
    }

    private Path config(int checkPort, String tsig, String first, String second) throws IOException {
        return Files.writeString(dir.resolve("waymark.yaml"), """
                dataDir: data
                http: { port: 0 }
                zones: [ { origin: example.test. } ]
                targets:
                  - { id: lb-a, address: 127.0.0.21, zone: az1, check: { type: tcp, port: %d, intervalMs: 200, timeoutMs: 200, rise: 1, fall: 1 } }
                  - { id: lb-b, address: 127.0.0.22, zone: az2, check: { type: tcp, port: %d, intervalMs: 200, timeoutMs: 200, rise: 1, fall: 1 } }
                endpoints:
                  - { name: %s.example.test., ttl: 5, targets: [lb-a, lb-b] }
                  - { name: %s.example.test., ttl: 5, targets: [lb-a] }
                planner: { tickMs: 100 }
                enactors: { count: 2, tickMs: 50 }
                recordStore:
                  type: rfc2136
                  server: %s
                  zone: example.test.
                  tsig: %s
                  readRefreshMs: 200
                """.formatted(checkPort, checkPort, first, second, bind.hostPort(), tsig));
    }

    private static Set<String> served(String name) throws IOException {
        SimpleResolver r = new SimpleResolver(bind.address());
        r.setTimeout(Duration.ofSeconds(3));
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
        Set<String> out = new TreeSet<>();
        for (Record rec : m.getSection(Section.ANSWER)) if (rec.getType() == Type.A) out.add(rec.rdataToString());
        return out;
    }

    @Test
    void serveAppliesPlansToTheServerAndPutsBackARecordChangedByHandWithAnAuditLine() throws Exception {
        // The secret as BIND's key file writes it.
        Path key = Files.writeString(dir.resolve("waymark.key"), "key \"" + LocalDnsServer.KEY_NAME + "\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + bind.secret() + "\";\n};\n");
        try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.21"));
                ServerSocket b = new ServerSocket(a.getLocalPort(), 50, InetAddress.getByName("127.0.0.22"))) {
            WaymarkConfig config = ConfigLoader.load(config(a.getLocalPort(), "{ name: " + LocalDnsServer.KEY_NAME + ", algorithm: hmac-sha256, secretFile: " + key.getFileName() + " }", "api", "www"));
            assertThat(config.recordStore()).isInstanceOf(RecordStoreConfig.Rfc2136.class);
            try (Daemon d = Daemon.start(config, Optional.empty())) {
                assertThat(d.dnsPort()).isZero(); // the embedded DNS server is not started
                await().atMost(WAIT).until(() -> served("api.example.test.").equals(Set.of("127.0.0.21", "127.0.0.22")) && served("www.example.test.").equals(Set.of("127.0.0.21")));

                bind.nsupdate("update delete api.example.test. A 127.0.0.22", "update add api.example.test. 5 A 192.0.2.99");
                // (Not asserted that the hand-made record is served first: enactors may already have put it back.)
                await().atMost(WAIT).until(() -> served("api.example.test.").equals(Set.of("127.0.0.21", "127.0.0.22")));
                Path audit = dir.resolve("data").resolve(AuditLog.FILE);
                await().atMost(WAIT).until(() -> Files.readAllLines(audit).stream().anyMatch(l -> l.contains("drift-repair")));
                assertThat(Files.readAllLines(audit).stream().filter(l -> l.contains("drift-repair"))).singleElement().asString()
                        .contains("api.example.test.", "192.0.2.99", "\"who\":\"waymark (drift)\"");
                assertThat(d.stores()).allSatisfy(s -> assertThat(s.state()).isEqualTo("UP"));
            }
        }
    }

    @Test
    void aWrongKeyShowsInTheStoreStatusAndWritesNothing() throws Exception {
        try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.21"));
                ServerSocket b = new ServerSocket(a.getLocalPort(), 50, InetAddress.getByName("127.0.0.22"))) {
            String wrong = "{ name: " + LocalDnsServer.KEY_NAME + ", secret: " + java.util.Base64.getEncoder().encodeToString(new byte[32]) + " }";
            WaymarkConfig config = ConfigLoader.load(config(a.getLocalPort(), wrong, "nokey", "nokey2"));
            try (Daemon d = Daemon.start(config, Optional.empty())) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(d.stores()).filteredOn(s -> s.store().equals("records")).singleElement()
                        .satisfies(s -> assertThat(s.state()).isNotEqualTo("UP")).extracting(Operations.StoreStatus::reason).asString().contains("NOTAUTH"));
                assertThat(served("nokey.example.test.")).isEmpty();
                assertThat(served("nokey2.example.test.")).isEmpty();
            }
        }
    }
}
