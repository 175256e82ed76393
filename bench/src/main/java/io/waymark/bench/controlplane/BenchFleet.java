package io.waymark.bench.controlplane;

import io.waymark.adapters.plan.FilePlanStore;
import io.waymark.core.model.ControlFlags;
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
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The benchmarks' daemon: n endpoints {@code e<i>.bench.test.} served by the real daemon (durable
 * plan and record stores, 3 enactors, DNS server). The benchmark publishes the plans itself: the plan
 * store is pinned before the daemon starts, so its planner stays out of the way.
 *
 * <p>Endpoint i in "version" v answers 10.(v mod 256).(i/256 mod 256).(i mod 256) — a pure function,
 * so a checker knows what every answer must be.
 */
final class BenchFleet {
    static final String ZONE = "bench.test.";

    private BenchFleet() {}

    static String name(int i) {
        return "e" + i + "." + ZONE;
    }

    static Endpoint endpoint(int i) {
        return Endpoint.of(name(i));
    }

    static int address(int i, long version) {
        return (10 << 24) | (int) ((version % 256) << 16) | ((i >>> 8) & 0xff) << 8 | (i & 0xff);
    }

    static RecordSet records(int i, long version) {
        int a = address(i, version);
        try {
            InetAddress ip = InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
            return new RecordSet(List.of(new WeightedAddress(ip, 1)), 30);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every endpoint at {@code version}, except those listed in {@code overrides} (index → version). */
    static TreeMap<Endpoint, RecordSet> recordSets(int n, long version) {
        TreeMap<Endpoint, RecordSet> sets = new TreeMap<>();
        for (int i = 0; i < n; i++) sets.put(endpoint(i), records(i, version));
        return sets;
    }

    static PlanDraft draft(TreeMap<Endpoint, RecordSet> sets, boolean forced) {
        return new PlanDraft(sets, forced);
    }

    static void pin(Path dataDir) throws IOException {
        try (FilePlanStore s = FilePlanStore.open(dataDir)) {
            s.updateFlags(s.flags(), ControlFlags.NONE.withPinned(true));
        }
    }

    static WaymarkConfig config(Path dataDir, int n, long enactorTickMs, int endpointsPerTickMax) {
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
                new PlannerSettings(500, 20),
                new EnactorSettings(3, enactorTickMs, endpointsPerTickMax));
    }
}
