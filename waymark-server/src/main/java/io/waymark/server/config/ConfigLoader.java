package io.waymark.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Target;
import io.waymark.core.model.WeightedAddress;
import io.waymark.dns.DnsServerConfig;
import io.waymark.dns.ServingOptions;
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
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads waymark.yaml. Every value is checked here, before anything starts, and a refusal names the
 * key, the value and what is expected (see {@link ConfigException}). Relative paths are resolved
 * against the file's folder so a config means the same thing from any working directory.
 */
public final class ConfigLoader {
    static final int TARGETS_MAX = 100_000;
    static final int ENDPOINTS_MAX = 100_000;
    static final int ZONES_MAX = 1_000;

    private ConfigLoader() {}

    public static WaymarkConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, base);
    }

    public static WaymarkConfig parse(String yaml, Path base) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("config is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        if (root == null || root.isMissingNode()) throw new ConfigException("config file is empty");
        ConfigNode top = new ConfigNode(root, "");
        WaymarkConfig config = read(top, base);
        top.refuseUnknownKeys();
        return config;
    }

    /** CHAOS identity or NSID: printable ASCII, at most 255 characters (ServingOptions' rule), empty for off. */
    private static String identity(ConfigNode dnsNode, String key) {
        String value = dnsNode.string(key, "");
        if (value.length() > ServingOptions.IDENTITY_LENGTH_MAX || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw dnsNode.invalid(key, "'" + value + "'", "at most " + ServingOptions.IDENTITY_LENGTH_MAX + " printable ASCII characters (empty: off)");
        }
        return value;
    }

    private static boolean udpThroughFfm(ConfigNode dnsNode) {
        String io = dnsNode.string("udpIo", "ffm");
        if (!io.equals("netty") && !io.equals("ffm")) throw dnsNode.invalid("udpIo", "'" + io + "'", "netty or ffm");
        return io.equals("ffm");
    }

    private static WaymarkConfig read(ConfigNode top, Path base) {
        Path dataDir = base.resolve(top.string("dataDir", "data")).normalize();

        ConfigNode dnsNode = top.child("dns");
        int tcpConnectionsMax = (int) dnsNode.integer("tcpConnectionsMax", 1024, 1, 100_000);
        DnsSettings dns = new DnsSettings(
                address(dnsNode, "listen", "127.0.0.1"),
                (int) dnsNode.integer("port", 5353, 0, 65535),
                (int) dnsNode.integer("answerAddressesMax", 8, 1, 64),
                tcpConnectionsMax,
                (int) dnsNode.integer("tcpIdleTimeoutMs", 10_000, 100, 600_000),
                (int) dnsNode.integer("tcpConnectionsPerAddressMax", Math.min(DnsServerConfig.TCP_CONNECTIONS_PER_ADDRESS_MAX_DEFAULT, tcpConnectionsMax), 1, tcpConnectionsMax),
                (int) dnsNode.integer("tcpMessageTimeoutMs", DnsServerConfig.TCP_MESSAGE_TIMEOUT_MS_DEFAULT, 100, 600_000),
                identity(dnsNode, "identity"),
                identity(dnsNode, "nsid"),
                udpThroughFfm(dnsNode),
                TransferConfigReader.read(dnsNode, base),
                UpdateConfigReader.read(dnsNode, base));
        dnsNode.refuseUnknownKeys();

        ConfigNode httpNode = top.child("http");
        String tokenFile = httpNode.string("tokenFile", null);
        HttpSettings http = new HttpSettings(address(httpNode, "listen", "127.0.0.1"), (int) httpNode.integer("port", 8053, 0, 65535),
                tokenFile == null ? null : base.resolve(tokenFile).normalize(), httpNode.bool("openReads", false),
                httpNode.decimal("degradedBelowFraction", HttpSettings.DEGRADED_BELOW_FRACTION_DEFAULT, 0.0, 1.0));
        httpNode.refuseUnknownKeys();

        List<ZoneSettings> zones = top.list("zones", ZONES_MAX, z -> {
            String origin = new Endpoint(z.requiredString("origin")).name();
            String file = z.string("file", null);
            Path path = file == null ? null : base.resolve(file).normalize();
            if (path != null && !Files.isReadable(path)) throw z.invalid("file", "'" + file + "'", "a readable zone file");
            return new ZoneSettings(origin, path);
        });
        if (zones.isEmpty()) throw new ConfigException("zones", null, "at least one zone (origin, optional file)");

        List<TargetSettings> targets = top.list("targets", TARGETS_MAX, ConfigLoader::target);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            if (!ids.add(targets.get(i).id())) throw new ConfigException("targets[" + i + "].id", "'" + targets.get(i).id() + "'", "an id no other target uses");
        }

        List<EndpointSettings> endpoints = top.list("endpoints", ENDPOINTS_MAX, e -> endpoint(e, ids, zones));
        if (endpoints.isEmpty()) throw new ConfigException("endpoints", null, "at least one endpoint (name, ttl, targets)");
        refuseDuplicateEndpoints(endpoints);
        refuseSharedAddresses(endpoints, targets);
        // Last: reads the zone files, and only once everything cheaper has been checked.
        ServedZones.checkServable(endpoints, ServedZones.load(zones));

        ConfigNode s = top.child("safety");
        SafetySettings safety = new SafetySettings(
                s.decimal("minHealthyFraction", 0.5, 0.0, 1.0),
                s.decimal("velocityMaxRemovedFraction", 0.5, 0.01, 1.0),
                s.integer("velocityWindowMs", 60_000, 1_000, 86_400_000),
                s.decimal("changeThresholdFraction", 0.3, 0.01, 1.0),
                s.bool("failOpen", true));
        s.refuseUnknownKeys();

        ConfigNode p = top.child("planner");
        PlannerSettings planner = new PlannerSettings(p.integer("tickMs", 500, 10, 3_600_000), (int) p.integer("historyRetention", 20, 2, 100_000));
        p.refuseUnknownKeys();

        ConfigNode en = top.child("enactors");
        EnactorSettings enactors = new EnactorSettings(
                (int) en.integer("count", 3, 1, 16),
                en.integer("tickMs", 200, 10, 3_600_000),
                (int) en.integer("endpointsPerTickMax", 10_000, 1, 1_000_000));
        en.refuseUnknownKeys();

        PlanStoreConfig planStore = StoreConfigLoader.planStore(top.child("planStore"), base);
        RecordStoreConfig recordStore = StoreConfigLoader.recordStore(top.child("recordStore"), planStore, base, endpoints);
        if (recordStore instanceof RecordStoreConfig.Rfc2136 && dns.transfer().enabled()) {
            // With an rfc2136 store the embedded server is not started: there is nothing to transfer from.
            throw new ConfigException("dns.transfer", "(set)", "no transfer section with recordStore type rfc2136 (its server is the primary; Waymark serves no DNS then)");
        }
        if (recordStore instanceof RecordStoreConfig.Rfc2136 && dns.updateKey().isPresent()) {
            throw new ConfigException("dns.update", "(set)", "no update section with recordStore type rfc2136 (UPDATEs go to that server; Waymark serves no DNS then)");
        }
        if (recordStore instanceof RecordStoreConfig.Etcd && dns.updateKey().isPresent()) {
            // An UPDATE is fenced into one compare-and-set on the embedded store; the dns role of distributed
            // mode serves etcd's records read-only, so an accepted UPDATE would have nowhere to go.
            throw new ConfigException("dns.update", "(set)", "no update section with recordStore type etcd (the UPDATE target needs recordStore type embedded)");
        }

        return new WaymarkConfig(dataDir, dns, http, zones, targets, endpoints, safety, planner, enactors, planStore, recordStore);
    }

    /**
     * DNS names compare without case and with or without the final dot, so {@code API.example.test}
     * and {@code api.example.test.} are one endpoint: configured twice, one of them would silently
     * win (or, before this check, the topology threw a stack trace).
     */
    private static void refuseDuplicateEndpoints(List<EndpointSettings> endpoints) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < endpoints.size(); i++) {
            Integer first = seen.putIfAbsent(endpoints.get(i).name(), i);
            if (first != null) {
                throw new ConfigException("endpoints[" + i + "].name", "'" + endpoints.get(i).name() + "'",
                        "a name no other endpoint has (endpoints[" + first + "] is the same DNS name: names compare without case and final dot)");
            }
        }
    }

    /** One address answered twice for one endpoint would double its weight: refused, naming both targets. */
    private static void refuseSharedAddresses(List<EndpointSettings> endpoints, List<TargetSettings> targets) {
        Map<String, InetAddress> addressById = new HashMap<>();
        for (TargetSettings t : targets) addressById.put(t.id(), WeightedAddress.parseLiteral(t.address()));
        for (int i = 0; i < endpoints.size(); i++) {
            List<String> ids = endpoints.get(i).targets();
            Map<InetAddress, String> byAddress = new HashMap<>();
            for (int j = 0; j < ids.size(); j++) {
                String other = byAddress.putIfAbsent(addressById.get(ids.get(j)), ids.get(j));
                if (other != null) {
                    throw new ConfigException("endpoints[" + i + "].targets[" + j + "]", "'" + ids.get(j) + "'",
                            other.equals(ids.get(j)) ? "each target at most once per endpoint"
                                    : "targets with distinct addresses (target '" + other + "' has the same address "
                                            + addressById.get(other).getHostAddress() + ")");
                }
            }
        }
    }

    private static TargetSettings target(ConfigNode t) {
        String id = t.requiredString("id");
        String address = t.requiredString("address");
        InetAddress parsed;
        try {
            parsed = WeightedAddress.parseLiteral(address);
        } catch (IllegalArgumentException e) {
            throw t.invalid("address", "'" + address + "'", "an IPv4 or IPv6 address literal");
        }
        // An IPv4-mapped IPv6 literal (::ffff:a.b.c.d) parses as the IPv4 address and would be served
        // as A: the operator wrote IPv6, so say which of the two is meant instead of guessing.
        if (address.indexOf(':') >= 0 && parsed instanceof Inet4Address) {
            throw t.invalid("address", "'" + address + "'", "an IPv4 address written as a.b.c.d (" + parsed.getHostAddress()
                    + ", served as A) or a plain IPv6 address; IPv4-mapped IPv6 addresses are not served");
        }
        String zone = t.requiredString("zone");
        long capacity = t.integer("capacity", 100, 1, WeightedAddress.WEIGHT_MAX);
        try {
            new Target(id, WeightedAddress.parseLiteral(address), zone, capacity);
        } catch (IllegalArgumentException e) {
            throw t.invalid("id", "'" + id + "'", "letters, digits, '.', '_' or '-', at most 64 characters");
        }
        ConfigNode c = t.child("check");
        String kindText = c.string("type", "tcp").toUpperCase(Locale.ROOT);
        CheckKind kind;
        try {
            kind = CheckKind.valueOf(kindText);
        } catch (IllegalArgumentException e) {
            throw c.invalid("type", "'" + kindText.toLowerCase(Locale.ROOT) + "'", "tcp or http");
        }
        int port = (int) c.integer("port", 80, 1, 65535);
        String path = c.string("path", "/");
        if (!path.startsWith("/")) throw c.invalid("path", "'" + path + "'", "an absolute HTTP path starting with '/'");
        int interval = (int) c.integer("intervalMs", 1_000, 50, 3_600_000);
        int timeout = (int) c.integer("timeoutMs", Math.min(500, interval), 10, 60_000);
        if (timeout > interval) throw c.invalid("timeoutMs", String.valueOf(timeout), "at most intervalMs (" + interval + ")");
        CheckSettings check = new CheckSettings(kind, port, path, interval, timeout,
                (int) c.integer("rise", 2, 1, 100), (int) c.integer("fall", 2, 1, 100));
        c.refuseUnknownKeys();
        return new TargetSettings(id, address, zone, capacity, check);
    }

    private static EndpointSettings endpoint(ConfigNode e, Set<String> targetIds, List<ZoneSettings> zones) {
        String name;
        try {
            name = new Endpoint(e.requiredString("name")).name();
        } catch (IllegalArgumentException x) {
            throw e.invalid("name", "'" + e.string("name", "") + "'", "a DNS name such as api.example.test.");
        }
        boolean inZone = zones.stream().anyMatch(z -> name.equals(z.origin()) || name.endsWith("." + z.origin()));
        if (!inZone) throw e.invalid("name", "'" + name + "'", "a name inside one of the configured zones");
        int ttl = (int) e.integer("ttl", 30, 0, 604_800);
        List<String> targets = e.strings("targets", TARGETS_MAX);
        if (targets.isEmpty()) throw e.invalid("targets", null, "at least one target id");
        for (int i = 0; i < targets.size(); i++) {
            if (!targetIds.contains(targets.get(i))) throw e.invalid("targets[" + i + "]", "'" + targets.get(i) + "'", "the id of a configured target");
        }
        return new EndpointSettings(name, ttl, targets);
    }

    private static String address(ConfigNode n, String key, String fallback) {
        String a = n.string(key, fallback);
        try {
            WeightedAddress.parseLiteral(a);
        } catch (IllegalArgumentException e) {
            throw n.invalid(key, "'" + a + "'", "an IP address literal to listen on");
        }
        return a;
    }
}
