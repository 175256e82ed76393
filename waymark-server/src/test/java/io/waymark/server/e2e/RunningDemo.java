package io.waymark.server.e2e;

import io.waymark.server.config.DemoConfig;
import io.waymark.server.daemon.Daemon;
import io.waymark.server.demo.DemoFleet;
import io.waymark.server.demo.DemoTarget;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The daemon exactly as {@code ./waymark run} builds it (demo fleet of 6 real HTTP targets on
 * 127.0.0.11–16, {@link DemoConfig}, durable stores, 3 enactors), on ephemeral DNS, HTTP and target ports.
 */
final class RunningDemo implements AutoCloseable {
    static final String ENDPOINT = DemoConfig.ENDPOINT;
    static final Set<String> ALL = Set.of("127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14", "127.0.0.15", "127.0.0.16");

    final DemoFleet fleet;
    final Daemon daemon;
    final Dns dns;
    final String api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RunningDemo(DemoFleet fleet, Daemon daemon) {
        this.fleet = fleet;
        this.daemon = daemon;
        this.dns = new Dns(daemon.dnsPort());
        this.api = "http://127.0.0.1:" + daemon.httpPort();
    }

    static RunningDemo start(Path dataDir) throws IOException {
        DemoFleet fleet = DemoFleet.start(0);
        try {
            return new RunningDemo(fleet, Daemon.start(DemoConfig.of(fleet, dataDir, 0, 0), Optional.of(fleet)));
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
    }

    /**
     * Waits until the start-up transient is over: targets start unknown (the planner publishes
     * nothing that depends on an unprobed target), and plans follow as their first probes pass. Steady = every target healthy,
     * the latest plan holds all six, the endpoint serves the latest plan, and DNS answers all six.
     */
    RunningDemo awaitSteady(Duration atMost) {
        org.awaitility.Awaitility.await().atMost(atMost).untilAsserted(() -> {
            org.assertj.core.api.Assertions.assertThat(daemon.targets()).allMatch(t -> t.healthy());
            // No plan yet is a state to wait out, not an error: the planner publishes nothing until targets are probed.
            var maybeLatest = daemon.planStore().latest();
            org.assertj.core.api.Assertions.assertThat(maybeLatest).as("a published plan").isPresent();
            var latest = maybeLatest.get();
            org.assertj.core.api.Assertions.assertThat(latest.recordSets().get(io.waymark.core.model.Endpoint.of(ENDPOINT)).addresses()).hasSize(6);
            org.assertj.core.api.Assertions.assertThat(daemon.recordStore().read(io.waymark.core.model.Endpoint.of(ENDPOINT)).stamp()).isEqualTo(latest.stamp());
            org.assertj.core.api.Assertions.assertThat(answer()).isEqualTo(ALL);
        });
        return this;
    }

    Set<String> answer() {
        return dns.addresses(ENDPOINT);
    }

    static Set<String> without(String... addresses) {
        Set<String> s = new TreeSet<>(ALL);
        s.removeAll(Arrays.asList(addresses));
        return s;
    }

    String address(String targetId) {
        return fleet.target(targetId).map(DemoTarget::address).orElseThrow();
    }

    long latestGeneration() {
        return daemon.planStore().latest().map(p -> p.generation().value()).orElse(0L);
    }

    boolean healthy(String targetId) {
        return daemon.targets().stream().filter(t -> t.id().equals(targetId)).findFirst().orElseThrow().healthy();
    }

    /** POSTs to the daemon's HTTP API with its token and returns the status code (the body is checked by the CLI tests). */
    int post(String path) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + daemon.apiToken().value()).POST(HttpRequest.BodyPublishers.noBody()).build();
        return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The API token's file, as {@code ./waymark run} leaves it in the data directory. */
    Path tokenFile() {
        return daemon.apiToken().file();
    }

    String get(String path) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A verb against this daemon, finding the token where an operator's CLI does: in the data directory. */
    Cli.Result cli(String... args) {
        String[] withApi = Arrays.copyOf(args, args.length + 4);
        withApi[args.length] = "--api";
        withApi[args.length + 1] = api;
        withApi[args.length + 2] = "--data-dir";
        withApi[args.length + 3] = daemon.config().dataDir().toString();
        return Cli.run(withApi);
    }

    @Override
    public void close() {
        daemon.close(); // closes the fleet too
    }
}
