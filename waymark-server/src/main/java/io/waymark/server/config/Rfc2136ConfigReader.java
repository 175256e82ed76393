package io.waymark.server.config;

import io.waymark.adapters.rfc2136.Rfc2136Settings;
import io.waymark.adapters.rfc2136.TsigKey;
import io.waymark.core.model.Endpoint;
import io.waymark.server.config.WaymarkConfig.EndpointSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code recordStore} from waymark.yaml, with the same refusals as the rest of the file (key,
 * value, what is expected):
 * <pre>
 * recordStore:
 *   type: rfc2136                  # or embedded (default)
 *   server: 192.0.2.53:53          # the primary that takes UPDATE for the zone (HOST:PORT, [IPv6]:PORT)
 *   zone: example.test.            # every endpoint lies in it
 *   tsig: { name: waymark-key., algorithm: hmac-sha256, secretFile: waymark.key }   # or secret: BASE64 (tests)
 *   timeoutMs: 5000                # optional tuning, see Rfc2136Settings
 *   updatesInFlightMax: 16
 *   updatesPerSecondMax: 200
 *   readRefreshMs: 1000
 *   fullReadIntervalMs: 30000
 * </pre>
 * The secret file holds the base64 secret, bare or as BIND's ({@code secret "...";}) and Knot's
 * ({@code secret: ...}) key files write it. The secret is never part of a message.
 */
final class Rfc2136ConfigReader {
    private Rfc2136ConfigReader() {}

    /** {@code recordStore: { type: rfc2136, ... }}: every endpoint must lie in the zone the server takes updates for. */
    static Rfc2136Settings rfc2136(ConfigNode n, Path base, List<EndpointSettings> endpoints) {
        InetSocketAddress server = server(n);
        String zone;
        try {
            zone = Endpoint.of(n.requiredString("zone")).name();
        } catch (IllegalArgumentException e) {
            throw n.invalid("zone", "'" + n.string("zone", "") + "'", "a DNS zone name such as example.test.");
        }
        for (int i = 0; i < endpoints.size(); i++) {
            String name = endpoints.get(i).name();
            if (!name.equals(zone) && !name.endsWith("." + zone)) {
                throw new ConfigException("endpoints[" + i + "].name", "'" + name + "'", "a name inside recordStore.zone " + zone + " (the zone the RFC 2136 server takes updates for)");
            }
        }
        ConfigNode t = n.child("tsig");
        if (!n.has("tsig")) throw n.invalid("tsig", null, "a TSIG key { name, algorithm: hmac-sha256, secretFile } (Waymark does not send unsigned updates)");
        String keyName = t.requiredString("name");
        String algorithm = t.string("algorithm", TsigKey.HMAC_SHA256);
        if (!TsigKey.HMAC_SHA256.equals(algorithm)) throw t.invalid("algorithm", "'" + algorithm + "'", TsigKey.HMAC_SHA256);
        boolean inline = t.has("secret");
        boolean file = t.has("secretFile");
        if (inline == file) throw t.invalid("secretFile", null, "either secretFile (a file holding the base64 secret) or secret, not " + (inline ? "both" : "neither"));
        TsigKey key;
        try {
            if (inline) {
                key = TsigKey.fromBase64(keyName, algorithm, t.string("secret", ""));
            } else {
                String f = t.requiredString("secretFile");
                Path p = base.resolve(f).normalize();
                if (!Files.isReadable(p)) throw t.invalid("secretFile", "'" + f + "'", "a readable file holding the base64 secret");
                key = TsigKey.fromFile(keyName, algorithm, p);
            }
        } catch (IllegalArgumentException e) {
            // The message names the key, never the secret.
            throw t.invalid(inline ? "secret" : "secretFile", "(not shown)", "a base64 secret of at least 16 bytes: " + e.getMessage());
        } catch (IOException e) {
            throw t.invalid("secretFile", "'" + t.string("secretFile", "") + "'", "a readable file (" + e.getMessage() + ")");
        }
        t.refuseUnknownKeys();
        Rfc2136Settings d = Rfc2136Settings.defaults(server, zone, key);
        try {
            return new Rfc2136Settings(server, zone, Optional.of(key),
                    (int) n.integer("timeoutMs", d.timeoutMs(), 10, 600_000),
                    d.updateBytesMax(),
                    (int) n.integer("updatesInFlightMax", d.updatesInFlightMax(), 1, 1_024),
                    (int) n.integer("updatesPerSecondMax", d.updatesPerSecondMax(), 1, 1_000_000),
                    n.integer("readRefreshMs", d.readRefreshMs(), 0, 3_600_000),
                    n.integer("fullReadIntervalMs", d.fullReadIntervalMs(), 0, 86_400_000),
                    d.backoffBaseMs(), d.backoffMaxMs(), d.resendsPerSecond());
        } catch (IllegalArgumentException e) {
            throw n.invalid("fullReadIntervalMs", null, e.getMessage());
        }
    }

    private static InetSocketAddress server(ConfigNode n) {
        String text = n.requiredString("server");
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65535) throw n.invalid("server", "'" + text + "'", "HOST:PORT of the primary server, e.g. 192.0.2.53:53 or [2001:db8::53]:53");
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) throw n.invalid("server", "'" + text + "'", "a host that resolves (or an IP address)");
        return a;
    }
}
