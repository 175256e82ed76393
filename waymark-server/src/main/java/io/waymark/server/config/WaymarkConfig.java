package io.waymark.server.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a daemon needs, validated: built by {@link ConfigLoader} from waymark.yaml, or by
 * {@link DemoConfig} for {@code ./waymark run}. Cross-references (an endpoint naming a target, an
 * endpoint lying inside a zone) were checked when it was built.
 */
public record WaymarkConfig(
        Path dataDir,
        DnsSettings dns,
        HttpSettings http,
        List<ZoneSettings> zones,
        List<TargetSettings> targets,
        List<EndpointSettings> endpoints,
        SafetySettings safety,
        PlannerSettings planner,
        EnactorSettings enactors,
        PlanStoreConfig planStore,
        RecordStoreConfig recordStore) {

    public WaymarkConfig {
        if (planStore == null || recordStore == null) throw new IllegalArgumentException("planStore and recordStore must not be null (PlanStoreConfig.DEFAULT, RecordStoreConfig.DEFAULT)");
        zones = List.copyOf(zones);
        targets = List.copyOf(targets);
        endpoints = List.copyOf(endpoints);
    }

    /** Embedded stores in the data directory (the single-process default). */
    public WaymarkConfig(Path dataDir, DnsSettings dns, HttpSettings http, List<ZoneSettings> zones, List<TargetSettings> targets,
            List<EndpointSettings> endpoints, SafetySettings safety, PlannerSettings planner, EnactorSettings enactors) {
        this(dataDir, dns, http, zones, targets, endpoints, safety, planner, enactors, PlanStoreConfig.DEFAULT, RecordStoreConfig.DEFAULT);
    }

    /** Whether plans live in etcd (distributed mode: roles may run in separate processes). */
    public boolean distributed() {
        return planStore instanceof PlanStoreConfig.Etcd;
    }

    /** The same configuration on other stores (benchmarks and tests build distributed configurations in code). */
    public WaymarkConfig withStores(PlanStoreConfig plans, RecordStoreConfig records) {
        return new WaymarkConfig(dataDir, dns, http, zones, targets, endpoints, safety, planner, enactors, plans, records);
    }

    /** The same configuration with another DNS port (the CLI's --dns-port overrides the file). */
    public WaymarkConfig withDnsPort(int port) {
        return new WaymarkConfig(dataDir, new DnsSettings(dns.listen(), port, dns.answerAddressesMax(), dns.tcpConnectionsMax(), dns.tcpIdleTimeoutMs()),
                http, zones, targets, endpoints, safety, planner, enactors, planStore, recordStore);
    }

    public record DnsSettings(String listen, int port, int answerAddressesMax, int tcpConnectionsMax, int tcpIdleTimeoutMs) {}

    public record HttpSettings(String listen, int port) {}

    /** A zone served authoritatively; {@code file} is an RFC 1035 zone file, or null for SOA+NS only. */
    public record ZoneSettings(String origin, Path file) {}

    public enum CheckKind { TCP, HTTP }

    /** Health check of one target: probe {@code address:port} (and GET {@code path} for HTTP). */
    public record CheckSettings(CheckKind kind, int port, String path, int intervalMs, int timeoutMs, int rise, int fall) {}

    public record TargetSettings(String id, String address, String zone, long capacity, CheckSettings check) {}

    public record EndpointSettings(String name, int ttlSeconds, List<String> targets) {
        public EndpointSettings {
            targets = List.copyOf(targets);
        }
    }

    /** The planner's and enactors' safety rules (DESIGN.md "The protocol"). */
    public record SafetySettings(
            double minHealthyFraction,
            double velocityMaxRemovedFraction,
            long velocityWindowMs,
            double changeThresholdFraction,
            boolean failOpen) {}

    public record PlannerSettings(long tickMs, int historyRetention) {}

    public record EnactorSettings(int count, long tickMs, int endpointsPerTickMax) {}
}
