package io.waymark.adapters.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.Health;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthMonitorTest {
    private static final CheckPolicy FAST = new CheckPolicy(Duration.ofMillis(50), Duration.ofMillis(40), 2, 2);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) c.close();
    }

    private HealthMonitor monitor(List<HealthCheck> checks, int concurrency) {
        HealthMonitor m = new HealthMonitor(checks, concurrency, new SplittableRandom(42));
        cleanup.add(m);
        m.start();
        return m;
    }

    private HttpServer httpServer(AtomicInteger status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        cleanup.add(() -> server.stop(0));
        return server;
    }

    private HttpClient client() {
        HttpClient c = HttpProbe.newClient(Duration.ofSeconds(1));
        cleanup.add(c);
        return c;
    }

    @Test
    void httpCheckFollowsTheServerStatus() throws IOException {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = httpServer(status);
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health");
        CheckPolicy policy = new CheckPolicy(Duration.ofMillis(50), Duration.ofMillis(50), 2, 2);
        HealthMonitor m = monitor(List.of(new HealthCheck("web-1", new HttpProbe(client(), uri), policy)), 4);

        await().atMost(WAIT).until(() -> Health.UP.equals(m.view().get("web-1")));
        status.set(503);
        await().atMost(WAIT).until(() -> Health.DOWN.equals(m.view().get("web-1")));
        status.set(302); // a redirect proves the target is up
        await().atMost(WAIT).until(() -> Health.UP.equals(m.view().get("web-1")));
        assertThat(m.flips()).isGreaterThanOrEqualTo(3);
        assertThat(m.details().get("web-1").probes()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void tcpCheckFailsOnceTheListenerIsClosed() throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(listener);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        HealthMonitor m = monitor(List.of(new HealthCheck("tcp-1", new TcpProbe(address), FAST)), 4);

        await().atMost(WAIT).until(() -> Health.UP.equals(m.view().get("tcp-1")));
        listener.close();
        await().atMost(WAIT).until(() -> Health.DOWN.equals(m.view().get("tcp-1")));
    }

    @Test
    void concurrencyIsBoundedAndEveryTargetGetsProbed() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger runningMax = new AtomicInteger();
        List<HealthCheck> checks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            boolean healthy = i % 3 != 0;
            checks.add(new HealthCheck("t" + i, timeout -> {
                int now = running.incrementAndGet();
                runningMax.accumulateAndGet(now, Math::max);
                try {
                    Thread.sleep(5);
                    return healthy;
                } finally {
                    running.decrementAndGet();
                }
            }, FAST));
        }
        HealthMonitor m = monitor(checks, 7);
        await().atMost(WAIT).until(() -> !m.view().containsValue(Health.UNKNOWN));
        Map<String, Health> view = m.view();
        for (int i = 0; i < 300; i++) assertThat(view.get("t" + i)).isEqualTo(Health.of(i % 3 != 0));
        assertThat(runningMax.get()).isBetween(1, 7);
    }

    @Test
    void aTargetNotYetProbedIsUnknownNotAbsentNorDown() {
        // Issue 7, defect 12: the view used to leave unprobed targets out, and the planner read absent as down.
        HealthMonitor m = new HealthMonitor(List.of(new HealthCheck("slow", timeout -> true, FAST)), 1, new SplittableRandom(42));
        cleanup.add(m);
        assertThat(m.view()).containsExactly(Map.entry("slow", Health.UNKNOWN));
        assertThat(m.details().get("slow").known()).isFalse();
    }

    @Test
    void aThrowingProbeCountsAsAFailure() {
        HealthMonitor m = monitor(List.of(new HealthCheck("bad", timeout -> {
            throw new IllegalStateException("probe bug");
        }, FAST)), 1);
        await().atMost(WAIT).until(() -> Health.DOWN.equals(m.view().get("bad")));
    }

    @Test
    void closeStopsProbing() throws InterruptedException {
        AtomicInteger probes = new AtomicInteger();
        HealthMonitor m = monitor(List.of(new HealthCheck("t", timeout -> probes.incrementAndGet() > 0, FAST)), 1);
        await().atMost(WAIT).until(() -> probes.get() >= 3);
        m.close();
        int after = probes.get();
        Thread.sleep(300); // six intervals: any surviving schedule would have probed again
        assertThat(probes.get()).isEqualTo(after);
    }

    @Test
    void schedulesAreSpreadAndJittered() {
        SplittableRandom random = new SplittableRandom(7);
        Duration interval = Duration.ofSeconds(10);
        int buckets = 10;
        int[] firstByBucket = new int[buckets];
        for (int i = 0; i < 1000; i++) {
            Duration d = HealthMonitor.firstDelay(interval, random);
            assertThat(d).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(interval);
            firstByBucket[(int) (d.toNanos() * buckets / interval.toNanos())]++;
        }
        // Uniform: every tenth of the interval gets a share (expected 100 each).
        for (int count : firstByBucket) assertThat(count).isBetween(50, 150);
        long distinct = java.util.stream.IntStream.range(0, 100).mapToObj(i -> HealthMonitor.nextDelay(interval, random)).peek(d ->
                assertThat(d).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(11))).distinct().count();
        assertThat(distinct).isGreaterThan(90);
    }

    @Test
    void invalidConfigurationIsRefused() {
        assertThatThrownBy(() -> new CheckPolicy(Duration.ofSeconds(1), Duration.ofSeconds(2), 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0, 1)).isInstanceOf(IllegalArgumentException.class);
        HealthCheck a = new HealthCheck("a", t -> true, FAST);
        assertThatThrownBy(() -> new HealthMonitor(List.of(a, a), 1, new SplittableRandom())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpProbe(client(), URI.create("ftp://x/"))).isInstanceOf(IllegalArgumentException.class);
    }
}
