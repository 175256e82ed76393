package io.waymark.adapters.etcd;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How to reach an etcd cluster: its members' client URLs, the key prefix everything of one Waymark
 * installation lives under, optional user/password (etcd's auth) and TLS files, and the bound on
 * every request. Checks itself, with messages that name the setting.
 *
 * @param endpoints client URLs ({@code http://host:port}, or {@code https://} with {@code tls})
 * @param prefix key prefix, starts and ends with {@code /} (e.g. {@code /waymark/})
 * @param requestTimeoutMs bound on one request; past it the store reports itself unavailable
 */
public record EtcdSettings(List<URI> endpoints, String prefix, Optional<Credentials> credentials, Optional<Tls> tls, long requestTimeoutMs) {
    public static final String PREFIX_DEFAULT = "/waymark/";
    public static final long REQUEST_TIMEOUT_MS_DEFAULT = 5_000;
    public static final long REQUEST_TIMEOUT_MS_MAX = 600_000;

    /** etcd user and password (the client exchanges them for a token). */
    public record Credentials(String user, String password) {
        public Credentials {
            if (user == null || user.isBlank()) throw new IllegalArgumentException("etcd user must not be empty");
            if (password == null) throw new IllegalArgumentException("etcd password must not be null (empty is allowed)");
        }

        @Override
        public String toString() {
            return "Credentials[" + user + ", password hidden]";
        }
    }

    /** PEM files: the CA that signed the members' certificates, and optionally a client certificate and key (mutual TLS). */
    public record Tls(Path caFile, Optional<Path> certFile, Optional<Path> keyFile) {
        public Tls {
            if (caFile == null) throw new IllegalArgumentException("etcd TLS needs caFile");
            if (certFile.isPresent() != keyFile.isPresent()) throw new IllegalArgumentException("etcd TLS needs both certFile and keyFile, or neither");
        }
    }

    public EtcdSettings {
        if (endpoints == null || endpoints.isEmpty()) throw new IllegalArgumentException("etcd endpoints must name at least one member URL");
        for (URI u : endpoints) {
            String scheme = u.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) throw new IllegalArgumentException("etcd endpoint " + u + " must start with http:// or https://");
            if (u.getHost() == null || u.getPort() < 1) throw new IllegalArgumentException("etcd endpoint " + u + " must name a host and a port");
            if ("https".equals(scheme) && (tls == null || tls.isEmpty())) throw new IllegalArgumentException("etcd endpoint " + u + " is https: configure tls (caFile)");
        }
        if (prefix == null || !prefix.startsWith("/") || !prefix.endsWith("/")) throw new IllegalArgumentException("etcd prefix must start and end with '/', got '" + prefix + "'");
        if (credentials == null || tls == null) throw new IllegalArgumentException("credentials and tls must not be null (Optional.empty() when unused)");
        if (requestTimeoutMs < 1 || requestTimeoutMs > REQUEST_TIMEOUT_MS_MAX) throw new IllegalArgumentException("etcd requestTimeoutMs must be in 1.." + REQUEST_TIMEOUT_MS_MAX + ", got " + requestTimeoutMs);
        endpoints = List.copyOf(endpoints);
    }

    /** Plain connection to {@code urls} under {@code prefix}, default timeout, no auth, no TLS. */
    public static EtcdSettings plain(List<String> urls, String prefix) {
        return new EtcdSettings(urls.stream().map(URI::create).toList(), prefix, Optional.empty(), Optional.empty(), REQUEST_TIMEOUT_MS_DEFAULT);
    }

    public EtcdSettings withRequestTimeoutMs(long ms) {
        return new EtcdSettings(endpoints, prefix, credentials, tls, ms);
    }

    public EtcdSettings withPrefix(String p) {
        return new EtcdSettings(endpoints, p, credentials, tls, requestTimeoutMs);
    }
}
