package io.waymark.server.config;

import io.waymark.server.config.WaymarkConfig.CheckKind;
import io.waymark.server.config.WaymarkConfig.CheckSettings;
import io.waymark.server.config.WaymarkConfig.DnsSettings;
import io.waymark.server.config.WaymarkConfig.EnactorSettings;
import io.waymark.server.config.WaymarkConfig.EndpointSettings;
import io.waymark.server.config.WaymarkConfig.HttpSettings;
import io.waymark.server.config.WaymarkConfig.PlannerSettings;
import io.waymark.server.config.WaymarkConfig.SafetySettings;
import io.waymark.server.config.WaymarkConfig.TargetSettings;
import io.waymark.server.config.WaymarkConfig.ZoneSettings;
import io.waymark.server.demo.DemoFleet;
import io.waymark.server.demo.DemoTarget;
import java.nio.file.Path;
import java.util.List;

/** The embedded defaults of {@code ./waymark run}: zone waymark.test., endpoint api.waymark.test. over the demo fleet. */
public final class DemoConfig {
    public static final String ZONE = "waymark.test.";
    public static final String ENDPOINT = "api.waymark.test.";
    /** Fast checks so that a demo failure shows in the answer within a couple of seconds. */
    private static final int CHECK_INTERVAL_MS = 500;
    /** Generous against a cold JVM's first HTTP request, which can take a few hundred ms. */
    private static final int CHECK_TIMEOUT_MS = 500;

    private DemoConfig() {}

    public static WaymarkConfig of(DemoFleet fleet, Path dataDir, int dnsPort, int httpPort) {
        List<TargetSettings> targets = fleet.targets().stream()
                .map(t -> target(t))
                .toList();
        List<String> ids = targets.stream().map(TargetSettings::id).toList();
        return new WaymarkConfig(
                dataDir,
                new DnsSettings("127.0.0.1", dnsPort, 8, 1024, 10_000),
                // Reads open on the demo (loopback only): the console shows everything at once; writes need the token.
                new HttpSettings("127.0.0.1", httpPort).withOpenReads(true),
                List.of(new ZoneSettings(ZONE, null)),
                targets,
                List.of(new EndpointSettings(ENDPOINT, 5, ids)),
                // The production rules, with a short velocity window so a demo shows them within seconds:
                // below half the capacity healthy nothing more is removed; at most half per 10 s.
                new SafetySettings(0.5, 0.5, 10_000, 0.3, true),
                new PlannerSettings(250, 50),
                new EnactorSettings(3, 100, 10_000));
    }

    private static TargetSettings target(DemoTarget t) {
        return new TargetSettings(t.id(), t.address(), t.zone(), t.capacity(),
                new CheckSettings(CheckKind.HTTP, t.port(), "/health", CHECK_INTERVAL_MS, CHECK_TIMEOUT_MS, 2, 2));
    }
}
