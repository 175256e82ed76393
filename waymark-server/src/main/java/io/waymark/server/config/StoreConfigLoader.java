package io.waymark.server.config;

import io.waymark.adapters.etcd.EtcdSettings;
import io.waymark.server.config.WaymarkConfig.EndpointSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code planStore} and {@code recordStore} from waymark.yaml, with the same refusals as the
 * rest of the file (key, value, what is expected):
 * <pre>
 * planStore:
 *   type: etcd                    # or file (default)
 *   endpoints: [http://10.0.0.1:2379, http://10.0.0.2:2379, http://10.0.0.3:2379]
 *   prefix: /waymark/             # every key of this installation lives under it
 *   requestTimeoutMs: 5000
 *   user: waymark                 # optional: etcd authentication
 *   password: secret              # or passwordFile: /etc/waymark/etcd-password
 *   tls: { caFile: ca.pem, certFile: client.pem, keyFile: client-key.pem }   # optional (certFile/keyFile: mutual TLS)
 * recordStore:
 *   type: etcd                    # or embedded (default); etcd uses the plan store's etcd
 * </pre>
 */
final class StoreConfigLoader {
    static final int ETCD_ENDPOINTS_MAX = 64;

    private StoreConfigLoader() {}

    static PlanStoreConfig planStore(ConfigNode n, Path base) {
        String type = n.string("type", "file");
        PlanStoreConfig config = switch (type) {
            case "file" -> PlanStoreConfig.DEFAULT;
            case "etcd" -> new PlanStoreConfig.Etcd(etcd(n, base));
            default -> throw n.invalid("type", "'" + type + "'", "file or etcd");
        };
        n.refuseUnknownKeys();
        return config;
    }

    static RecordStoreConfig recordStore(ConfigNode n, PlanStoreConfig planStore, Path base, List<EndpointSettings> endpoints) {
        String type = n.string("type", "embedded");
        RecordStoreConfig config = switch (type) {
            case "embedded" -> RecordStoreConfig.DEFAULT;
            case "rfc2136" -> new RecordStoreConfig.Rfc2136(Rfc2136ConfigReader.rfc2136(n, base, endpoints));
            case "etcd" -> {
                if (!(planStore instanceof PlanStoreConfig.Etcd)) throw n.invalid("type", "'etcd'", "embedded, unless planStore.type is etcd (the record keys live in the plan store's etcd)");
                yield new RecordStoreConfig.Etcd();
            }
            default -> throw n.invalid("type", "'" + type + "'", "embedded, rfc2136 or etcd");
        };
        n.refuseUnknownKeys();
        return config;
    }

    private static EtcdSettings etcd(ConfigNode n, Path base) {
        List<String> urls = n.strings("endpoints", ETCD_ENDPOINTS_MAX);
        if (urls.isEmpty()) throw n.invalid("endpoints", null, "the client URLs of the etcd members, e.g. [http://127.0.0.1:2379]");
        List<URI> uris = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            try {
                URI u = URI.create(urls.get(i));
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null || u.getPort() < 1) throw new IllegalArgumentException();
                uris.add(u);
            } catch (IllegalArgumentException e) {
                throw n.invalid("endpoints[" + i + "]", "'" + urls.get(i) + "'", "a URL http://HOST:PORT or https://HOST:PORT");
            }
        }
        String prefix = n.string("prefix", EtcdSettings.PREFIX_DEFAULT);
        if (!prefix.startsWith("/") || !prefix.endsWith("/")) throw n.invalid("prefix", "'" + prefix + "'", "a key prefix that starts and ends with '/', e.g. /waymark/");
        long timeout = n.integer("requestTimeoutMs", EtcdSettings.REQUEST_TIMEOUT_MS_DEFAULT, 100, EtcdSettings.REQUEST_TIMEOUT_MS_MAX);
        Optional<EtcdSettings.Credentials> credentials = credentials(n, base);
        Optional<EtcdSettings.Tls> tls = Optional.empty();
        if (n.has("tls")) {
            ConfigNode t = n.child("tls");
            Path ca = readable(t, "caFile", base, true);
            Optional<Path> cert = Optional.ofNullable(readable(t, "certFile", base, false));
            Optional<Path> key = Optional.ofNullable(readable(t, "keyFile", base, false));
            if (cert.isPresent() != key.isPresent()) throw t.invalid(cert.isPresent() ? "keyFile" : "certFile", null, "certFile and keyFile together (mutual TLS), or neither");
            t.refuseUnknownKeys();
            tls = Optional.of(new EtcdSettings.Tls(ca, cert, key));
        }
        for (int i = 0; i < uris.size(); i++) {
            if ("https".equals(uris.get(i).getScheme()) && tls.isEmpty()) throw n.invalid("endpoints[" + i + "]", "'" + urls.get(i) + "'", "http://, or configure planStore.tls.caFile for https://");
        }
        return new EtcdSettings(uris, prefix, credentials, tls, timeout);
    }

    private static Optional<EtcdSettings.Credentials> credentials(ConfigNode n, Path base) {
        String user = n.string("user", null);
        boolean password = n.has("password");
        boolean passwordFile = n.has("passwordFile");
        if (user == null) {
            if (password || passwordFile) throw n.invalid("user", null, "a user name, since a password is configured");
            return Optional.empty();
        }
        if (password == passwordFile) throw n.invalid("password", null, "either password or passwordFile (a file holding it), not " + (password ? "both" : "neither"));
        String secret;
        if (password) {
            secret = n.string("password", "");
        } else {
            Path file = readable(n, "passwordFile", base, true);
            try {
                secret = Files.readString(file).strip();
            } catch (java.io.IOException e) {
                throw n.invalid("passwordFile", "'" + file + "'", "a readable file (" + e.getMessage() + ")");
            }
        }
        return Optional.of(new EtcdSettings.Credentials(user, secret));
    }

    private static Path readable(ConfigNode n, String key, Path base, boolean required) {
        String value = required ? n.requiredString(key) : n.string(key, null);
        if (value == null) return null;
        Path p = base.resolve(value).normalize();
        if (!Files.isReadable(p)) throw n.invalid(key, "'" + value + "'", "a readable file");
        return p;
    }
}
