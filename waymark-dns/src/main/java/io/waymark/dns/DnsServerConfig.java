package io.waymark.dns;

import java.net.InetAddress;

/**
 * Where and how the server listens. {@code port} 0 picks a free port (UDP and TCP share it).
 * {@code tcpConnectionsMax}: open TCP connections beyond this are closed at once.
 * {@code tcpIdleTimeoutMs}: a TCP connection with no traffic for this long is closed (RFC 7766 §6.2.3).
 */
public record DnsServerConfig(InetAddress listen, int port, int tcpConnectionsMax, int tcpIdleTimeoutMs) {
    public static final int TCP_CONNECTIONS_MAX_DEFAULT = 256;
    public static final int TCP_IDLE_TIMEOUT_MS_DEFAULT = 10_000;

    public DnsServerConfig {
        if (listen == null) throw new IllegalArgumentException("listen address must not be null");
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        if (tcpConnectionsMax < 1) throw new IllegalArgumentException("TCP connections max must be at least 1, got " + tcpConnectionsMax);
        if (tcpIdleTimeoutMs < 1) throw new IllegalArgumentException("TCP idle timeout must be at least 1 ms, got " + tcpIdleTimeoutMs);
    }

    public static DnsServerConfig of(InetAddress listen, int port) {
        return new DnsServerConfig(listen, port, TCP_CONNECTIONS_MAX_DEFAULT, TCP_IDLE_TIMEOUT_MS_DEFAULT);
    }
}
