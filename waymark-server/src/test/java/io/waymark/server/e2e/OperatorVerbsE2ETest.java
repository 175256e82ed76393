package io.waymark.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.Plan;
import io.waymark.core.model.WeightedAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator verbs through the real CLI command tree against a running daemon's HTTP API, with
 * their effect checked where it matters: in DNS answers on the wire. Each test gets its own daemon
 * (and so its own velocity window and plan history).
 */
class OperatorVerbsE2ETest {
    private static final Duration FOLLOWS = Duration.ofSeconds(20);
    /** How long "nothing reaches DNS" is watched: many enactor ticks (100 ms) and planner ticks (250 ms). */
    private static final Duration HELD = Duration.ofMillis(1_500);
    private static final Endpoint API = Endpoint.of(RunningDemo.ENDPOINT);

    @TempDir Path dir;
    private RunningDemo demo;

    @BeforeEach
    void start() throws Exception {
        demo = RunningDemo.start(dir.resolve("data")).awaitSteady(FOLLOWS);
    }

    @AfterEach
    void stop() {
        demo.close();
    }

    private Cli.Result ok(String... args) {
        Cli.Result r = demo.cli(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r).isZero();
        assertThat(r.err()).as(String.join(" ", args)).isEmpty();
        return r;
    }

    private Cli.Result fails(String... args) {
        Cli.Result r = demo.cli(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r).isNotZero();
        assertThat(r.out()).as(String.join(" ", args)).isEmpty();
        return r;
    }

    private static Set<String> addresses(Plan p) {
        return p.recordSets().get(API).addresses().stream().map(WeightedAddress::address).map(a -> a.getHostAddress()).collect(Collectors.toSet());
    }

    /** The audit log's lines with {@code action}: who did what, when. */
    private java.util.List<String> audited(String action) throws java.io.IOException {
        java.nio.file.Path file = demo.daemon.config().dataDir().resolve("audit.log");
        if (!java.nio.file.Files.exists(file)) return java.util.List.of();
        return java.nio.file.Files.readAllLines(file).stream().filter(l -> l.contains("\"action\":\"" + action + "\"")).toList();
    }

    private Plan latest() {
        return demo.daemon.planStore().latest().orElseThrow();
    }

    @Test
    void statusShowsEndpointsEnactorsPlannerAndTargets() {
        Cli.Result r = ok("status");
        assertThat(r.out()).contains("latest plan: g" + demo.latestGeneration())
                .contains("api.waymark.test.").contains("127.0.0.13*200")
                .contains("enactor-1", "enactor-2", "enactor-3").contains("planner:")
                .contains("use1-az1-a", "use1-az1-b", "use1-az2-a", "use1-az2-b", "use1-az3-a", "use1-az3-b")
                .doesNotContain("PAUSED", "PINNED", "UNHEALTHY");
        assertThat(ok("status", "--json").out()).contains("\"latestGeneration\"").contains("\"enactors\"");
        // Each enactor once: the status page, the console and the per-enactor gauges are built from this list.
        assertThat(demo.daemon.enactors()).extracting(io.waymark.server.http.Operations.EnactorStatus::id)
                .containsExactly("enactor-1", "enactor-2", "enactor-3");
    }

    @Test
    void planShowHistoryAndDiff() {
        long first = demo.latestGeneration();
        assertThat(ok("plan", "show").out()).startsWith("plan g" + first).contains("api.waymark.test.").contains("127.0.0.13*200");

        ok("target", "fail", "use1-az2-a");
        await().atMost(FOLLOWS).untilAsserted(() -> assertThat(demo.answer()).isEqualTo(RunningDemo.without("127.0.0.13")));
        long second = demo.latestGeneration();
        assertThat(second).isGreaterThan(first);

        assertThat(ok("plan", "show").out()).startsWith("plan g" + second).doesNotContain("127.0.0.13");
        assertThat(ok("plan", "show", Long.toString(first)).out()).startsWith("plan g" + first).contains("127.0.0.13*200");
        assertThat(ok("plan", "history").out()).contains("g" + first + " ").containsPattern("g" + second + " .*<- latest");
        assertThat(ok("plan", "diff", Long.toString(first), Long.toString(second)).out())
                .contains("g" + first + " -> g" + second).contains("- 127.0.0.13 weight 200");
        assertThat(ok("plan", "diff", Long.toString(second), Long.toString(second)).out()).contains("no differences");
    }

    @Test
    void pauseKeepsHealthChangesOutOfDnsUntilResume() throws Exception {
        assertThat(ok("pause").out()).contains("paused");
        assertThat(ok("status").out()).contains("PAUSED");
        long before = demo.latestGeneration();

        ok("target", "fail", "use1-az2-a");
        // The planner still plans (pause stops enactors, not the planner) ...
        await().atMost(FOLLOWS).until(() -> demo.latestGeneration() > before && !addresses(latest()).contains("127.0.0.13"));
        // ... but nothing reaches DNS while paused.
        await().during(HELD).atMost(HELD.plus(FOLLOWS)).untilAsserted(() -> assertThat(demo.answer()).isEqualTo(RunningDemo.ALL));
        assertThat(demo.daemon.recordStore().read(API).stamp().generation().value()).isLessThanOrEqualTo(before);

        assertThat(ok("resume").out()).contains("resumed");
        await().atMost(FOLLOWS).untilAsserted(() -> assertThat(demo.answer()).isEqualTo(RunningDemo.without("127.0.0.13")));
        assertThat(ok("status").out()).doesNotContain("PAUSED");
        assertThat(audited("pause")).singleElement().asString().contains("\"who\":\"" + System.getProperty("user.name") + " (waymark CLI) via http", "\"at\":\"20");
        assertThat(audited("resume")).hasSize(1);
    }

    @Test
    void pinHoldsThePlanUntilUnpin() throws Exception {
        assertThat(ok("pin").out()).contains("pinned");
        assertThat(ok("status").out()).contains("PINNED");
        long before = demo.latestGeneration();

        ok("target", "fail", "use1-az3-a");
        await().atMost(FOLLOWS).until(() -> !demo.healthy("use1-az3-a"));
        await().atMost(FOLLOWS).until(() -> demo.daemon.plannerLastResult().contains("PINNED"));
        await().during(HELD).atMost(HELD.plus(FOLLOWS)).untilAsserted(() -> {
            assertThat(demo.latestGeneration()).isEqualTo(before);
            assertThat(demo.answer()).isEqualTo(RunningDemo.ALL);
        });

        assertThat(ok("unpin").out()).contains("unpinned");
        await().atMost(FOLLOWS).untilAsserted(() -> assertThat(demo.answer()).isEqualTo(RunningDemo.without("127.0.0.15")));
        assertThat(demo.latestGeneration()).isGreaterThan(before);
        assertThat(audited("pin")).hasSize(1);
        assertThat(audited("unpin")).hasSize(1);
    }

    @Test
    void rollbackPublishesOldContentAsANewForcedGenerationAndDnsServesIt() throws Exception {
        Plan good = latest();
        assertThat(addresses(good)).isEqualTo(RunningDemo.ALL);

        ok("target", "fail", "use1-az2-a");
        await().atMost(FOLLOWS).untilAsserted(() -> assertThat(demo.answer()).isEqualTo(RunningDemo.without("127.0.0.13")));
        // Hold the planner, or it would at once re-plan around the still failing target.
        ok("pin");
        long before = demo.latestGeneration();

        Cli.Result r = ok("rollback", Long.toString(good.generation().value()));
        assertThat(r.out()).contains("rolled forward").contains("g" + good.generation().value()).contains("g" + (before + 1));
        Plan rolled = latest();
        assertThat(rolled.generation()).isEqualTo(Generation.of(before + 1));
        assertThat(rolled.forced()).isTrue();
        assertThat(rolled.recordSets()).isEqualTo(good.recordSets());
        assertThat(ok("plan", "show").out()).startsWith("plan g" + (before + 1)).contains("(forced)");

        // DNS serves the old content, under the new generation.
        await().atMost(FOLLOWS).untilAsserted(() -> assertThat(demo.answer()).isEqualTo(RunningDemo.ALL));
        assertThat(demo.daemon.recordStore().read(API).stamp()).isEqualTo(rolled.stamp());
        assertThat(ok("status").out()).containsPattern("api\\.waymark\\.test\\.\\s+g" + (before + 1) + " ");
        assertThat(audited("rollback")).singleElement().asString().contains("\"from\":\"g" + good.generation().value() + "\"");
    }

    @Test
    void clearErrorsForBadGenerationsTargetsAndArguments() {
        assertThat(fails("rollback", "999").err()).isEqualTo("waymark: rollback to g999 refused: NOT_FOUND: plan g999 is not in history\n");
        assertThat(fails("plan", "show", "999").err()).contains("plan g999 is not in the plan store");
        assertThat(fails("plan", "diff", "1", "999").err()).contains("plan g999 is not in the plan store");
        assertThat(fails("rollback", "0").err()).contains("not a generation: '0'");
        assertThat(fails("target", "fail", "no-such-target").err()).contains("no demo target 'no-such-target'").contains("use1-az1-a");
        assertThat(fails("rollback", "yesterday").err()).contains("yesterday");
        // Nothing changed by the refused verbs.
        assertThat(demo.answer()).isEqualTo(RunningDemo.ALL);
    }

    @Test
    void clearErrorWhenNoDaemonAnswers() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        for (String[] verb : new String[][] {{"status"}, {"pause"}, {"plan", "history"}, {"rollback", "1"}, {"target", "fail", "use1-az1-a"}}) {
            String[] args = java.util.Arrays.copyOf(verb, verb.length + 2);
            args[verb.length] = "--api";
            args[verb.length + 1] = "http://127.0.0.1:" + closedPort;
            Cli.Result r = Cli.run(args);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", verb)).startsWith("waymark: no Waymark daemon answers at http://127.0.0.1:" + closedPort);
        }
    }
}
