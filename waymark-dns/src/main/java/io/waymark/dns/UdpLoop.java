package io.waymark.dns;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The UDP side of the server: bound, answering, closable. Netty's epoll channel (recvmmsg/sendmmsg
 * through Netty) is the default; {@code FfmUdpLoop} calls them itself through the Foreign Function
 * & Memory API. That class is compiled only on JDK 25 (it is final API from Java 22; the build's
 * release is 21), so it is found by name at run time.
 */
interface UdpLoop extends AutoCloseable {
    InetSocketAddress localAddress();

    /** For the start-up log line. */
    String kind();

    @Override
    void close();

    /**
     * The FFM loop bound to {@code listen}:{@code port}, serving what the Netty path serves over UDP
     * ({@code updates} and {@code transfers} null when off), or null when this build or platform has none
     * (compiled without JDK 25, not Linux, native access denied). A bind failure is an IOException.
     */
    static UdpLoop ffm(Authority authority, InetAddress listen, int port, QueryStats stats, UpdateWorkers updates, ZoneTransfers transfers) throws IOException {
        try {
            Class<?> type = Class.forName("io.waymark.dns.FfmUdpLoop");
            return (UdpLoop) type.getDeclaredConstructor(Authority.class, InetAddress.class, int.class, QueryStats.class, UpdateWorkers.class, ZoneTransfers.class)
                    .newInstance(authority, listen, port, stats, updates, transfers);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) throw io;
            return null; // linking the native calls failed: no FFM here
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            return null;
        }
    }
}
