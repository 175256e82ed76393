package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * A real Knot secondary that signs its requests with TSIG and checks every signed reply message
 * (RFC 8945 §5.3.1 chains them): a multi-message transfer and NOTIFY pass, and a change reaches it.
 */
class TsigSecondaryTest {
    private static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";
    private static final long WITHIN_MS = 20_000;

    private static RecordSet records(String address) {
        return new RecordSet(List.of(WeightedAddress.of(address, 1)), 20);
    }

    private static String answer(int port, String name) throws IOException {
        Message m = new Message(WireExchange.udp(port, Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)).toWire(), 1_000));
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).sorted().toList().toString();
    }

    @Test
    void knot_with_tsig_transfers_a_signed_multi_message_zone_and_follows_a_change() throws Exception {
        Path dir = Files.createTempDirectory("wm-tsig-knot");
        Authority authority = TestServer.exampleAuthority();
        Map<Endpoint, RecordSet> many = new HashMap<>();
        for (int i = 0; i < 3_000; i++) many.put(Endpoint.of("e" + i + ".bulk.example.test."), records("10.3." + (i / 250) + "." + (i % 250)));
        authority.applyManaged(many); // several messages, each signed
        int knotPort = PeerServers.freePort();
        TSIG key = new TSIG(TSIG.HMAC_SHA256, Name.fromString("xfr-key."), java.util.Base64.getDecoder().decode(SECRET));
        TransferPolicy policy = new TransferPolicy(List.of(AddressBlock.parse("127.0.0.1")), key, List.of(new InetSocketAddress(TestServer.LOOPBACK, knotPort)));
        try (TestServer primary = TestServer.start(authority, policy)) {
            Secondaries.Secondary knot = Secondaries.knot(dir, knotPort, Name.fromString("example.test."), primary.port(), SECRET);
            knot.start();
            try {
                awaitSame(knot, primary, "e2999.bulk.example.test.");
                long start = System.nanoTime();
                authority.applyManaged(Map.of(Endpoint.of("e7.bulk.example.test."), records("203.0.113.77")));
                awaitSame(knot, primary, "e7.bulk.example.test.");
                System.out.printf("tsig secondary converged: knot in %d ms (from apply)%n", (System.nanoTime() - start) / 1_000_000);
                assertThat(answer(knot.port, "e7.bulk.example.test.")).isEqualTo("[203.0.113.77]");
            } finally {
                knot.stop();
            }
        }
    }

    private static void awaitSame(Secondaries.Secondary s, TestServer primary, String name) throws Exception {
        long deadline = System.nanoTime() + WITHIN_MS * 1_000_000;
        String ours = answer(primary.port(), name);
        String theirs = "";
        while (System.nanoTime() < deadline) {
            assertThat(s.alive()).as(s + " exited:\n" + s.logTail()).isTrue();
            try {
                theirs = answer(s.port, name);
                if (theirs.equals(ours)) return;
            } catch (IOException notYet) {
                theirs = notYet.toString();
            }
            Thread.sleep(10);
        }
        throw new AssertionError(s + " serves " + theirs + " for " + name + ", primary " + ours + "\n" + s.logTail());
    }
}
