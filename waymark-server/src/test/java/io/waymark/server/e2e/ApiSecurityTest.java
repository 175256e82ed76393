package io.waymark.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.waymark.server.config.ConfigException;
import io.waymark.server.config.ConfigLoader;
import io.waymark.server.config.WaymarkConfig;
import io.waymark.server.daemon.Daemon;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API's access rules and error shapes against a daemon from a configuration file (reads
 * closed, the default): writes and reads need the token, a refused request changes nothing and says why
 * in JSON, the open pages stay open, every GET the OpenAPI file documents is routed, bad requests get
 * 4xx JSON errors, and a token file others can read stops the daemon from starting. One daemon for the
 * class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiSecurityTest {
    @TempDir static Path dir;
    private ServerSocket target;
    private Daemon daemon;
    private String api;
    private String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    void start() throws Exception {
        target = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.21"));
        WaymarkConfig config = ConfigLoader.parse(DaemonConfigFile.of(target.getLocalPort(), "api.example.test.").yaml(), dir);
        daemon = Daemon.start(config, Optional.empty());
        api = "http://127.0.0.1:" + daemon.httpPort();
        token = Files.readString(dir.resolve("data/api.token")).strip();
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.planStore().latest().isPresent());
    }

    @AfterAll
    void stop() throws Exception {
        if (daemon != null) daemon.close();
        target.close();
    }

    private HttpResponse<String> send(String method, String path, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type").orElse("")).as(r.body()).startsWith("application/json");
        return JSON.readTree(r.body());
    }

    @Test
    void theTokenFileIsMadeOnFirstStartOwnerOnly() throws Exception {
        Path file = dir.resolve("data/api.token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(token).hasSizeGreaterThanOrEqualTo(40).matches("[A-Za-z0-9_-]+");
        assertThat(daemon.apiToken().created()).isTrue();
        assertThat(daemon.apiToken().toString()).doesNotContain(token);
    }

    @Test
    void aWriteWithoutTheRightTokenIs401WithAJsonErrorAndChangesNothing() throws Exception {
        long auditBefore = Files.readAllLines(dir.resolve("data/audit.log")).size();
        for (String bearer : new String[] {null, "not-the-token-at-all", token + "x"}) {
            for (String path : List.of("/api/pause", "/api/pin", "/api/rollback/1", "/api/publish?force=true&reason=x", "/api/incidents/notes")) {
                HttpResponse<String> r = send("POST", path, bearer, path.endsWith("notes") ? "{\"text\":\"hi\"}" : null);
                assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"waymark\"");
                assertThat(json(r).path("error").asText()).contains("token").contains("nothing was changed");
            }
        }
        assertThat(daemon.planStore().flags().paused()).isFalse();
        assertThat(daemon.planStore().flags().pinned()).isFalse();
        assertThat(Files.readAllLines(dir.resolve("data/audit.log"))).as("nothing audited: nothing happened").hasSize((int) auditBefore);
        assertThat(JSON.readTree(send("GET", "/status.json", null, null).body()).path("incidents")).isEmpty();
    }

    @Test
    void readsNeedTheTokenUnlessOpenedAndThePublicPagesStayOpen() throws Exception {
        assertThat(send("GET", "/api/status", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/events", null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = send("GET", "/api/status", token, null);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).path("endpoints").get(0).path("name").asText()).isEqualTo("api.example.test.");
        for (String open : List.of("/", "/console.js", "/status", "/status.json", "/status.atom", "/metrics", "/api/openapi.yaml")) {
            assertThat(send("GET", open, null, null).statusCode()).as(open).isEqualTo(200);
        }
        assertThat(send("GET", "/metrics", null, null).body()).contains("waymark_latest_generation");
        // The console and the status page load nothing from elsewhere and cannot be framed (no clickjacking of a lever).
        assertThat(send("GET", "/", null, null).headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'").contains("frame-ancestors 'none'");
        assertThat(send("GET", "/status", null, null).headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'none'").contains("frame-ancestors 'none'");
        assertThat(send("GET", "/status.atom", null, null).body()).startsWith("<?xml").contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">");
    }

    @Test
    void theEventStreamSendsTheTimelineAndTheStateToAHolderOfTheToken() throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(api + "/api/events")).header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream").build();
        HttpResponse<java.util.stream.Stream<String>> res = http.send(r, HttpResponse.BodyHandlers.ofLines());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        try (java.util.stream.Stream<String> lines = res.body()) {
            Iterator<String> it = lines.iterator();
            java.util.concurrent.CompletableFuture<List<String>> firstEvents = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                List<String> seen = new java.util.ArrayList<>();
                // Bounded: the daemon sends the timeline and the state at once on connect.
                while (it.hasNext() && seen.size() < 50 && seen.stream().noneMatch(l -> l.startsWith("data: {\"latestGeneration\""))) seen.add(it.next());
                return seen;
            });
            List<String> seen = firstEvents.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(seen).contains("event: timeline", "event: state");
            String state = seen.stream().filter(l -> l.startsWith("data: {\"latestGeneration\"")).findFirst().orElseThrow();
            assertThat(JSON.readTree(state.substring(6)).path("endpoints").get(0).path("name").asText()).isEqualTo("api.example.test.");
        }
    }

    @Test
    void everyGetTheOpenApiFileDocumentsIsRouted() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(send("GET", "/api/openapi.yaml", null, null).body());
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            if (!p.getValue().has("get") || p.getKey().equals("/api/events")) continue;
            String path = p.getKey().replace("{generation}", "1").replace("{name}", "api.example.test.").replace("{id}", "1")
                    + (p.getKey().endsWith("/diff") ? "?from=1&to=1" : "");
            HttpResponse<String> r = send("GET", path, token, null);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(15);
        for (String route : List.of("/api/pause", "/api/resume", "/api/pin", "/api/unpin", "/api/rollback/{generation}", "/api/publish",
                "/api/targets/{id}/fail", "/api/incidents/notes", "/api/incidents/{id}/close")) {
            assertThat(doc.path("paths").path(route).has("post")).as(route).isTrue();
        }
    }

    @Test
    void badRequestsGet4xxJsonErrorsSayingWhatIsWrong() throws Exception {
        record Case(String method, String path, String body, int status, String says) {}
        for (Case c : List.of(
                new Case("GET", "/api/plans/yesterday", null, 400, "not a generation"),
                new Case("GET", "/api/plans/diff?from=1", null, 400, "diff needs"),
                new Case("GET", "/api/plans/999", null, 404, "not in the plan store"),
                new Case("GET", "/api/timeline?after=x", null, 400, "must be a number"),
                new Case("GET", "/api/endpoints/nothere.example.test.", null, 404, "no managed endpoint"),
                new Case("GET", "/api/nothing", null, 404, "no such resource"),
                new Case("DELETE", "/api/status", null, 405, "not allowed"),
                new Case("POST", "/api/incidents/notes", "{bad", 400, "not JSON"),
                new Case("POST", "/api/incidents/notes", "[1]", 400, "JSON object"),
                new Case("POST", "/api/incidents/notes", "{\"text\": 5}", 400, "\"text\""),
                new Case("POST", "/api/incidents/notes", "{\"text\": \"x\", \"incident\": \"soon\"}", 400, "incident id"),
                new Case("POST", "/api/incidents/77/close", null, 400, "no incident 77"),
                new Case("POST", "/api/publish?force=true", null, 400, "reason"),
                new Case("POST", "/api/rollback/0", null, 400, "not a generation"),
                new Case("POST", "/api/targets/lb-a/fail", null, 400, "demo fleet"))) {
            HttpResponse<String> r = send(c.method(), c.path(), token, c.body());
            assertThat(r.statusCode()).as(c + ": " + r.body()).isEqualTo(c.status());
            assertThat(json(r).path("error").asText()).as(c.toString()).contains(c.says());
        }
        assertThat(daemon.planStore().flags().paused()).isFalse();
    }

    @Test
    void aTokenFileOthersCanReadStopsTheDaemonFromStarting() throws Exception {
        Path other = dir.resolve("other");
        Files.createDirectories(other.resolve("data"));
        Path file = Files.writeString(other.resolve("data/api.token"), "0123456789abcdef0123456789\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        WaymarkConfig config = ConfigLoader.parse(DaemonConfigFile.of(target.getLocalPort(), "api.example.test.").yaml(), other);
        assertThatThrownBy(() -> Daemon.start(config, Optional.empty()).close()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("chmod 600 " + file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try (Daemon d = Daemon.start(config, Optional.empty())) {
            assertThat(d.apiToken().created()).isFalse();
            assertThat(d.apiToken().value()).isEqualTo("0123456789abcdef0123456789");
        }
    }
}
