package io.waymark.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, defect 2, against a real daemon process and a real I/O error: the file-size limit of the
 * running daemon (RLIMIT_FSIZE, lowered and raised from outside with prlimit(1)) makes the next log
 * append fail with EFBIG, exactly as a full disk fails it with ENOSPC. Until then a failed store stayed
 * failed "until reopened" and nothing reopened it: automation froze until a human restarted the
 * process. Now a supervisor reopens it once the cause clears, DNS answers throughout, and the failure
 * is reported once, not once per tick.
 */
class StoreFailureRecoveryTest {
    private static final int ENDPOINTS = 40;
    private static final Pattern DAEMON_WARNINGS = Pattern.compile("(WARN|ERROR) +i\\.w\\.server\\.");

    @TempDir Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static DaemonConfigFile config(int portA, int portB) {
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < ENDPOINTS; i++) endpoints.add("e" + i + ".example.test.");
        return new DaemonConfigFile(List.of(portA, portB), endpoints,
                "safety: { minHealthyFraction: 0.0, velocityMaxRemovedFraction: 1.0, changeThresholdFraction: 1.0 }", 2, 50);
    }

    private static void prlimitFileSize(long pid, String softBytes) throws Exception {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--fsize=" + softBytes + ":unlimited").redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }

    /** The offset after the last byte that is not zero. */
    private static long dataEnd(Path file) throws java.io.IOException {
        byte[] b = Files.readAllBytes(file);
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) end--; // bounded by the file's size
        return end;
    }

    private JsonNode publicPage(int httpPort) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/status.json")).timeout(Duration.ofSeconds(5)).GET().build();
        return new ObjectMapper().readTree(http.send(r, HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode status(int httpPort) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/status")).header("Authorization", DaemonConfigFile.bearer(dir.resolve("data"))).timeout(Duration.ofSeconds(5)).GET().build();
        return new ObjectMapper().readTree(http.send(r, HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void a_store_failed_by_an_io_error_is_reopened_once_the_cause_clears_and_dns_answers_throughout() throws Exception {
        try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.21"));
             ServerSocket b = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.22"))) {
            Path file = config(a.getLocalPort(), b.getLocalPort()).write(dir);
            try (DaemonProcess d = DaemonProcess.serve(file)) {
                int[] ports = d.awaitServing(Duration.ofSeconds(60));
                Dns dns = new Dns(ports[0]);
                Set<String> both = Set.of("127.0.0.21", "127.0.0.22");
                await().atMost(Duration.ofSeconds(30)).until(() -> dns.addresses("e0.example.test.").equals(both)
                        && dns.addresses("e" + (ENDPOINTS - 1) + ".example.test.").equals(both));
                Thread.sleep(500); // let the last applies settle

                // The disk is "full": no log may write beyond what it holds now (a plan of 40 endpoints is
                // kilobytes). The logs zero space ahead of their appends, so the limit is where their data
                // ends, not their size: RLIMIT_FSIZE refuses a write at or beyond it, overwrite or not.
                Path data = dir.resolve("data");
                long limit = Math.max(dataEnd(data.resolve("plans.log")), dataEnd(data.resolve("records.log"))) + 64;
                prlimitFileSize(d.pid(), Long.toString(limit));
                long warningsBefore = d.countLines(DAEMON_WARNINGS);
                b.close(); // lb-b fails: the planner's next plan cannot be written
                Thread.sleep(4_000);
                assertThat(dns.addresses("e0.example.test.")).as("DNS keeps answering what was acknowledged").isEqualTo(both);
                assertThat(d.awaitExit(Duration.ZERO)).as(d::output).isEmpty();
                long warningsDuring = d.countLines(DAEMON_WARNINGS) - warningsBefore;
                assertThat(warningsDuring).as("a failure is logged once per role, not once per tick:\n" + d.output()).isBetween(1L, 8L);
                JsonNode during = status(ports[1]);
                JsonNode plans = null;
                for (JsonNode st : during.path("stores")) if (st.path("store").asText().equals("plans")) plans = st;
                assertThat(plans).as(during::toString).isNotNull();
                assertThat(plans.path("state").asText()).isIn("FAILED", "RECOVERING");
                assertThat(plans.path("reason").asText()).contains("File too large");
                assertThat(plans.path("whatToDo").asText()).contains("automatically");
                Cli.Result text = Cli.run("status", "--api", "http://127.0.0.1:" + ports[1], "--data-dir", dir.resolve("data").toString());
                assertThat(text.out()).as(text::toString).startsWith("!! plans store ");
                // Customers are told, by Waymark itself: the status page (open, no token) says so and an incident opens.
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    JsonNode page = publicPage(ports[1]);
                    assertThat(page.path("endpoints").get(0).path("status").asText()).as(page::toString).isEqualTo("serving last known good answers");
                    assertThat(page.path("incidents")).as(page::toString).anySatisfy(i -> {
                        assertThat(i.path("open").asBoolean()).isTrue();
                        assertThat(i.path("title").asText()).isEqualTo("Waymark cannot save changes");
                    });
                });

                prlimitFileSize(d.pid(), "unlimited"); // space again
                await().atMost(Duration.ofSeconds(60)).until(() -> dns.addresses("e0.example.test.").equals(Set.of("127.0.0.21"))
                        && dns.addresses("e" + (ENDPOINTS - 1) + ".example.test.").equals(Set.of("127.0.0.21")));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    JsonNode s = status(ports[1]);
                    assertThat(s.path("stores").size()).as(s::toString).isEqualTo(2);
                    for (JsonNode store : s.path("stores")) assertThat(store.path("state").asText()).as(s::toString).isEqualTo("UP");
                });
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(publicPage(ports[1]).path("incidents"))
                        .as("closed by itself once the store works again").anySatisfy(i -> {
                            assertThat(i.path("title").asText()).isEqualTo("Waymark cannot save changes");
                            assertThat(i.path("open").asBoolean()).isFalse();
                            assertThat(i.path("updates").get(i.path("updates").size() - 1).path("text").asText()).startsWith("Resolved");
                        }).noneMatch(i -> i.path("title").asText().equals("Waymark cannot save changes") && i.path("open").asBoolean()));
                // Once in metrics too: one failure episode of the plan store, however many reopen attempts it took.
                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[1] + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).containsPattern("waymark_store_failures_total\\{[^}]*store=\"plans\"[^}]*\\} 1\\.0")
                        .containsPattern("waymark_store_up\\{store=\"plans\"\\} 1\\.0")
                        .containsPattern("waymark_store_reopen_attempts_total\\{store=\"plans\"\\} [1-9]");
                d.stop();
            }
        }
    }
}
