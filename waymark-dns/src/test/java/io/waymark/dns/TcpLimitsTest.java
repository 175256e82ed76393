package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/** TCP connections are bounded in number and closed when idle. */
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
    void connections_beyond_the_limit_are_closed_and_the_others_keep_working() throws Exception {
        DnsServerConfig config = new DnsServerConfig(TestServer.LOOPBACK, 0, 2, 30_000);
        try (TestServer server = TestServer.start(TestServer.exampleAuthority(), config);
                Socket first = server.tcpConnect();
                Socket second = server.tcpConnect()) {
            assertAnswers(first);
            assertAnswers(second);
            try (Socket third = server.tcpConnect()) {
                DataOutputStream out = new DataOutputStream(third.getOutputStream());
                try {
                    TestServer.writeTcpMessage(out, TestServer.queryBytes("www.example.test."));
                } catch (java.io.IOException closedAlready) {
                    // the reset may already have arrived: also a refusal
                }
                int read;
                try {
                    read = third.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    read = -1;
                }
                assertThat(read).isEqualTo(-1);
            }
            assertAnswers(first);
            // Once the excess one is gone, a new connection is served again.
            first.close();
            try (Socket again = connectWhenAdmitted(server)) {
                assertAnswers(again);
            }
        }
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
