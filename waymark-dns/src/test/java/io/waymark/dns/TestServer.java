package io.waymark.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** A real server on an ephemeral loopback port, and clients that talk to it over real sockets. */
final class TestServer implements AutoCloseable {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int SOCKET_TIMEOUT_MS = 5_000;

    final Authority authority;
    final DnsServer server;

    private TestServer(Authority authority, DnsServerConfig config) throws IOException {
        this(authority, config, TransferPolicy.NONE);
    }

    private TestServer(Authority authority, DnsServerConfig config, TransferPolicy transfers) throws IOException {
        this.authority = authority;
        this.server = new DnsServer(authority, config, transfers);
        server.start();
    }

    private TestServer(Authority authority, DnsServer server) throws IOException {
        this.authority = authority;
        this.server = server;
        server.start();
    }

    /** Starts {@code server} (built by the test, e.g. with an update policy) and wraps it. */
    static TestServer wrap(Authority authority, DnsServer server) throws IOException {
        return new TestServer(authority, server);
    }

    static TestServer start(Authority authority) throws IOException {
        return new TestServer(authority, DnsServerConfig.of(LOOPBACK, 0));
    }

    static TestServer start(Authority authority, DnsServerConfig config) throws IOException {
        return new TestServer(authority, config);
    }

    /** A primary as {@code transfers} says, listening as {@code config} says. */
    static TestServer start(Authority authority, DnsServerConfig config, TransferPolicy transfers) throws IOException {
        return new TestServer(authority, config, transfers);
    }

    /** A server that is also a primary, as {@code transfers} says. */
    static TestServer start(Authority authority, TransferPolicy transfers) throws IOException {
        return new TestServer(authority, DnsServerConfig.of(LOOPBACK, 0), transfers);
    }

    /** A zone read from {@code text} (zone-file syntax, $ORIGIN given) through a temporary file, as the server reads files. */
    static Zone zoneFromText(String text) throws IOException, ZoneLoadException {
        Path file = Files.createTempFile("zone", ".zone");
        try {
            Files.writeString(file, text, java.nio.charset.StandardCharsets.UTF_8);
            return ZoneFileReader.read(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static Zone exampleZone() {
        try {
            Path file = Files.createTempFile("example", ".zone");
            try (InputStream in = TestServer.class.getResourceAsStream("/example.test.zone")) {
                Files.write(file, in.readAllBytes());
            }
            try {
                return ZoneFileReader.read(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ZoneLoadException e) {
            throw new IllegalStateException(e);
        }
    }

    static Authority exampleAuthority() {
        return Authority.of(List.of(exampleZone()), ServingOptions.defaults());
    }

    int port() {
        return server.port();
    }

    SimpleResolver resolver(boolean tcp) {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(LOOPBACK, port()));
        r.setTCP(tcp);
        r.setEDNS(-1); // no OPT unless a test adds one to its query
        r.setIgnoreTruncation(true);
        r.setTimeout(Duration.ofSeconds(5));
        return r;
    }

    /** A UDP query without EDNS (dnsjava's resolver adds none unless asked). */
    Message query(String name, int type) throws IOException {
        return resolver(false).send(Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    Message send(Message query, boolean tcp) throws IOException {
        return resolver(tcp).send(query);
    }

    /** Sends raw bytes over UDP and returns the raw reply. */
    byte[] udpExchange(byte[] packet) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            socket.send(new DatagramPacket(packet, packet.length, LOOPBACK, port()));
            byte[] buf = new byte[65_535];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            socket.receive(reply);
            return java.util.Arrays.copyOf(buf, reply.getLength());
        }
    }

    Socket tcpConnect() throws IOException {
        Socket s = new Socket(LOOPBACK, port());
        s.setSoTimeout(SOCKET_TIMEOUT_MS);
        return s;
    }

    static void writeTcpMessage(DataOutputStream out, byte[] message) throws IOException {
        out.writeShort(message.length);
        out.write(message);
    }

    static byte[] readTcpMessage(DataInputStream in) throws IOException {
        int len = in.readUnsignedShort();
        byte[] m = new byte[len];
        in.readFully(m);
        return m;
    }

    static byte[] queryBytes(String name, int type, int id) throws IOException {
        Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(name), type, DClass.IN));
        q.getHeader().setID(id);
        return q.toWire();
    }

    static byte[] queryBytes(String name) throws IOException {
        return queryBytes(name, Type.A, 4242);
    }

    @Override
    public void close() {
        server.close();
    }
}
