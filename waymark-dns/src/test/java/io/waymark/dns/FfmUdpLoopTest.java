package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * UDP through FFM's recvmmsg/sendmmsg loop on real sockets: answers, silence to replies, truncation,
 * large queries, and bursts from several clients, every query answered once to its sender. Byte-for-
 * byte equality with the Netty path over the differential probes is DifferentialTest's.
 */
class FfmUdpLoopTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.exampleAuthority(), DnsServerConfig.of(TestServer.LOOPBACK, 0).withUdpIo(DnsServerConfig.UdpIo.FFM));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assumeFfm() {
        // Builds on a JDK below 25 have no FFM loop and serve through Netty (with a warning).
        assumeThat(server.server.udpKind()).startsWith("ffm");
    }

    @Test
    void answers_queries_and_truncates_like_the_netty_path() throws Exception {
        assumeFfm();
        Message www = server.query("www.example.test.", Type.A);
        assertThat(www.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(www.getSection(Section.ANSWER)).hasSize(2);
        assertThat(server.query("nope.example.test.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        Message big = new Message(server.udpExchange(TestServer.queryBytes("big.example.test.", Type.A, 7)));
        assertThat(big.getHeader().getFlag(Flags.TC)).isTrue();
        // TCP stays on Netty, on the same port.
        assertThat(server.send(Message.newQuery(org.xbill.DNS.Record.newRecord(org.xbill.DNS.Name.fromString("big.example.test."), Type.A, org.xbill.DNS.DClass.IN)), true)
                .getSection(Section.ANSWER)).hasSize(40);
    }

    @Test
    void replies_are_counted_in_the_stats_by_rcode_as_on_the_netty_path() throws Exception {
        assumeFfm();
        QueryStats stats = server.server.stats();
        long noerror = stats.replies(Transport.UDP, Rcode.NOERROR), nxdomain = stats.replies(Transport.UDP, Rcode.NXDOMAIN), answered = stats.answered();
        server.query("www.example.test.", Type.A);
        server.query("www.example.test.", Type.AAAA);
        server.query("nope.example.test.", Type.A);
        assertThat(stats.replies(Transport.UDP, Rcode.NOERROR) - noerror).isEqualTo(2);
        assertThat(stats.replies(Transport.UDP, Rcode.NXDOMAIN) - nxdomain).isEqualTo(1);
        assertThat(stats.answered() - answered).isEqualTo(3);
    }

    @Test
    void a_reply_is_never_answered() throws Exception {
        assumeFfm();
        byte[] reply = TestServer.queryBytes("www.example.test.");
        reply[2] |= (byte) 0x80;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(TestServer.LOOPBACK, 0))) {
            socket.setSoTimeout(300);
            socket.send(new DatagramPacket(reply, reply.length, TestServer.LOOPBACK, server.port()));
            // Then a real query on the same socket: the first datagram back must be its answer.
            byte[] query = TestServer.queryBytes("www.example.test.", Type.A, 999);
            socket.send(new DatagramPacket(query, query.length, TestServer.LOOPBACK, server.port()));
            socket.setSoTimeout(5_000);
            DatagramPacket in = new DatagramPacket(new byte[4096], 4096);
            socket.receive(in);
            assertThat(new Message(java.util.Arrays.copyOf(in.getData(), in.getLength())).getHeader().getID()).isEqualTo(999);
        }
    }

    @Test
    void a_burst_from_several_clients_is_answered_once_each_to_its_sender() throws Exception {
        assumeFfm();
        int clients = 4;
        int perClient = 200;
        DatagramSocket[] sockets = new DatagramSocket[clients];
        try {
            for (int c = 0; c < clients; c++) {
                sockets[c] = new DatagramSocket(new InetSocketAddress(TestServer.LOOPBACK, 0));
                sockets[c].setReceiveBufferSize(1 << 20);
            }
            // Send everything first, so the server reads many datagrams per recvmmsg.
            for (int i = 0; i < perClient; i++) {
                for (int c = 0; c < clients; c++) {
                    byte[] q = TestServer.queryBytes("www.example.test.", Type.A, c * perClient + i);
                    sockets[c].send(new DatagramPacket(q, q.length, TestServer.LOOPBACK, server.port()));
                }
            }
            for (int c = 0; c < clients; c++) {
                Set<Integer> ids = new HashSet<>();
                sockets[c].setSoTimeout(5_000);
                for (int i = 0; i < perClient; i++) {
                    DatagramPacket in = new DatagramPacket(new byte[4096], 4096);
                    try {
                        sockets[c].receive(in);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    Message m = new Message(java.util.Arrays.copyOf(in.getData(), in.getLength()));
                    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
                    ids.add(m.getHeader().getID());
                }
                // Loopback with megabyte buffers loses nothing: every ID of this client, and only its own.
                int client = c;
                assertThat(ids).hasSize(perClient).allMatch(id -> id / perClient == client);
            }
        } finally {
            for (DatagramSocket s : sockets) if (s != null) s.close();
        }
    }
}
