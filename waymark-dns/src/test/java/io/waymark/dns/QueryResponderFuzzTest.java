package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;

/**
 * Fuzzes the packet handler with Jazzer (coverage-guided). For every input: no exception escapes,
 * a packet with QR=1 (or shorter than a header) is never answered, every reply parses with dnsjava,
 * carries the query's ID with QR set, and a UDP reply fits the size the query allows. The surefire
 * run sets JAZZER_FUZZ=1 so this fuzzes for a bounded time; without it only the seed inputs run.
 */
class QueryResponderFuzzTest {
    /** Executions that prove the fuzzer really ran: Jazzer manages tens of thousands per second here. */
    private static final long FUZZ_EXECUTIONS_MIN = 10_000;
    private static final AtomicLong executions = new AtomicLong();
    private static final Authority authority = authority();
    private static final QueryResponder responder = new QueryResponder(authority, 99);

    private static Authority authority() {
        try {
            Authority a = Authority.of(List.of(TestServer.exampleZone(), Zone.withDefaults(Name.fromString("waymark.test."))), ServingOptions.defaults());
            a.applyManaged(Map.of(Endpoint.of("api.waymark.test."), new RecordSet(List.of(
                    WeightedAddress.of("192.0.2.1", 1), WeightedAddress.of("192.0.2.2", 5), WeightedAddress.of("2001:db8::1", 2)), 30)));
            return a;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void responds_safely_to_any_packet(byte[] packet) throws Exception {
        executions.incrementAndGet();
        for (Transport transport : Transport.values()) {
            ByteBuf query = Unpooled.wrappedBuffer(packet);
            ByteBuf reply = Unpooled.buffer(512);
            boolean sent = responder.respond(query, reply, transport);
            assertThat(query.readerIndex()).isZero();
            if (packet.length < QueryResponder.HEADER_LENGTH || (packet[2] & 0x80) != 0) {
                assertThat(sent).as("answered a packet that is not a query").isFalse();
                assertThat(reply.readableBytes()).isZero();
                continue;
            }
            assertThat(sent).isTrue();
            byte[] bytes = new byte[reply.readableBytes()];
            reply.readBytes(bytes);
            Message m = new Message(bytes); // throws if the reply does not parse
            assertThat(m.getHeader().getID()).isEqualTo(((packet[0] & 0xff) << 8) | (packet[1] & 0xff));
            assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
            if (transport == Transport.UDP) assertThat(bytes.length).isLessThanOrEqualTo(udpLimit(packet));
        }
    }

    /** The most a UDP reply may hold: 512, or the query's EDNS size (if dnsjava can read its OPT) capped by ours. */
    private static int udpLimit(byte[] packet) {
        try {
            OPTRecord opt = new Message(packet).getOPT();
            if (opt == null) return ServingOptions.UDP_PAYLOAD_CLASSIC;
            return Math.max(ServingOptions.UDP_PAYLOAD_CLASSIC, Math.min(opt.getPayloadSize(), ServingOptions.UDP_PAYLOAD_MAX_DEFAULT));
        } catch (Exception unparseable) {
            return ServingOptions.UDP_PAYLOAD_MAX_DEFAULT;
        }
    }

    @AfterAll
    static void the_fuzzer_really_ran() {
        if ("1".equals(System.getenv("JAZZER_FUZZ"))) {
            assertThat(executions.get()).as("fuzz executions").isGreaterThanOrEqualTo(FUZZ_EXECUTIONS_MIN);
        }
        System.out.println("fuzz executions: " + executions.get());
    }
}
