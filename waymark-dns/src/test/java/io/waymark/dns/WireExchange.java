package io.waymark.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * One query, one raw reply, over real loopback sockets: the raw bytes are kept so that tests can
 * compare reply sizes and see exactly what a server sent. Every wait is bounded.
 */
final class WireExchange {
    private static final int UDP_REPLY_MAX = 65_535;

    private WireExchange() {}

    /** Sends {@code query} in one datagram and returns the first reply carrying the same ID. */
    static byte[] udp(int port, byte[] query, int timeoutMs) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(TestServer.LOOPBACK, 0))) {
            socket.setSoTimeout(timeoutMs);
            socket.send(new DatagramPacket(query, query.length, TestServer.LOOPBACK, port));
            byte[] buf = new byte[UDP_REPLY_MAX];
            for (int stray = 0; stray < 8; stray++) {
                DatagramPacket reply = new DatagramPacket(buf, buf.length);
                socket.receive(reply);
                if (reply.getLength() >= 2 && buf[0] == query[0] && buf[1] == query[1]) return Arrays.copyOf(buf, reply.getLength());
            }
            throw new SocketTimeoutException("only replies with other IDs");
        }
    }

    /** As {@link #udp}, resending up to {@code attempts} times: a loaded machine may drop a datagram. */
    static byte[] udp(int port, byte[] query, int timeoutMs, int attempts) throws IOException {
        SocketTimeoutException last = null;
        for (int i = 0; i < attempts; i++) {
            try {
                return udp(port, query, timeoutMs);
            } catch (SocketTimeoutException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Sends {@code query} with its 2-byte length prefix on a new connection and reads one reply. */
    static byte[] tcp(int port, byte[] query, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(TestServer.LOOPBACK, port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int length = in.readUnsignedShort();
            byte[] reply = new byte[length];
            in.readFully(reply);
            return reply;
        }
    }
}
