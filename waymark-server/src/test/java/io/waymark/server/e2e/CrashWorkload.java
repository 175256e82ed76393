package io.waymark.server.e2e;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.PlanDraft;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import io.waymark.server.config.WaymarkConfig;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the kill -9 test's child daemon serves: {@code n} endpoints {@code e<i>.crash.test.}, and for
 * every generation g a plan that changes all of them. Deterministic, so the parent knows exactly what
 * each generation means: endpoint i in generation g answers 10.(g mod 256).(i/256).(i mod 256) and
 * 11.(same).
 */
final class CrashWorkload {
    static final String ZONE = "crash.test.";

    private CrashWorkload() {}

    static String name(int i) {
        return "e" + i + "." + ZONE;
    }

    static Endpoint endpoint(int i) {
        return Endpoint.of(name(i));
    }

    static Set<String> addresses(int i, long generation) {
        String tail = (generation % 256) + "." + (i / 256) + "." + (i % 256);
        return Set.of("10." + tail, "11." + tail);
    }

    static PlanDraft draft(int n, long generation) {
        TreeMap<Endpoint, RecordSet> sets = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            List<WeightedAddress> as = addresses(i, generation).stream().map(a -> WeightedAddress.of(a, 1)).toList();
            sets.put(endpoint(i), new RecordSet(as, 30));
        }
        // Every plan changes every endpoint, far past the change threshold: published as forced.
        return new PlanDraft(sets, true);
    }

    /**
     * A daemon over the n endpoints. Its planner never publishes here (the plan store is pinned
     * before the daemon starts); its one target is probed rarely. Enactors read at most 25 stamps
     * per tick, so applying one plan takes over a hundred commits: a kill lands in the middle of applies.
     */
    static WaymarkConfig config(Path dataDir, int n) {
        CheckSettings check = new CheckSettings(CheckKind.TCP, 9, "/", 60_000, 1_000, 2, 2);
        List<EndpointSettings> endpoints = new ArrayList<>(n);
        for (int i = 0; i < n; i++) endpoints.add(new EndpointSettings(name(i), 30, List.of("t1")));
        return new WaymarkConfig(
                dataDir,
                new DnsSettings("127.0.0.1", 0, 8, 64, 10_000),
                new HttpSettings("127.0.0.1", 0),
                List.of(new ZoneSettings(ZONE, null)),
                List.of(new TargetSettings("t1", "127.0.0.1", "az1", 100, check)),
                endpoints,
                new SafetySettings(0.5, 0.5, 10_000, 0.3, true),
                new PlannerSettings(250, 50),
                new EnactorSettings(3, 50, 25));
    }
}
