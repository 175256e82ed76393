package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/** TCP connections are bounded in number and closed when idle; see TcpFairnessTest for one source against another. */
class TcpLimitsTest {
    @Test
    void an_idle_connection_is_closed_by_the_server() throws Exception {
        DnsServerConfig config = new DnsServerConfig(TestServer.LOOPBACK, 0, 16, 200);
        try (TestServer server = TestServer.start(TestServer.exampleAuthority(), config); Socket s = server.tcpConnect()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            TestServer.writeTcpMessage(out, TestServer.queryBytes("www.example.test."));
            assertThat(new Message(TestServer.readTcpMessage(in)).getRcode()).isEqualTo(Rcode.NOERROR);
            // Then silence: the server closes after 200 ms (read returns end-of-stream, well before the 5 s socket timeout).
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void a_full_table_refuses_a_new_connection_only_when_none_is_idle() throws Exception {
        DnsServerConfig config = new DnsServerConfig(TestServer.LOOPBACK, 0, 2, 30_000, 2, 30_000);
        try (TestServer server = TestServer.start(TestServer.exampleAuthority(), config);
                Socket first = server.tcpConnect();
                Socket second = server.tcpConnect()) {
            // Both busy: each sends a query and, in the same write, the first byte of the next message's
            // length; once the answer is back, the server has read that byte too.
            answerThenStartAnother(first);
            answerThenStartAnother(second);
            try (Socket third = server.tcpConnect()) {
                DataOutputStream out = new DataOutputStream(third.getOutputStream());
                try {
                    TestServer.writeTcpMessage(out, TestServer.queryBytes("www.example.test."));
                } catch (java.io.IOException closedAlready) {
                    // the reset may already have arrived: also a refusal
                }
                assertThat(readOrEnd(third)).isEqualTo(-1);
            }
            // The busy ones finish their messages and are answered.
            byte[] query = TestServer.queryBytes("www.example.test.");
            first.getOutputStream().write(new byte[] {(byte) query.length});
            first.getOutputStream().write(query);
            assertThat(new Message(readReply(first)).getRcode()).isEqualTo(Rcode.NOERROR);
            // Now idle, the first is the one a new connection displaces.
            try (Socket again = connectWhenAdmitted(server)) {
                assertAnswers(again);
            }
            assertThat(readOrEnd(first)).isEqualTo(-1);
        }
    }

    private static void answerThenStartAnother(Socket s) throws Exception {
        byte[] query = TestServer.queryBytes("www.example.test.");
        java.nio.ByteBuffer both = java.nio.ByteBuffer.allocate(2 + query.length + 1).putShort((short) query.length).put(query).put((byte) 0);
        s.getOutputStream().write(both.array());
        s.getOutputStream().flush();
        assertThat(new Message(readReply(s)).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    private static int readOrEnd(Socket s) throws java.io.IOException {
        try {
            return s.getInputStream().read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    private static byte[] readReply(Socket s) throws java.io.IOException {
        return TestServer.readTcpMessage(new DataInputStream(s.getInputStream()));
    }

    /** The server learns of a close asynchronously: retry a bounded number of times. */
    private static Socket connectWhenAdmitted(TestServer server) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            Socket s = server.tcpConnect();
            try {
                assertAnswers(s);
                return s;
            } catch (Exception | AssertionError refused) {
                s.close();
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no connection admitted after the limit freed up");
    }

    private static void assertAnswers(Socket s) throws Exception {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        DataInputStream in = new DataInputStream(s.getInputStream());
        TestServer.writeTcpMessage(out, TestServer.queryBytes("www.example.test."));
        assertThat(new Message(TestServer.readTcpMessage(in)).getRcode()).isEqualTo(Rcode.NOERROR);
    }
}
