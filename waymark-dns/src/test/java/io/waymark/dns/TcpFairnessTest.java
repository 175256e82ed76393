package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * One source cannot take TCP from the others (RFC 7766 §6.2): a flood of idle and trickling
 * connections from 127.0.0.2 leaves a client on 127.0.0.1 served, a trickler is cut at the message
 * deadline however steadily it sends, and a full table makes room by closing its longest-idle
 * connection.
 */
class TcpFairnessTest {
    private static final InetAddress FLOODER = loopback(2);
    private static final int SOCKET_TIMEOUT_MS = 5_000;

    private static InetAddress loopback(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Socket connectFrom(InetAddress source, TestServer server) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress(TestServer.LOOPBACK, server.port()), SOCKET_TIMEOUT_MS);
        s.setSoTimeout(SOCKET_TIMEOUT_MS);
        return s;
    }

    private static int answer(Socket s) throws IOException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        TestServer.writeTcpMessage(out, TestServer.queryBytes("www.example.test."));
        return new Message(TestServer.readTcpMessage(new DataInputStream(s.getInputStream()))).getRcode();
    }

    /** -1 once the server has closed the connection (end of stream or reset), else the byte read. */
    private static int readOrEnd(Socket s) {
        try {
            return s.getInputStream().read();
        } catch (IOException closed) {
            return -1;
        }
    }

    @Test
    void a_flood_of_idle_and_trickling_connections_from_one_address_does_not_stop_another_address() throws Exception {
        // Limits as in the defaults' proportions: a table of 32, 8 per address; long timeouts, so only the limits act.
        DnsServerConfig config = new DnsServerConfig(TestServer.LOOPBACK, 0, 32, 60_000, 8, 60_000);
        List<Socket> flood = new ArrayList<>();
        try (TestServer server = TestServer.start(TestServer.exampleAuthority(), config)) {
            for (int i = 0; i < 64; i++) {
                Socket s = connectFrom(FLOODER, server);
                flood.add(s);
                if (i % 2 == 1) { // every other one starts a message and never finishes it
                    s.getOutputStream().write(0);
                    s.getOutputStream().flush();
                }
            }
            // The client on 127.0.0.1 is served, several times and on several connections.
            for (int i = 0; i < 4; i++) {
                try (Socket client = connectFrom(TestServer.LOOPBACK, server)) {
                    assertThat(answer(client)).isEqualTo(Rcode.NOERROR);
                }
            }
            // Of the 64, the server kept at most 8 open: the others read end of stream.
            int refused = 0;
            for (Socket s : flood) {
                s.setSoTimeout(200); // an open, silent connection times out the read; a refused one ends at once
                try {
                    if (s.getInputStream().read() == -1) refused++;
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // admitted
                } catch (IOException reset) {
                    refused++;
                }
            }
            assertThat(refused).isGreaterThanOrEqualTo(64 - 8);
        } finally {
            for (Socket s : flood) s.close();
        }
    }

    @Test
    void a_sender_that_trickles_a_byte_at_a_time_is_closed_at_the_message_deadline() throws Exception {
        // Idle timeout a minute, message deadline 500 ms: a byte every 100 ms keeps the connection
        // active, but one message never completes, so the deadline closes it long before the idle timer could.
        DnsServerConfig config = new DnsServerConfig(TestServer.LOOPBACK, 0, 16, 60_000, 16, 500);
        try (TestServer server = TestServer.start(TestServer.exampleAuthority(), config); Socket trickler = connectFrom(FLOODER, server)) {
            assertThat(answer(trickler)).isEqualTo(Rcode.NOERROR); // a whole message in time is answered
            byte[] query = TestServer.queryBytes("www.example.test.");
            byte[] framed = java.nio.ByteBuffer.allocate(2 + query.length).putShort((short) query.length).put(query).array();
            OutputStream out = trickler.getOutputStream();
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean closed = false;
            for (int i = 0; i < framed.length && !closed && System.nanoTime() < giveUp; i++) {
                try {
                    out.write(framed[i]);
                    out.flush();
                } catch (IOException reset) {
                    closed = true;
                }
                Thread.sleep(100);
            }
            // The message (about 35 bytes at 10 per second) was never complete before the deadline: closed, no answer.
            assertThat(closed || readOrEnd(trickler) == -1).isTrue();
        }
    }

    @Test
    void a_full_table_closes_its_longest_idle_connection_for_a_new_one() throws Exception {
        DnsServerConfig config = new DnsServerConfig(TestServer.LOOPBACK, 0, 3, 60_000, 3, 60_000);
        try (TestServer server = TestServer.start(TestServer.exampleAuthority(), config);
                Socket oldest = connectFrom(FLOODER, server);
                Socket middle = connectFrom(FLOODER, server);
                Socket newest = connectFrom(FLOODER, server)) {
            // Answers in this order make the idle order certain: each became idle after the one before.
            assertThat(answer(oldest)).isEqualTo(Rcode.NOERROR);
            assertThat(answer(middle)).isEqualTo(Rcode.NOERROR);
            assertThat(answer(newest)).isEqualTo(Rcode.NOERROR);
            try (Socket client = connectFrom(TestServer.LOOPBACK, server)) {
                assertThat(answer(client)).isEqualTo(Rcode.NOERROR);
            }
            assertThat(readOrEnd(oldest)).isEqualTo(-1);
            assertThat(answer(middle)).isEqualTo(Rcode.NOERROR);
            assertThat(answer(newest)).isEqualTo(Rcode.NOERROR);
        }
    }
}
