package io.waymark.dns;

import java.net.InetAddress;

/**
 * Where and how the server listens. {@code port} 0 picks a free port (UDP and TCP share it).
 * TCP is bounded so that no one client can take it from the others (RFC 7766 §6.2):
 * {@code tcpConnectionsMax} open connections in all (when full, the connection idle longest is closed
 * for a new one; with none idle the new one is refused), {@code tcpConnectionsPerAddressMax} from one
 * source address (beyond it a new one is refused), {@code tcpIdleTimeoutMs} between messages
 * (§6.2.3), and {@code tcpMessageTimeoutMs} for a whole message from its first byte, so a sender that
 * trickles a byte at a time cannot hold a connection by staying barely active.
 */
public record DnsServerConfig(InetAddress listen, int port, int tcpConnectionsMax, int tcpIdleTimeoutMs,
        int tcpConnectionsPerAddressMax, int tcpMessageTimeoutMs, UdpIo udpIo) {
    /** How UDP is read and written: Netty's epoll channel, or recvmmsg/sendmmsg called through FFM (JDK 25 builds; else Netty). */
    public enum UdpIo {
        NETTY,
        FFM
    }

    public static final int TCP_CONNECTIONS_MAX_DEFAULT = 256;
    public static final int TCP_IDLE_TIMEOUT_MS_DEFAULT = 10_000;
    /** A sixteenth of the default table: sixteen sources can fill it only together. */
    public static final int TCP_CONNECTIONS_PER_ADDRESS_MAX_DEFAULT = 16;
    /** A query is a few hundred bytes, one segment; Knot allows 500 ms for a message, we allow more for loaded paths. */
    public static final int TCP_MESSAGE_TIMEOUT_MS_DEFAULT = 2_000;

    public DnsServerConfig {
        if (listen == null) throw new IllegalArgumentException("listen address must not be null");
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        if (tcpConnectionsMax < 1) throw new IllegalArgumentException("TCP connections max must be at least 1, got " + tcpConnectionsMax);
        if (tcpIdleTimeoutMs < 1) throw new IllegalArgumentException("TCP idle timeout must be at least 1 ms, got " + tcpIdleTimeoutMs);
        if (tcpConnectionsPerAddressMax < 1 || tcpConnectionsPerAddressMax > tcpConnectionsMax) {
            throw new IllegalArgumentException("TCP connections per address max must be in 1..tcpConnectionsMax (" + tcpConnectionsMax + "), got " + tcpConnectionsPerAddressMax);
        }
        if (tcpMessageTimeoutMs < 1) throw new IllegalArgumentException("TCP message timeout must be at least 1 ms, got " + tcpMessageTimeoutMs);
        if (udpIo == null) throw new IllegalArgumentException("UDP I/O must be NETTY or FFM");
    }

    /** UDP through Netty. */
    public DnsServerConfig(InetAddress listen, int port, int tcpConnectionsMax, int tcpIdleTimeoutMs, int tcpConnectionsPerAddressMax, int tcpMessageTimeoutMs) {
        this(listen, port, tcpConnectionsMax, tcpIdleTimeoutMs, tcpConnectionsPerAddressMax, tcpMessageTimeoutMs, UdpIo.NETTY);
    }

    public DnsServerConfig withUdpIo(UdpIo io) {
        return new DnsServerConfig(listen, port, tcpConnectionsMax, tcpIdleTimeoutMs, tcpConnectionsPerAddressMax, tcpMessageTimeoutMs, io);
    }

    /** With the per-address limit (at most the total) and message deadline at their defaults. */
    public DnsServerConfig(InetAddress listen, int port, int tcpConnectionsMax, int tcpIdleTimeoutMs) {
        this(listen, port, tcpConnectionsMax, tcpIdleTimeoutMs, Math.min(TCP_CONNECTIONS_PER_ADDRESS_MAX_DEFAULT, tcpConnectionsMax), TCP_MESSAGE_TIMEOUT_MS_DEFAULT);
    }

    public static DnsServerConfig of(InetAddress listen, int port) {
        return new DnsServerConfig(listen, port, TCP_CONNECTIONS_MAX_DEFAULT, TCP_IDLE_TIMEOUT_MS_DEFAULT);
    }
}
