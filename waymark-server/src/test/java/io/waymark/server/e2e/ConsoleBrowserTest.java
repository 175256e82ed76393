package io.waymark.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waymark.core.model.Endpoint;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in a real headless Chromium (Debian's {@code /usr/bin/chromium}, driven by
 * playwright-core from {@code src/test/browser}, which {@code scripts/setup} installs), against the
 * daemon exactly as {@code ./waymark run} builds it. The browser loads the console, sees a write
 * without the token refused, sees a failing target turn DOWN and leave the answer, pauses with the
 * token and sees the enactors stop, reads a plan diff and the status page; screenshots go to
 * {@code target/console-screenshots}. Then the daemon's side: paused in the plan store, audited once
 * (the refused attempt left nothing), and DNS does not follow a health change while paused.
 *
 * <p>Not skipped when node or chromium is missing: it fails and says to run {@code scripts/setup}.
 */
class ConsoleBrowserTest {
    private static final Path BROWSER_DIR = Path.of("src/test/browser").toAbsolutePath();
    private static final Path SCREENSHOTS = Path.of("target/console-screenshots").toAbsolutePath();
    private static final Duration FOLLOWS = Duration.ofSeconds(30);
    private static final String TARGET = "use1-az2-a";

    @TempDir Path dir;

    @Test
    void theConsoleShowsAFailingTargetRefusesAWriteWithoutTheTokenAndPausesTheEnactors() throws Exception {
        assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium is needed: run scripts/setup").exists();
        assertThat(BROWSER_DIR.resolve("node_modules/playwright-core")).as("playwright-core is needed: run scripts/setup (npm install in src/test/browser)").exists();
        try (RunningDemo demo = RunningDemo.start(dir.resolve("data")).awaitSteady(FOLLOWS)) {
            String address = demo.address(TARGET);
            List<String> out = runNode(demo, address);
            String result = out.stream().filter(l -> l.startsWith("RESULT ")).findFirst()
                    .orElseThrow(() -> new AssertionError("the browser run did not finish:\n" + String.join("\n", out)));
            JsonNode r = new ObjectMapper().readTree(result.substring("RESULT ".length()));
            System.out.printf("console: target DOWN visible %d ms after the fail request, address gone from the card after %d ms%n",
                    r.path("failVisibleMs").asLong(), r.path("answerChangedMs").asLong());
            assertThat(r.path("refusedText").asText()).contains("401").contains("nothing was changed");
            assertThat(r.path("pauseConfirmation").asText()).contains("enactors stop writing; DNS keeps answering the last applied records");
            assertThat(r.path("diff").asText()).contains("− " + address + " weight");
            assertThat(r.path("statusPage").asText()).contains("automation paused");
            for (String shot : List.of("01-overview.png", "02-refused-without-token.png", "03-target-failed.png", "04-paused.png", "05-plan-diff.png", "06-status-page.png")) {
                assertThat(SCREENSHOTS.resolve(shot)).isNotEmptyFile();
            }

            // The daemon's side of what the browser saw.
            assertThat(demo.daemon.planStore().flags().paused()).isTrue();
            List<String> pauses = Files.readAllLines(demo.daemon.config().dataDir().resolve("audit.log")).stream()
                    .filter(l -> l.contains("\"action\":\"pause\"")).toList();
            assertThat(pauses).as("the refused pause left no trace; the accepted one is audited").singleElement().asString().contains("console via http");
            Endpoint api = Endpoint.of(RunningDemo.ENDPOINT);
            long served = demo.daemon.recordStore().read(api).stamp().generation().value();
            long latest = demo.latestGeneration();
            assertThat(demo.post("/api/targets/" + TARGET + "/recover")).isEqualTo(200);
            await().atMost(FOLLOWS).until(() -> demo.latestGeneration() > latest);
            await().during(Duration.ofMillis(1_500)).atMost(FOLLOWS).untilAsserted(() -> {
                assertThat(demo.answer()).as("paused: DNS does not follow").isEqualTo(RunningDemo.without(address));
                assertThat(demo.daemon.recordStore().read(api).stamp().generation().value()).isEqualTo(served);
            });
        }
    }

    private static List<String> runNode(RunningDemo demo, String address) throws Exception {
        if (Files.isDirectory(SCREENSHOTS)) {
            // This run's screenshots only: a failure.png left by an earlier run would mislead.
            try (var old = Files.list(SCREENSHOTS)) {
                for (Path p : old.toList()) Files.delete(p);
            }
        }
        ProcessBuilder pb = new ProcessBuilder("node", "console.test.mjs").directory(BROWSER_DIR.toFile()).redirectErrorStream(true);
        pb.environment().put("WAYMARK_URL", demo.api);
        pb.environment().put("WAYMARK_TOKEN_FILE", demo.tokenFile().toString());
        pb.environment().put("WAYMARK_SCREENSHOTS", SCREENSHOTS.toString());
        pb.environment().put("WAYMARK_TARGET", TARGET);
        pb.environment().put("WAYMARK_TARGET_ADDRESS", address);
        Process p;
        try {
            p = pb.start();
        } catch (java.io.IOException e) {
            throw new AssertionError("node is needed for the browser test: run scripts/setup (" + e.getMessage() + ")", e);
        }
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                    System.out.println(l);
                    synchronized (lines) {
                        lines.add(l);
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        reader.start();
        boolean ended = p.waitFor(5, TimeUnit.MINUTES);
        if (!ended) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        reader.join(10_000);
        synchronized (lines) {
            assertThat(ended).as("browser run ended in time:\n" + String.join("\n", lines)).isTrue();
            assertThat(p.exitValue()).as("browser run (screenshots in " + SCREENSHOTS + "):\n" + String.join("\n", lines)).isZero();
            return List.copyOf(lines);
        }
    }
}
