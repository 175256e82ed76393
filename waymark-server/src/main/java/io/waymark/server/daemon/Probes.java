package io.waymark.server.daemon;

import io.waymark.adapters.health.CheckPolicy;
import io.waymark.adapters.health.HealthCheck;
import io.waymark.adapters.health.HttpProbe;
import io.waymark.adapters.health.Probe;
import io.waymark.adapters.health.TcpProbe;
import io.waymark.server.config.WaymarkConfig;
import io.waymark.server.config.WaymarkConfig.TargetSettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The health check of every configured target: TCP connect or HTTP GET, with its interval, timeout, rise and fall. */
final class Probes {
    /** Connect timeout of the shared HTTP client; each probe's own deadline (CheckSettings.timeoutMs) is shorter or equal. */
    private static final Duration HTTP_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private Probes() {}

    static List<HealthCheck> checks(WaymarkConfig config, CheckRecorder recorder) {
        HttpClient client = HttpProbe.newClient(HTTP_CONNECT_TIMEOUT);
        List<HealthCheck> checks = new ArrayList<>();
        for (TargetSettings t : config.targets()) {
            WaymarkConfig.CheckSettings c = t.check();
            Probe probe = switch (c.kind()) {
                case TCP -> new TcpProbe(new InetSocketAddress(Roles.target(t).address(), c.port()));
                case HTTP -> new HttpProbe(client, URI.create("http://" + hostPart(t.address()) + ":" + c.port() + c.path()));
            };
            checks.add(new HealthCheck(t.id(), recorder.recording(t.id(), probe), new CheckPolicy(Duration.ofMillis(c.intervalMs()), Duration.ofMillis(c.timeoutMs()), c.rise(), c.fall())));
        }
        return checks;
    }

    private static String hostPart(String address) {
        return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    }
}
