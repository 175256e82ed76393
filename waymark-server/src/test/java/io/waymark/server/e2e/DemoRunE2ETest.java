package io.waymark.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's promises for {@code ./waymark run}, end to end: the real daemon, real HTTP health checks
 * against the real demo targets, real DNS packets. "Within a few check intervals" is bounded here by
 * generous Awaitility deadlines (checks every 500 ms, fall/rise 2, planner 250 ms, enactors 100 ms):
 * the bound makes the test able to fail; how fast it really is lives in bench/.
 */
class DemoRunE2ETest {
    /** A few check intervals plus slack for a machine shared with other builds. */
    private static final Duration FOLLOWS = Duration.ofSeconds(20);

    @TempDir Path dir;

    @Test
    void answersAllSixAndFollowsFailAndRecover() throws Exception {
        try (RunningDemo demo = RunningDemo.start(dir.resolve("data"))) {
            // The first answers are all six (the first plan fails open while targets are still unknown).
            await().atMost(FOLLOWS).untilAsserted(() -> assertThat(demo.answer()).isEqualTo(RunningDemo.ALL));
            demo.awaitSteady(FOLLOWS);

            // Fail through the HTTP API: its address leaves the answer, and only its address.
            assertThat(demo.post("/api/targets/use1-az2-a/fail")).isEqualTo(200);
            await().atMost(FOLLOWS).untilAsserted(() -> assertThat(demo.answer()).isEqualTo(RunningDemo.without("127.0.0.13")));

            // Recover through the CLI verb: it comes back.
            Cli.Result r = demo.cli("target", "recover", "use1-az2-a");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("use1-az2-a passes its health check again");
            await().atMost(FOLLOWS).untilAsserted(() -> assertThat(demo.answer()).isEqualTo(RunningDemo.ALL));

            // And the other way round: fail through the CLI, recover through the API.
            r = demo.cli("target", "fail", "use1-az1-b");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            await().atMost(FOLLOWS).untilAsserted(() -> assertThat(demo.answer()).isEqualTo(RunningDemo.without("127.0.0.12")));
            assertThat(demo.post("/api/targets/use1-az1-b/recover")).isEqualTo(200);
            await().atMost(FOLLOWS).untilAsserted(() -> assertThat(demo.answer()).isEqualTo(RunningDemo.ALL));

            // Every change went through a new plan, and the endpoint serves the latest one.
            assertThat(demo.latestGeneration()).isGreaterThanOrEqualTo(5);
            assertThat(demo.daemon.recordStore().read(io.waymark.core.model.Endpoint.of(RunningDemo.ENDPOINT)).stamp().generation().value())
                    .isEqualTo(demo.latestGeneration());
        }
    }

    @Test
    void failingEveryTargetNeverEmptiesTheAnswer() throws Exception {
        try (RunningDemo demo = RunningDemo.start(dir.resolve("data"))) {
            demo.awaitSteady(FOLLOWS);
            long before = demo.latestGeneration();

            // Sample the answer back to back for the whole transition, from before the first failure
            // to after the last recovery: every single answer must hold at least one address.
            List<String> bad = new ArrayList<>();
            List<Set<String>> distinct = new ArrayList<>();
            long[] samples = {0};
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().name("sampler").start(() -> {
                while (sampling.get()) {
                    try {
                        Dns.Answer a = demo.dns.query(RunningDemo.ENDPOINT);
                        synchronized (bad) {
                            samples[0]++;
                            if (!a.nonEmpty()) bad.add("rcode " + a.rcode() + " addresses " + a.addresses());
                            else if (!RunningDemo.ALL.containsAll(a.addresses())) bad.add("foreign addresses " + a.addresses());
                            if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).equals(a.addresses())) distinct.add(a.addresses());
                        }
                        Thread.sleep(1);
                    } catch (Exception e) {
                        synchronized (bad) {
                            bad.add("no answer: " + e);
                        }
                    }
                }
            });
            try {
                // One first, so that the transition includes a real removal, then all the others at once.
                assertThat(demo.post("/api/targets/use1-az2-a/fail")).isEqualTo(200);
                await().atMost(FOLLOWS).untilAsserted(() -> assertThat(demo.answer()).isEqualTo(RunningDemo.without("127.0.0.13")));
                for (var t : demo.fleet.targets()) assertThat(demo.post("/api/targets/" + t.id() + "/fail")).isEqualTo(200);
                await().atMost(FOLLOWS).until(() -> demo.daemon.targets().stream().noneMatch(t -> t.healthy()));
                // The planner now sees every target down: fail open keeps the last known good set.
                await().atMost(FOLLOWS).until(() -> demo.get("/metrics").contains("rule=\"FAIL_OPEN\""));
                // Hold the all-down state for several planner and enactor ticks while sampling.
                Thread.sleep(2_000);
                Set<String> whileAllDown = demo.answer();
                assertThat(whileAllDown).isNotEmpty();

                for (var t : demo.fleet.targets()) assertThat(demo.post("/api/targets/" + t.id() + "/recover")).isEqualTo(200);
                await().atMost(FOLLOWS).untilAsserted(() -> assertThat(demo.answer()).isEqualTo(RunningDemo.ALL));
            } finally {
                sampling.set(false);
                sampler.join(10_000);
            }
            synchronized (bad) {
                System.out.println("fail-all: " + samples[0] + " samples, answers seen in order: " + distinct);
                assertThat(bad).as("bad answers among %d samples", samples[0]).isEmpty();
                assertThat(samples[0]).as("samples taken").isGreaterThan(200);
            }
            assertThat(distinct).as("answers went through the removal and back").contains(RunningDemo.without("127.0.0.13"), RunningDemo.ALL);
            assertThat(demo.latestGeneration()).as("the planner published while targets failed and recovered").isGreaterThan(before);
        }
    }
}
