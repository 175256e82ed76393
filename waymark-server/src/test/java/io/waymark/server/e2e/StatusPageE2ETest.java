package io.waymark.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The customers' status page, the audit verb and the metrics of the daemon exactly as
 * {@code ./waymark run} builds it (one daemon for the class, tests in order): every target failing
 * opens an incident by itself ("serving last known good answers") while DNS keeps answering; an
 * operator's {@code waymark incident note} appears on /status, /status.json and the Atom feed at once;
 * recovery closes the incident by itself; {@code waymark audit} shows the applied changes before →
 * after, filtered by endpoint and time; /metrics has the meters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusPageE2ETest {
    private static final Duration FOLLOWS = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path dir;
    private RunningDemo demo;

    @BeforeAll
    void start() throws Exception {
        demo = RunningDemo.start(dir.resolve("data")).awaitSteady(FOLLOWS);
    }

    @AfterAll
    void stop() {
        if (demo != null) demo.close();
    }

    private JsonNode page() throws Exception {
        return JSON.readTree(demo.get("/status.json"));
    }

    private static JsonNode endpoint(JsonNode page) {
        return page.path("endpoints").get(0);
    }

    @Test
    @Order(1)
    void normallyTheStatusPageSaysSoAndHasNoOpenIncident() throws Exception {
        // The page shows the console's last sample (at most 200 ms old; a public page must not cost a status
        // read per request), and a target slow on its first probes can have made a short incident at start.
        await().atMost(FOLLOWS).untilAsserted(() -> {
            JsonNode p = page();
            assertThat(endpoint(p).path("name").asText()).isEqualTo(RunningDemo.ENDPOINT);
            assertThat(endpoint(p).path("status").asText()).isEqualTo("operating normally");
            assertThat(p.path("incidents")).noneMatch(i -> i.path("open").asBoolean());
        });
        assertThat(demo.get("/status")).contains("All systems operating normally").doesNotContain("127.0.0.");
    }

    @Test
    @Order(2)
    void everyTargetFailingOpensAnIncidentByItselfAndNotesAppearAtOnce() throws Exception {
        for (var t : demo.fleet.targets()) assertThat(demo.post("/api/targets/" + t.id() + "/fail")).isEqualTo(200);
        await().atMost(FOLLOWS).untilAsserted(() -> {
            JsonNode p = page();
            assertThat(endpoint(p).path("status").asText()).as(p::toString).isEqualTo("serving last known good answers");
            assertThat(p.path("incidents")).as(p::toString).anySatisfy(i -> {
                assertThat(i.path("open").asBoolean()).isTrue();
                assertThat(i.path("title").asText()).contains("every server failed its health check");
            });
        });
        assertThat(demo.answer()).as("fail-open: DNS still answers").isNotEmpty();

        Cli.Result r = demo.cli("incident", "note", "We are investigating failed health checks in all zones");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode open = page().path("incidents").get(0);
        assertThat(open.path("updates")).extracting(u -> u.path("text").asText()).contains("We are investigating failed health checks in all zones");
        assertThat(open.path("updates")).extracting(u -> u.path("by").asText()).containsExactly("Waymark", "operators");
        assertThat(demo.get("/status")).contains("We are investigating failed health checks in all zones").contains("ongoing since");
        assertThat(demo.get("/status.atom")).contains("<entry>").contains("every server failed its health check").contains("We are investigating");
        assertThat(demo.cli("incident", "list").out()).contains("OPEN").contains("We are investigating");
        assertThat(demo.cli("status").out()).contains("!! customers are told (status page, incident").contains("every server failed its health check")
                .contains("capacity in service 0/650");
    }

    @Test
    @Order(3)
    void recoveryClosesTheIncidentByItself() throws Exception {
        for (var t : demo.fleet.targets()) assertThat(demo.post("/api/targets/" + t.id() + "/recover")).isEqualTo(200);
        await().atMost(FOLLOWS).untilAsserted(() -> {
            JsonNode p = page();
            assertThat(endpoint(p).path("status").asText()).as(p::toString).isEqualTo("operating normally");
            assertThat(p.path("incidents")).as(p::toString).isNotEmpty().noneMatch(i -> i.path("open").asBoolean());
        });
        JsonNode closed = page().path("incidents").get(0);
        assertThat(closed.has("endedAt")).isTrue();
        assertThat(demo.get("/status")).contains("resolved, from");
    }

    @Test
    @Order(4)
    void theAuditVerbShowsAppliedChangesBeforeAndAfterByEndpointAndTime() throws Exception {
        // A change from real records to real records, made here: the earlier tests' fail-all is
        // fail-open (no new plan), and whether start-up published more than one plan depends on timing.
        var one = demo.fleet.targets().get(0);
        java.util.Set<String> others = new java.util.HashSet<>(RunningDemo.ALL);
        others.remove(one.address());
        assertThat(demo.post("/api/targets/" + one.id() + "/fail")).isEqualTo(200);
        await().atMost(FOLLOWS).until(() -> demo.answer().equals(others));
        assertThat(demo.post("/api/targets/" + one.id() + "/recover")).isEqualTo(200);
        await().atMost(FOLLOWS).until(() -> demo.answer().equals(RunningDemo.ALL));
        Cli.Result pause = demo.cli("pause");
        assertThat(pause.exitCode()).as(pause.toString()).isZero();
        demo.cli("resume");
        String data = demo.daemon.config().dataDir().toString();
        Cli.Result all = Cli.run("audit", "--data-dir", data, "--endpoint", "api.waymark.test");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.out()).contains("apply").contains("before: ").contains("after:  ").contains("127.0.0.13*200").doesNotContain("incident-note");
        // Each applied change with what it replaced: the records the enactor read before its compare-and-set.
        java.util.List<JsonNode> applies = new java.util.ArrayList<>();
        for (String line : Cli.run("audit", "--data-dir", data, "--action", "apply", "--json").out().lines().toList()) applies.add(JSON.readTree(line));
        assertThat(applies).isNotEmpty().allSatisfy(l -> {
            assertThat(l.path("who").asText()).startsWith("enactor-");
            assertThat(l.path("endpoint").asText()).isEqualTo(RunningDemo.ENDPOINT);
            assertThat(l.path("after").asText()).endsWith("ttl 5");
        });
        assertThat(applies).as("a change with real records before and after").anySatisfy(l -> {
            assertThat(l.path("before").asText()).contains("*").endsWith("ttl 5").isNotEqualTo(l.path("after").asText());
            assertThat(Long.parseLong(l.path("to").asText().substring(1))).isGreaterThan(Long.parseLong(l.path("from").asText().substring(1)));
        });
        for (int i = 1; i < applies.size(); i++) {
            assertThat(applies.get(i).path("from").asText()).as("one line per change, in order: each starts where the last ended")
                    .isEqualTo(applies.get(i - 1).path("to").asText());
        }
        Cli.Result levers = Cli.run("audit", "--data-dir", data, "--since", "10m", "--action", "pause", "--json");
        assertThat(levers.out().lines().toList()).singleElement().asString().contains("\"action\":\"pause\"").contains("(waymark CLI)");
        assertThat(Cli.run("audit", "--data-dir", data, "--since", "2099-01-01T00:00:00Z").out()).contains("no audit lines match");
        Cli.Result bad = Cli.run("audit", "--data-dir", data, "--since", "last tuesday");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--since takes an ISO-8601 instant");
        Cli.Result none = Cli.run("audit", "--data-dir", dir.resolve("nowhere").toString());
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("no audit log at");
    }

    @Test
    @Order(5)
    void metricsHaveGenerationsApplyLatencyOutcomesLagPlanAgeHealthChecksAndDnsReplies() throws Exception {
        long latest = demo.latestGeneration();
        assertThat(demo.answer()).isNotEmpty(); // a UDP query, NOERROR
        await().atMost(FOLLOWS).untilAsserted(() -> {
            String m = demo.get("/metrics");
            assertThat(m).contains("waymark_latest_generation " + (double) latest)
                    .contains("waymark_served_generation{endpoint=\"api.waymark.test.\"} " + (double) latest)
                    .containsPattern("waymark_apply_seconds_bucket\\{enactor=\"enactor-1\",le=")
                    .containsPattern("waymark_applies_total\\{enactor=\"enactor-\\d\",outcome=\"applied\"\\} [1-9]")
                    .contains("outcome=\"superseded\"").contains("outcome=\"conflict\"")
                    .containsPattern("waymark_enactor_lag_generations\\{enactor=\"enactor-1\"\\} 0\\.0")
                    .containsPattern("waymark_plan_age_seconds [0-9]")
                    .containsPattern("waymark_health_check_seconds_count\\{result=\"pass\",target=\"use1-az1-a\"\\} [1-9]")
                    .containsPattern("waymark_health_check_seconds_count\\{result=\"fail\",target=\"use1-az1-a\"\\} [1-9]")
                    .containsPattern("waymark_dns_replies_total\\{rcode=\"NOERROR\",transport=\"udp\"\\} [1-9]")
                    .contains("waymark_dns_replies_total{rcode=\"NXDOMAIN\",transport=\"tcp\"} 0.0")
                    .containsPattern("waymark_dns_answer_seconds_count [1-9]");
        });
    }
}
