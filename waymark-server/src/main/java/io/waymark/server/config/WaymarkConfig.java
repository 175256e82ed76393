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
        return new WaymarkConfig(dataDir, dns.withPort(port), http, zones, targets, endpoints, safety, planner, enactors, planStore, recordStore);
    }

    /**
     * The {@code dns:} section. TCP limits as in {@code DnsServerConfig} (per source address, a whole
     * message's deadline from its first byte); {@code identity} answers CHAOS id.server./hostname.bind.
     * and {@code nsid} the NSID option, both empty (off) by default. {@code udpThroughFfm}: UDP via
     * recvmmsg/sendmmsg called through FFM ({@code udpIo: ffm}, the default) or Netty ({@code udpIo: netty}). {@code transfer}:
     * zone transfers and NOTIFY ({@code dns.transfer}, see TransferConfigReader); none by default.
     * {@code updateKey}: the TSIG key RFC 2136 UPDATEs must be signed with ({@code dns.update}, see
     * UpdateConfigReader); empty: UPDATE is answered NOTIMP.
     */
    public record DnsSettings(String listen, int port, int answerAddressesMax, int tcpConnectionsMax, int tcpIdleTimeoutMs,
            int tcpConnectionsPerAddressMax, int tcpMessageTimeoutMs, String identity, String nsid, boolean udpThroughFfm,
            io.waymark.dns.TransferPolicy transfer, java.util.Optional<org.xbill.DNS.TSIG> updateKey) {
        public DnsSettings {
            if (transfer == null) throw new IllegalArgumentException("transfer policy must not be null (TransferPolicy.NONE: no transfers)");
            if (updateKey == null) throw new IllegalArgumentException("update key must not be null (Optional.empty(): no UPDATE)");
        }

        /** Without RFC 2136 UPDATE. */
        public DnsSettings(String listen, int port, int answerAddressesMax, int tcpConnectionsMax, int tcpIdleTimeoutMs,
                int tcpConnectionsPerAddressMax, int tcpMessageTimeoutMs, String identity, String nsid, boolean udpThroughFfm,
                io.waymark.dns.TransferPolicy transfer) {
            this(listen, port, answerAddressesMax, tcpConnectionsMax, tcpIdleTimeoutMs, tcpConnectionsPerAddressMax, tcpMessageTimeoutMs, identity, nsid, udpThroughFfm,
                    transfer, java.util.Optional.empty());
        }

        /** The same settings accepting UPDATEs signed with {@code key} (tests and benchmarks build it in code). */
        public DnsSettings withUpdateKey(org.xbill.DNS.TSIG key) {
            return new DnsSettings(listen, port, answerAddressesMax, tcpConnectionsMax, tcpIdleTimeoutMs, tcpConnectionsPerAddressMax, tcpMessageTimeoutMs, identity, nsid, udpThroughFfm,
                    transfer, java.util.Optional.of(key));
        }

        /** Without zone transfers (the server is no primary). */
        public DnsSettings(String listen, int port, int answerAddressesMax, int tcpConnectionsMax, int tcpIdleTimeoutMs,
                int tcpConnectionsPerAddressMax, int tcpMessageTimeoutMs, String identity, String nsid, boolean udpThroughFfm) {
            this(listen, port, answerAddressesMax, tcpConnectionsMax, tcpIdleTimeoutMs, tcpConnectionsPerAddressMax, tcpMessageTimeoutMs, identity, nsid, udpThroughFfm,
                    io.waymark.dns.TransferPolicy.NONE);
        }

        /** With the per-address limit, message deadline, identity, NSID and UDP path (FFM) at their defaults, as a config file without them. */
        public DnsSettings(String listen, int port, int answerAddressesMax, int tcpConnectionsMax, int tcpIdleTimeoutMs) {
            this(listen, port, answerAddressesMax, tcpConnectionsMax, tcpIdleTimeoutMs,
                    Math.min(io.waymark.dns.DnsServerConfig.TCP_CONNECTIONS_PER_ADDRESS_MAX_DEFAULT, tcpConnectionsMax),
                    io.waymark.dns.DnsServerConfig.TCP_MESSAGE_TIMEOUT_MS_DEFAULT, "", "", true);
        }

        DnsSettings withPort(int port) {
            return new DnsSettings(listen, port, answerAddressesMax, tcpConnectionsMax, tcpIdleTimeoutMs, tcpConnectionsPerAddressMax, tcpMessageTimeoutMs, identity, nsid, udpThroughFfm, transfer,
                    updateKey);
        }
    }

    /**
     * The HTTP API, console and status page.
     *
     * @param tokenFile             the bearer token for writes (and for reads unless {@code openReads}); null means
     *                              {@code DATA_DIR/api.token}, created (mode 0600) on first start when missing
     * @param openReads             reads (GET) of the JSON API and the console's event stream need no token; writes always do
     * @param degradedBelowFraction the status page calls an endpoint "degraded capacity" when less than this fraction of its
     *                              targets' capacity is healthy, and opens an incident
     */
    public record HttpSettings(String listen, int port, Path tokenFile, boolean openReads, double degradedBelowFraction) {
        public static final String TOKEN_FILE_DEFAULT = "api.token";
        public static final double DEGRADED_BELOW_FRACTION_DEFAULT = 0.75;

        public HttpSettings {
            if (!(degradedBelowFraction >= 0.0 && degradedBelowFraction <= 1.0)) {
                throw new IllegalArgumentException("degradedBelowFraction must be in [0, 1], got " + degradedBelowFraction);
            }
        }

        /** Token in the data directory, reads need it too, the default status threshold. */
        public HttpSettings(String listen, int port) {
            this(listen, port, null, false, DEGRADED_BELOW_FRACTION_DEFAULT);
        }

        /** Where the token is for a daemon on {@code dataDir}. */
        public Path tokenFileIn(Path dataDir) {
            return tokenFile != null ? tokenFile : dataDir.resolve(TOKEN_FILE_DEFAULT);
        }

        public HttpSettings withOpenReads(boolean open) {
            return new HttpSettings(listen, port, tokenFile, open, degradedBelowFraction);
        }
    }

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
