package io.waymark.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waymark.adapters.plan.FilePlanStore;
import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.adapters.record.ServingSink;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, defects 2, 3 and 4, the daemon's half: a log damaged in the middle refuses to open
 * (the storage engineer's fix); the daemon must then still start, answer DNS with what could be read,
 * and say in status what is damaged and what to do — not exit 1 and leave every name unanswered.
 */
class DamagedLogTest {
    /** In a log of format 3 (AppendLog): the header's sector, then the first sector's 12-byte head and the entry's 4-byte length. */
    private static final long FIRST_ENTRY_PAYLOAD = 512 + 12 + 4;
    @TempDir Path dir;

    private static void flipByteAt(Path file, long at) throws Exception {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            c.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x5a)).rewind();
            c.write(one, at);
        }
    }

    private static JsonNode store(String body, String name) throws Exception {
        for (JsonNode s : new ObjectMapper().readTree(body).path("stores")) if (s.path("store").asText().equals(name)) return s;
        return null;
    }

    @Test
    void a_damaged_plan_log_stops_automation_not_dns() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Endpoint a = Endpoint.of("a.example.test.");
        RecordSet one = new RecordSet(List.of(WeightedAddress.of("192.0.2.1", 1)), 5);
        try (FilePlanStore plans = FilePlanStore.open(data)) {
            for (int i = 0; i < 2; i++) {
                Generation latest = plans.latest().map(p -> p.generation()).orElse(Generation.ZERO);
                plans.publish(latest, PlanDraft.of(java.util.Map.of(a, new RecordSet(List.of(WeightedAddress.of("192.0.2." + (i + 1), 1)), 5))));
            }
        }
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(data, ServingSink.NONE)) {
            store.applyIfNewer(a, Stamp.NONE, new Stamp(Generation.of(1), PlanHash.of(new byte[32])), one);
        }
        flipByteAt(data.resolve(FilePlanStore.LOG_FILE), FIRST_ENTRY_PAYLOAD + 30); // inside the first plan
        Path file = CONFIG.write(dir);
        try (DaemonProcess d = DaemonProcess.serve(file)) {
            int[] ports = d.awaitServing(Duration.ofSeconds(60));
            assertThat(new Dns(ports[0]).addresses("a.example.test.")).as("DNS answers what the record store holds\n" + d.output()).isEqualTo(Set.of("192.0.2.1"));
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[1] + "/api/status")).header("Authorization", DaemonConfigFile.bearer(dir.resolve("data"))).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                JsonNode plans = store(body, "plans");
                assertThat(plans).as(body).isNotNull();
                assertThat(plans.path("state").asText()).isEqualTo("DAMAGED");
                assertThat(plans.path("reason").asText()).contains("plans.log");
                assertThat(plans.path("whatToDo").asText()).contains("restore");
            });
            Cli.Result status = Cli.run("status", "--api", "http://127.0.0.1:" + ports[1], "--data-dir", dir.resolve("data").toString());
            assertThat(status.out()).as(status::toString).startsWith("!! plans store DAMAGED");
            assertThat(d.awaitExit(Duration.ZERO)).isEmpty();
            d.stop();
        }
    }

    private static final DaemonConfigFile CONFIG = DaemonConfigFile.of(1, "a.example.test.", "b.example.test.").withEnactors(2, 100);

    @Test
    void a_damaged_record_log_leaves_dns_answering_what_was_readable_and_status_saying_what_to_do() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Stamp g1 = new Stamp(Generation.of(1), PlanHash.of(new byte[32]));
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(data, ServingSink.NONE)) {
            store.applyIfNewer(Endpoint.of("a.example.test."), Stamp.NONE, g1, new RecordSet(List.of(WeightedAddress.of("192.0.2.1", 1)), 5));
            store.applyIfNewer(Endpoint.of("b.example.test."), Stamp.NONE, g1, new RecordSet(List.of(WeightedAddress.of("192.0.2.2", 1)), 5));
        }
        Path log = data.resolve(EmbeddedRecordStore.LOG_FILE);
        long at = FIRST_ENTRY_PAYLOAD + 10; // inside the first apply, a's
        try (FileChannel c = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            c.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x5a)).rewind();
            c.write(one, at);
        }
        Path file = CONFIG.write(dir);
        try (DaemonProcess d = DaemonProcess.serve(file)) {
            int[] ports = d.awaitServing(Duration.ofSeconds(60));
            Dns dns = new Dns(ports[0]);
            assertThat(dns.addresses("b.example.test.")).as("what was readable is answered\n" + d.output()).isEqualTo(Set.of("192.0.2.2"));
            assertThat(dns.addresses("a.example.test.")).as("what was damaged is not made up\n" + d.output()).isEmpty();
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[1] + "/api/status")).header("Authorization", DaemonConfigFile.bearer(dir.resolve("data"))).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                JsonNode records = null;
                for (JsonNode s : new ObjectMapper().readTree(body).path("stores")) if (s.path("store").asText().equals("records")) records = s;
                assertThat(records).as(body).isNotNull();
                assertThat(records.path("state").asText()).isEqualTo("DAMAGED");
                assertThat(records.path("reason").asText()).contains("records.log");
                assertThat(records.path("whatToDo").asText()).contains("move it aside");
            });
            assertThat(d.awaitExit(Duration.ZERO)).isEmpty();
            d.stop();
        }
    }
}
