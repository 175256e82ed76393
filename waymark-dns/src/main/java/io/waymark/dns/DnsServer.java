package io.waymark.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authoritative server on the wire: UDP and TCP on one address and port, answering from an
 * {@link Authority}. Native epoll when available (recvmmsg/sendmmsg on one event loop), NIO otherwise.
 * UDP gets its own single-thread loop: on a small machine more threads cost more than they give
 * (BENCHMARKS.md); TCP, far lighter, has another.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
    /**
     * Largest query datagram we read whole; larger ones arrive cut and are answered FORMERR. Queries
     * may be as large as the EDNS size a client offers (padding, RFC 7830, makes them large): 4096 is
     * the size most clients offer, so a well-formed query up to it is answered.
     */
    static final int QUERY_DATAGRAM_MAX = 4096;
    /** Datagrams per recvmmsg (and per sendmmsg in FfmUdpLoop): the receive buffer holds this many query-sized slots. */
    static final int DATAGRAMS_PER_READ = 64;
    /** Netty counts each datagram as a message: this lets one wake-up do a few full recvmmsg calls. */
    private static final int READS_PER_LOOP_MAX = 256;
    static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
    private static final int TCP_MESSAGE_MAX = 65_535;
    private static final int EPHEMERAL_BIND_ATTEMPTS = 8;
    private static final int TRANSFERS_QUEUED_MAX = 16;

    private final Authority authority;
    private final QueryStats stats = new QueryStats();
    private final DnsServerConfig config;
    private final boolean nativeTransport = Epoll.isAvailable();
    private final TcpConnectionTable connections;
    private final TransferPolicy transferPolicy;
    private final UpdatePolicy updatePolicy;
    /** Applies UPDATEs off the event loops, bounded (null when UPDATE is off). */
    private UpdateWorkers updateWorkers;
    /** Builds zone transfers off the TCP loop: one at a time, a few queued, the rest refused (bounded work). */
    private java.util.concurrent.ThreadPoolExecutor transferExecutor;
    private Notifier notifier;
    private EventLoopGroup udpGroup;
    private EventLoopGroup tcpGroup;
    private UdpLoop udp;
    private Channel tcpChannel;

    public DnsServer(Authority authority, DnsServerConfig config) {
        this(authority, config, TransferPolicy.NONE);
    }

    /** A server that also acts as a primary: zone transfers and NOTIFY as {@code transferPolicy} says. */
    public DnsServer(Authority authority, DnsServerConfig config, TransferPolicy transferPolicy) {
        this(authority, config, transferPolicy, UpdatePolicy.NONE);
    }

    /** A primary that also accepts RFC 2136 UPDATE as {@code updatePolicy} says, over UDP and TCP. */
    public DnsServer(Authority authority, DnsServerConfig config, TransferPolicy transferPolicy, UpdatePolicy updatePolicy) {
        if (authority == null || config == null || transferPolicy == null || updatePolicy == null) {
            throw new IllegalArgumentException("a server needs an authority, a config, a transfer policy and an update policy");
        }
        this.authority = authority;
        this.config = config;
        this.transferPolicy = transferPolicy;
        this.updatePolicy = updatePolicy;
        this.connections = new TcpConnectionTable(config.tcpConnectionsMax(), config.tcpConnectionsPerAddressMax());
    }

    /** Binds UDP and TCP; on failure nothing is left open. */
    public synchronized void start() throws IOException {
        if (udpGroup != null) throw new IllegalStateException("already started");
        if (transferPolicy.enabled()) {
            transferExecutor = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new java.util.concurrent.ArrayBlockingQueue<>(TRANSFERS_QUEUED_MAX), r -> {
                        Thread t = new Thread(r, "dns-zone-transfer");
                        t.setDaemon(true);
                        return t;
                    });
        }
        if (updatePolicy.enabled()) updateWorkers = new UpdateWorkers(authority, updatePolicy);
        udpGroup = new MultiThreadIoEventLoopGroup(1, nativeTransport ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        tcpGroup = new MultiThreadIoEventLoopGroup(1, nativeTransport ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            for (int attempt = 1; ; attempt++) {
                udp = openUdp(config.port());
                int port = udp.localAddress().getPort();
                try {
                    tcpChannel = bindTcp(port);
                    break;
                } catch (IOException e) {
                    udp.close();
                    udp = null;
                    // An ephemeral UDP port may be taken for TCP: pick another, a bounded number of times.
                    if (config.port() != 0 || attempt >= EPHEMERAL_BIND_ATTEMPTS) throw e;
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        log.info("serving DNS on {} (UDP {}, TCP {})", udp.localAddress(), udp.kind(), nativeTransport ? "epoll" : "nio");
        if (updatePolicy.enabled()) {
            log.info("RFC 2136 UPDATE accepted when signed with the configured TSIG key");
        }
        if (transferPolicy.enabled()) log.info("zone transfers allowed from {}{}", transferPolicy.allow(), transferPolicy.tsig() != null ? " with TSIG" : "");
        if (!transferPolicy.notifyTargets().isEmpty()) {
            notifier = new Notifier(authority, transferPolicy);
            notifier.start();
        }
    }

    /** FFM when asked for and available (Netty otherwise, with a warning), else Netty. */
    private UdpLoop openUdp(int port) throws IOException {
        if (config.udpIo() == DnsServerConfig.UdpIo.FFM) {
            UdpLoop ffm = UdpLoop.ffm(authority, config.listen(), port, stats, updateWorkers, udpTransfers());
            if (ffm != null) return ffm;
            log.warn("UDP through FFM is not available in this build or on this platform: using Netty");
        }
        Channel channel = bindUdp(port);
        return new UdpLoop() {
            @Override
            public InetSocketAddress localAddress() {
                return (InetSocketAddress) channel.localAddress();
            }

            @Override
            public String kind() {
                return nativeTransport ? "epoll" : "nio";
            }

            @Override
            public void close() {
                channel.close().syncUninterruptibly();
            }
        };
    }

    /** IXFR over UDP, answered on the UDP loop itself (null when transfers are off). */
    private ZoneTransfers udpTransfers() {
        return transferExecutor == null ? null : new ZoneTransfers(authority, transferPolicy);
    }

    private SocketProtocolFamily family() {
        // Netty's epoll sockets are dual-stack IPv6 unless told: an IPv4 socket is measurably faster.
        return config.listen() instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    }

    private Channel bindUdp(int port) throws IOException {
        SocketProtocolFamily family = family();
        Bootstrap b = new Bootstrap()
                .group(udpGroup)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024))
                .option(ChannelOption.RCVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(QUERY_DATAGRAM_MAX * DATAGRAMS_PER_READ).maxMessagesPerRead(READS_PER_LOOP_MAX))
                .handler(new UdpQueryHandler(new QueryResponder(authority), stats, updateWorkers, udpTransfers()));
        if (nativeTransport) {
            // Both settings together turn on recvmmsg in Netty's epoll datagram channel.
            b.channelFactory(() -> new EpollDatagramChannel(family))
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, QUERY_DATAGRAM_MAX);
        } else {
            b.channelFactory(() -> new NioDatagramChannel(family));
        }
        return await(b.bind(config.listen(), port), "UDP", port);
    }

    private Channel bindTcp(int port) throws IOException {
        SocketProtocolFamily family = family();
        ServerBootstrap b = new ServerBootstrap()
                .group(tcpGroup)
                .option(ChannelOption.SO_BACKLOG, 128)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(
                                new TcpConnectionGuard(connections, config.tcpIdleTimeoutMs(), config.tcpMessageTimeoutMs()),
                                new LengthFieldBasedFrameDecoder(TCP_MESSAGE_MAX + 2, 0, 2, 0, 2),
                                new TcpQueryHandler(new QueryResponder(authority), stats,
                                        transferExecutor == null ? null : new ZoneTransfers(authority, transferPolicy), transferExecutor, updateWorkers));
                    }
                });
        if (nativeTransport) b.channelFactory(() -> new EpollServerSocketChannel(family));
        else b.channelFactory(() -> new NioServerSocketChannel(null, family));
        return await(b.bind(config.listen(), port), "TCP", port);
    }

    private static Channel await(io.netty.channel.ChannelFuture future, String what, int port) throws IOException {
        future.awaitUninterruptibly();
        if (!future.isSuccess()) throw new IOException("cannot bind " + what + " port " + port + ": " + future.cause().getMessage(), future.cause());
        return future.channel();
    }

    public synchronized InetSocketAddress udpAddress() {
        if (udp == null) throw new IllegalStateException("not started");
        return udp.localAddress();
    }

    public synchronized InetSocketAddress tcpAddress() {
        if (tcpChannel == null) throw new IllegalStateException("not started");
        return (InetSocketAddress) tcpChannel.localAddress();
    }

    /** UPDATEs answered SERVFAIL because the in-flight and queue bounds were reached (0 when UPDATE is off). */
    public synchronized long updatesShed() {
        return updateWorkers == null ? 0 : updateWorkers.shed();
    }

    /** Replies by transport and response code, and the time spent answering (the daemon's DNS metrics). */
    public QueryStats stats() {
        return stats;
    }

    public int port() {
        return udpAddress().getPort();
    }

    /** How UDP is served: "epoll", "nio" or "ffm recvmmsg/sendmmsg". */
    public synchronized String udpKind() {
        if (udp == null) throw new IllegalStateException("not started");
        return udp.kind();
    }

    public boolean nativeTransport() {
        return nativeTransport;
    }

    public Authority authority() {
        return authority;
    }

    /** Stops listening and releases the event loops; idempotent. */
    @Override
    public synchronized void close() {
        if (notifier != null) notifier.close();
        notifier = null;
        if (udp != null) udp.close();
        if (tcpChannel != null) tcpChannel.close().syncUninterruptibly();
        if (udpGroup != null) udpGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (tcpGroup != null) tcpGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (transferExecutor != null) transferExecutor.shutdownNow();
        if (updateWorkers != null) updateWorkers.close();
        updateWorkers = null;
        transferExecutor = null;
        udp = null;
        tcpChannel = null;
        udpGroup = null;
        tcpGroup = null;
    }
}
