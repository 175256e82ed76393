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
        EnactorSettings enactors) {

    public WaymarkConfig {
        zones = List.copyOf(zones);
        targets = List.copyOf(targets);
        endpoints = List.copyOf(endpoints);
    }

    /** The same configuration with another DNS port (the CLI's --dns-port overrides the file). */
    public WaymarkConfig withDnsPort(int port) {
        return new WaymarkConfig(dataDir, dns.withPort(port), http, zones, targets, endpoints, safety, planner, enactors);
    }

    /**
     * The {@code dns:} section. TCP limits as in {@code DnsServerConfig} (per source address, a whole
     * message's deadline from its first byte); {@code identity} answers CHAOS id.server./hostname.bind.
     * and {@code nsid} the NSID option, both empty (off) by default. {@code udpThroughFfm}: UDP via
     * recvmmsg/sendmmsg called through FFM ({@code udpIo: ffm}) instead of Netty.
     */
    public record DnsSettings(String listen, int port, int answerAddressesMax, int tcpConnectionsMax, int tcpIdleTimeoutMs,
            int tcpConnectionsPerAddressMax, int tcpMessageTimeoutMs, String identity, String nsid, boolean udpThroughFfm) {
        /** With the per-address limit, message deadline, identity and NSID at their defaults. */
        public DnsSettings(String listen, int port, int answerAddressesMax, int tcpConnectionsMax, int tcpIdleTimeoutMs) {
            this(listen, port, answerAddressesMax, tcpConnectionsMax, tcpIdleTimeoutMs,
                    Math.min(io.waymark.dns.DnsServerConfig.TCP_CONNECTIONS_PER_ADDRESS_MAX_DEFAULT, tcpConnectionsMax),
                    io.waymark.dns.DnsServerConfig.TCP_MESSAGE_TIMEOUT_MS_DEFAULT, "", "", false);
        }

        DnsSettings withPort(int port) {
            return new DnsSettings(listen, port, answerAddressesMax, tcpConnectionsMax, tcpIdleTimeoutMs, tcpConnectionsPerAddressMax, tcpMessageTimeoutMs, identity, nsid, udpThroughFfm);
        }
    }

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
