package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Update;

/**
 * The wire side of UPDATE, target aside (the real target, the fenced record store, is tested with
 * nsupdate in waymark-server's UpdateTargetTest): off means NOTIMP; the key decides NOTAUTH before the
 * target is ever asked; the form is checked (NOTZONE, NOTAUTH for a zone not served); replies are
 * signed; and the bounds hold, over UDP, with the target stuck. Each over both UDP paths (FFM's loop
 * hands UPDATE to the same workers as Netty's handler and sends their answer itself).
 */
class UpdateWireTest {
    private static final TSIG KEY = new TSIG(TSIG.HMAC_SHA256, name("upd-key."), java.util.Base64.getDecoder().decode("ROjsf7s7gRgBrTbYbOZ0/1u64eGSbQW98sW6fxP86zI="));
    private static final TSIG OTHER = new TSIG(TSIG.HMAC_SHA256, name("upd-key."), new byte[32]);

    private static Name name(String s) {
        try {
            return Name.fromString(s);
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Message update(String zone, String owner) throws Exception {
        Update u = new Update(name(zone));
        u.add(new ARecord(name(owner), DClass.IN, 30, java.net.InetAddress.getByName("192.0.2.7")));
        return u;
    }

    private static TestServer server(DnsServerConfig.UdpIo io, UpdateTarget target, int inFlight, int queued) throws Exception {
        Authority authority = TestServer.exampleAuthority();
        DnsServer s = new DnsServer(authority, DnsServerConfig.of(TestServer.LOOPBACK, 0).withUdpIo(io), TransferPolicy.NONE, new UpdatePolicy(KEY, target, inFlight, queued));
        return TestServer.wrap(authority, s);
    }

    @Test
    void without_an_update_policy_update_is_notimp() throws Exception {
        try (TestServer s = TestServer.start(TestServer.exampleAuthority())) {
            Message u = update("example.test.", "x.example.test.");
            KEY.apply(u, null);
            assertThat(s.send(u, false).getRcode()).isEqualTo(Rcode.NOTIMP);
        }
    }

    @ParameterizedTest
    @EnumSource(DnsServerConfig.UdpIo.class)
    void the_key_decides_before_the_target_is_asked_and_replies_are_signed(DnsServerConfig.UdpIo io) throws Exception {
        AtomicInteger asked = new AtomicInteger();
        try (TestServer s = server(io, r -> {
            asked.incrementAndGet();
            return UpdateTarget.Verdict.APPLIED;
        }, 2, 4)) {
            Message unsigned = update("example.test.", "x.example.test.");
            assertThat(s.send(unsigned, true).getRcode()).isEqualTo(Rcode.NOTAUTH);
            Message wrong = update("example.test.", "x.example.test.");
            OTHER.apply(wrong, null);
            Message refused = s.send(wrong, false);
            assertThat(refused.getRcode()).isEqualTo(Rcode.NOTAUTH);
            assertThat(refused.getTSIG()).isNotNull();
            assertThat(refused.getTSIG().getError()).isEqualTo(Rcode.BADSIG);
            assertThat(asked).hasValue(0);

            Message signed = update("example.test.", "x.example.test.");
            KEY.apply(signed, null);
            byte[] replyWire = new WireExchangeTcp(s.port()).exchange(signed.toWire());
            Message reply = new Message(replyWire);
            assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(KEY.verify(reply, replyWire, signed.getTSIG())).as("the reply is signed with the key").isEqualTo(Rcode.NOERROR);
            assertThat(asked).hasValue(1);

            Message otherZone = update("elsewhere.test.", "x.elsewhere.test.");
            KEY.apply(otherZone, null);
            assertThat(s.send(otherZone, false).getRcode()).isEqualTo(Rcode.NOTAUTH);
            Message outside = update("example.test.", "x.elsewhere.test.");
            KEY.apply(outside, null);
            assertThat(s.send(outside, false).getRcode()).isEqualTo(Rcode.NOTZONE);
            assertThat(asked).hasValue(1);
        }
    }

    @ParameterizedTest
    @EnumSource(DnsServerConfig.UdpIo.class)
    void a_flood_while_the_target_is_stuck_is_shed_with_servfail_not_queued(DnsServerConfig.UdpIo io) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger asked = new AtomicInteger();
        try (TestServer s = server(io, r -> {
            asked.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return UpdateTarget.Verdict.APPLIED;
        }, 1, 2)) {
            List<java.util.concurrent.Future<Integer>> replies = new ArrayList<>();
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                for (int i = 0; i < 8; i++) {
                    replies.add(clients.submit(() -> {
                        Message u = update("example.test.", "x.example.test.");
                        KEY.apply(u, null);
                        return s.send(u, false).getRcode();
                    }));
                }
                // 1 applying + 2 queued: the other 5 are answered SERVFAIL at once, while the target is stuck.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (s.server.updatesShed() < 5 && System.nanoTime() < deadline) Thread.sleep(10);
                assertThat(s.server.updatesShed()).isEqualTo(5);
                release.countDown();
                List<Integer> codes = new ArrayList<>();
                for (var f : replies) codes.add(f.get(30, TimeUnit.SECONDS));
                assertThat(codes).filteredOn(c -> c == Rcode.SERVFAIL).hasSize(5);
                assertThat(codes).filteredOn(c -> c == Rcode.NOERROR).hasSize(3);
                assertThat(asked).hasValue(3);
            } finally {
                clients.shutdownNow();
            }
        }
    }

    /** One message over TCP, raw: the reply's wire form is needed to verify its signature. */
    private record WireExchangeTcp(int port) {
        byte[] exchange(byte[] message) throws Exception {
            try (java.net.Socket socket = new java.net.Socket(TestServer.LOOPBACK, port)) {
                socket.setSoTimeout(5_000);
                var out = new java.io.DataOutputStream(socket.getOutputStream());
                TestServer.writeTcpMessage(out, message);
                out.flush();
                return TestServer.readTcpMessage(new java.io.DataInputStream(socket.getInputStream()));
            }
        }
    }
}
