package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.HINFORecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Protocol behaviour over real UDP and TCP packets against a running server. */
class ProtocolTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.exampleAuthority());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<org.xbill.DNS.Record> section(Message m, int section) {
        return m.getSection(section);
    }

    @Test
    void answers_authoritatively_with_every_record_of_an_unweighted_name() throws Exception {
        Message r = server.query("www.example.test.", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(section(r, Section.ANSWER)).extracting(rec -> ((ARecord) rec).getAddress().getHostAddress())
                .containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
        assertThat(section(r, Section.ANSWER)).allSatisfy(rec -> assertThat(rec.getTTL()).isEqualTo(3600));
        assertThat(server.query("www.example.test.", Type.AAAA).getSection(Section.ANSWER)).hasSize(1);
        assertThat(((org.xbill.DNS.TXTRecord) server.query("www.example.test.", Type.TXT).getSection(Section.ANSWER).get(0)).getStrings()).containsExactly("hello");
    }

    @Test
    void nodata_is_noerror_with_the_soa_and_the_negative_ttl() throws Exception {
        Message r = server.query("www.example.test.", Type.MX);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(section(r, Section.ANSWER)).isEmpty();
        assertNegativeSoa(r);
    }

    @Test
    void a_name_that_does_not_exist_is_nxdomain_with_the_soa() throws Exception {
        Message r = server.query("nope.example.test.", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(section(r, Section.ANSWER)).isEmpty();
        assertNegativeSoa(r);
        assertThat(server.query("deep.er.nope.example.test.", Type.AAAA).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    private static void assertNegativeSoa(Message r) {
        List<org.xbill.DNS.Record> authority = section(r, Section.AUTHORITY);
        assertThat(authority).hasSize(1);
        SOARecord soa = (SOARecord) authority.get(0);
        assertThat(soa.getName()).isEqualTo(Name.fromConstantString("example.test."));
        assertThat(soa.getTTL()).isEqualTo(300); // min(SOA minimum 300, SOA TTL 3600)
    }

    @Test
    void an_empty_non_terminal_is_nodata_not_nxdomain() throws Exception {
        for (String name : List.of("b.c.example.test.", "c.example.test.")) {
            Message r = server.query(name, Type.A);
            assertThat(r.getRcode()).as(name).isEqualTo(Rcode.NOERROR);
            assertThat(section(r, Section.ANSWER)).isEmpty();
            assertNegativeSoa(r);
        }
        assertThat(server.query("a.b.c.example.test.", Type.A).getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void a_cname_chain_inside_the_zone_is_followed() throws Exception {
        Message r = server.query("alias2.example.test.", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        List<org.xbill.DNS.Record> answer = section(r, Section.ANSWER);
        assertThat(answer).hasSize(4);
        assertThat(((CNAMERecord) answer.get(0)).getTarget()).isEqualTo(Name.fromConstantString("alias.example.test."));
        assertThat(answer.get(1).getName()).isEqualTo(Name.fromConstantString("alias.example.test."));
        assertThat(((CNAMERecord) answer.get(1)).getTarget()).isEqualTo(Name.fromConstantString("www.example.test."));
        assertThat(answer.subList(2, 4)).allSatisfy(rec -> {
            assertThat(rec.getName()).isEqualTo(Name.fromConstantString("www.example.test."));
            assertThat(rec.getType()).isEqualTo(Type.A);
        });
        // Asking for the CNAME itself gives the CNAME only.
        assertThat(server.query("alias.example.test.", Type.CNAME).getSection(Section.ANSWER)).hasSize(1);
        // The chain ends in NODATA: the target's SOA follows.
        Message nodata = server.query("alias.example.test.", Type.MX);
        assertThat(nodata.getSection(Section.ANSWER)).hasSize(1);
        assertNegativeSoa(nodata);
    }

    @Test
    void a_cname_leaving_our_zones_or_dangling_is_answered_as_far_as_we_know() throws Exception {
        Message out = server.query("outside.example.test.", Type.A);
        assertThat(out.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(out.getSection(Section.ANSWER)).hasSize(1);
        Message dangling = server.query("dangling.example.test.", Type.A);
        assertThat(dangling.getRcode()).isEqualTo(Rcode.NXDOMAIN); // RFC 6604
        assertThat(dangling.getSection(Section.ANSWER)).hasSize(1);
        assertNegativeSoa(dangling);
    }

    @Test
    void a_delegation_gives_a_referral_with_glue_and_without_aa() throws Exception {
        for (String name : List.of("sub.example.test.", "host.sub.example.test.", "ns.sub.example.test.")) {
            Message r = server.query(name, Type.A);
            assertThat(r.getRcode()).as(name).isEqualTo(Rcode.NOERROR);
            assertThat(r.getHeader().getFlag(Flags.AA)).as(name).isFalse();
            assertThat(section(r, Section.ANSWER)).as(name).isEmpty();
            assertThat(section(r, Section.AUTHORITY)).as(name).hasSize(2).allSatisfy(rec -> {
                assertThat(rec.getType()).isEqualTo(Type.NS);
                assertThat(rec.getName()).isEqualTo(Name.fromConstantString("sub.example.test."));
            });
            assertThat(section(r, Section.ADDITIONAL)).as(name).singleElement().satisfies(rec -> {
                assertThat(rec.getName()).isEqualTo(Name.fromConstantString("ns.sub.example.test."));
                assertThat(((ARecord) rec).getAddress().getHostAddress()).isEqualTo("192.0.2.99");
            });
        }
    }

    @Test
    void names_outside_every_zone_are_refused() throws Exception {
        for (String name : List.of("www.other.test.", "test.", ".", "example.test.invalid.")) {
            Message r = server.query(name, Type.A);
            assertThat(r.getRcode()).as(name).isEqualTo(Rcode.REFUSED);
            assertThat(r.getHeader().getFlag(Flags.AA)).isFalse();
        }
    }

    @Test
    void names_match_case_insensitively_and_the_question_case_is_echoed() throws Exception {
        Message r = server.query("WwW.ExAmPlE.TeSt.", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getQuestion().getName().toString()).isEqualTo("WwW.ExAmPlE.TeSt.");
        assertThat(section(r, Section.ANSWER)).hasSize(2).allSatisfy(rec -> assertThat(rec.getName().toString()).isEqualTo("WwW.ExAmPlE.TeSt."));
        assertThat(server.query("NOPE.Example.TEST.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void a_wildcard_answers_for_names_below_it() throws Exception {
        Message r = server.query("anything.WILD.example.test.", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(section(r, Section.ANSWER)).singleElement().satisfies(rec -> {
            assertThat(rec.getName().toString()).isEqualTo("anything.WILD.example.test.");
            assertThat(((ARecord) rec).getAddress().getHostAddress()).isEqualTo("192.0.2.77");
        });
    }

    @Test
    void any_is_answered_minimally() throws Exception {
        Message r = server.query("www.example.test.", Type.ANY);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(section(r, Section.ANSWER)).singleElement().satisfies(rec -> {
            assertThat(rec).isInstanceOf(HINFORecord.class);
            assertThat(((HINFORecord) rec).getCPU()).isEqualTo("RFC8482");
        });
        assertThat(server.query("nope.example.test.", Type.ANY).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void malformed_packets_and_wrong_question_counts_get_formerr() throws Exception {
        byte[] good = TestServer.queryBytes("www.example.test.");
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
        assertFormerr(server.udpExchange(cut));
        byte[] twoQuestions = good.clone();
        twoQuestions[5] = 2;
        assertFormerr(server.udpExchange(twoQuestions));
        byte[] noQuestion = good.clone();
        noQuestion[5] = 0;
        assertFormerr(server.udpExchange(noQuestion));
        byte[] pointerInQuestion = good.clone();
        pointerInQuestion[12] = (byte) 0xC0;
        assertFormerr(server.udpExchange(pointerInQuestion));
        byte[] phantomAdditional = good.clone();
        phantomAdditional[11] = 1; // ARCOUNT 1 with no record
        assertFormerr(server.udpExchange(phantomAdditional));
    }

    private static void assertFormerr(byte[] reply) throws Exception {
        Message m = new Message(reply);
        assertThat(m.getHeader().getID()).isEqualTo(4242);
        assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void unknown_opcodes_get_notimp() throws Exception {
        Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString("www.example.test."), Type.A, DClass.IN));
        q.getHeader().setOpcode(Opcode.STATUS);
        Message r = new Message(server.udpExchange(q.toWire()));
        assertThat(r.getRcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(r.getHeader().getOpcode()).isEqualTo(Opcode.STATUS);
        assertThat(r.getHeader().getID()).isEqualTo(q.getHeader().getID());
    }

    @Test
    void a_packet_with_qr_set_is_never_answered() throws Exception {
        byte[] response = TestServer.queryBytes("www.example.test.", Type.A, 1111);
        response[2] |= (byte) 0x80;
        byte[] query = TestServer.queryBytes("www.example.test.", Type.A, 2222);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(TestServer.LOOPBACK, 0))) {
            socket.setSoTimeout(5_000);
            socket.send(new DatagramPacket(response, response.length, TestServer.LOOPBACK, server.port()));
            socket.send(new DatagramPacket(query, query.length, TestServer.LOOPBACK, server.port()));
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            // The first (and only) reply is for the query sent second: the QR=1 packet got nothing.
            assertThat(new Message(java.util.Arrays.copyOf(buf, p.getLength())).getHeader().getID()).isEqualTo(2222);
        }
    }

    @Test
    void without_edns_a_large_answer_is_truncated_and_tcp_carries_it_whole() throws Exception {
        Message udp = server.query("big.example.test.", Type.A);
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(udp.getSection(Section.ANSWER)).isEmpty();
        assertThat(udp.getQuestion().getName().toString()).isEqualTo("big.example.test.");
        Message tcp = server.send(Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString("big.example.test."), Type.A, DClass.IN)), true);
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(40);
    }

    @Test
    void edns_payload_size_is_honoured_and_opt_comes_back() throws Exception {
        Message large = server.send(ednsQuery("big.example.test.", 1232, 0, List.of()), false);
        assertThat(large.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(large.getSection(Section.ANSWER)).hasSize(40); // 40 × 16 bytes + header etc. ≈ 690 bytes
        assertThat(large.getOPT()).isNotNull();
        assertThat(large.getOPT().getPayloadSize()).isEqualTo(ServingOptions.UDP_PAYLOAD_MAX_DEFAULT);
        Message small = server.send(ednsQuery("big.example.test.", 600, 0, List.of()), false);
        assertThat(small.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(small.getOPT()).isNotNull();
        // Below 512 counts as 512 (RFC 6891 §6.2.5): still truncated, but answered.
        assertThat(server.send(ednsQuery("www.example.test.", 100, 0, List.of()), false).getSection(Section.ANSWER)).hasSize(2);
    }

    @Test
    void unknown_edns_options_are_ignored_and_other_versions_get_badvers() throws Exception {
        Message withOption = server.send(ednsQuery("www.example.test.", 1232, 0, List.of(new GenericEDNSOption(65001, new byte[] {1, 2, 3}))), false);
        assertThat(withOption.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(withOption.getSection(Section.ANSWER)).hasSize(2);
        Message badvers = new Message(server.udpExchange(ednsQuery("www.example.test.", 1232, 1, List.of()).toWire()));
        assertThat(badvers.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(badvers.getOPT()).isNotNull();
        assertThat(badvers.getOPT().getVersion()).isZero();
        assertThat(badvers.getSection(Section.ANSWER)).isEmpty();
    }

    private static Message ednsQuery(String name, int payload, int version, List<EDNSOption> options) throws Exception {
        Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
        q.addRecord(new OPTRecord(payload, 0, version, 0, options), Section.ADDITIONAL);
        return q;
    }

    @Test
    void tcp_answers_pipelined_queries_in_order() throws Exception {
        try (Socket s = server.tcpConnect()) {
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream()));
            DataInputStream in = new DataInputStream(s.getInputStream());
            String[] names = {"www.example.test.", "nope.example.test.", "alias.example.test.", "big.example.test."};
            for (int i = 0; i < names.length; i++) TestServer.writeTcpMessage(out, TestServer.queryBytes(names[i], Type.A, 100 + i));
            out.flush(); // all four in one write: pipelined
            int[] rcodes = new int[names.length];
            for (int i = 0; i < names.length; i++) {
                Message m = new Message(TestServer.readTcpMessage(in));
                assertThat(m.getHeader().getID()).isEqualTo(100 + i);
                rcodes[i] = m.getRcode();
            }
            assertThat(rcodes).containsExactly(Rcode.NOERROR, Rcode.NXDOMAIN, Rcode.NOERROR, Rcode.NOERROR);
        }
    }
}
