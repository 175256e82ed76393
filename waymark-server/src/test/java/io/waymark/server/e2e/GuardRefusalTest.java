package io.waymark.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waymark.adapters.plan.FilePlanStore;
import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.adapters.record.ServingSink;
import io.waymark.core.model.ControlFlags;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, defects 8 and 15, against a real daemon process. The planner never publishes a plan its
 * enactors' change guard refuses: a change larger than the threshold is stepped in plans the guard
 * accepts (on 28d2881 the refusal was permanent). A refused plan can still be in the store (published by
 * an older version, or with the planner pinned since): the refusal is logged once per enactor, not once
 * per tick, and shown once, prominently, in status with what to do; the operator's
 * {@code waymark publish --force --reason TEXT} gets past it, and the audit log says who, when and why.
 */
class GuardRefusalTest {
    @TempDir Path dir;

    private JsonNode status(HttpClient http, int port) throws Exception {
        return new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status")).header("Authorization", DaemonConfigFile.bearer(dir.resolve("data")))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static final Endpoint API = Endpoint.of("api.example.test.");

    /** What an older configuration served: twelve addresses the new configuration no longer has. */
    private static RecordSet twelveOld() {
        List<WeightedAddress> old = new ArrayList<>();
        for (int i = 1; i <= 12; i++) old.add(WeightedAddress.of("10.0.0." + i, 1));
        return new RecordSet(old, 5);
    }

    @Test
    void a_change_beyond_the_threshold_is_stepped_in_plans_the_guard_accepts() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(data, ServingSink.NONE)) {
            store.applyIfNewer(API, Stamp.NONE, new Stamp(Generation.of(1), PlanHash.of(new byte[32])), twelveOld());
        }
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.21"))) {
            Path file = DaemonConfigFile.of(target.getLocalPort(), "api.example.test.").write(dir);
            try (DaemonProcess d = DaemonProcess.serve(file)) {
                int[] ports = d.awaitServing(Duration.ofSeconds(60));
                Dns dns = new Dns(ports[0]);
                await().atMost(Duration.ofSeconds(60)).until(() -> dns.addresses("api.example.test.").equals(Set.of("127.0.0.21")));
                assertThat(d.countLines(Pattern.compile("REFUSED"))).as("no plan was refused on the way\n" + d.output()).isZero();
                d.stop();
            }
        }
        try (FilePlanStore plans = FilePlanStore.open(data)) {
            assertThat(plans.history().size()).as("the change took more than one step").isGreaterThan(1);
        }
    }

    @Test
    void a_refusal_is_reported_once_and_a_forced_publish_gets_past_it_audited() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        // g1 serves the twelve old addresses; g2, published unforced while pinned, would remove all of them.
        Plan g1;
        try (FilePlanStore plans = FilePlanStore.open(data)) {
            g1 = ((io.waymark.core.port.PublishOutcome.Published) plans.publish(Generation.ZERO, PlanDraft.of(Map.of(API, twelveOld())))).plan();
            plans.publish(g1.generation(), PlanDraft.of(Map.of(API, new RecordSet(List.of(WeightedAddress.of("127.0.0.21", 100)), 5))));
            plans.updateFlags(ControlFlags.NONE, ControlFlags.NONE.withPinned(true));
        }
        try (EmbeddedRecordStore store = EmbeddedRecordStore.open(data, ServingSink.NONE)) {
            store.applyIfNewer(API, Stamp.NONE, g1.stamp(), twelveOld());
        }
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.21"))) {
            Path file = DaemonConfigFile.of(target.getLocalPort(), "api.example.test.").write(dir);
            try (DaemonProcess d = DaemonProcess.serve(file)) {
                int[] ports = d.awaitServing(Duration.ofSeconds(60));
                HttpClient http = HttpClient.newHttpClient();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    JsonNode s = status(http, ports[1]);
                    assertThat(s.path("guardRefusal").path("detail").asText()).as(s::toString).contains("CHANGE_THRESHOLD");
                    assertThat(s.path("guardRefusal").path("whatToDo").asText()).contains("publish --force --reason");
                });
                Dns dns = new Dns(ports[0]);
                assertThat(dns.addresses("api.example.test.")).as("refused: what was served stays served").hasSize(8);
                Thread.sleep(2_000); // a couple of dozen enactor ticks
                assertThat(d.countLines(Pattern.compile("WARN .*enactor-\\d.*REFUSED"))).as(d::output).isEqualTo(2);

                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    JsonNode page = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[1] + "/status.json"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body());
                    assertThat(page.path("incidents")).as(page::toString).anySatisfy(i -> assertThat(i.path("title").asText()).isEqualTo("DNS changes are on hold"));
                    assertThat(page.path("endpoints").get(0).path("status").asText()).isEqualTo("serving last known good answers");
                });
                Cli.Result shown = Cli.run("status", "--api", "http://127.0.0.1:" + ports[1], "--data-dir", dir.resolve("data").toString());
                assertThat(shown.out()).as(shown::toString).startsWith("!! ENACTORS REFUSE THE LATEST PLAN").contains("publish --force");
                Cli.Result forced = Cli.run("publish", "--force", "--reason", "lb pool renumbered, checked by hand", "--api", "http://127.0.0.1:" + ports[1],
                        "--data-dir", data.toString());
                assertThat(forced.exitCode()).as(forced::toString).isZero();
                assertThat(forced.out()).contains("forced");
                await().atMost(Duration.ofSeconds(20)).until(() -> dns.addresses("api.example.test.").equals(Set.of("127.0.0.21")));
                await().atMost(Duration.ofSeconds(10)).until(() -> status(http, ports[1]).path("guardRefusal").isMissingNode());
                String audit = Files.readString(data.resolve("audit.log"));
                assertThat(audit).contains("\"action\":\"publish-forced\"", "lb pool renumbered, checked by hand", "(waymark CLI)");
                d.stop();
            }
        }
    }

    @Test
    void publish_without_force_or_reason_is_refused_by_the_cli() {
        Cli.Result r = Cli.run("publish", "--reason", "x", "--api", "http://127.0.0.1:1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--force");
    }
}
