package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The defects the differential test found (issue 11, 1-9), each on real packets against a running
 * server serving {@code differential/diff.test.zone}: what BIND and Knot answer, and the RFC why.
 */
class DataPlaneCorrectnessTest {
    private static final Name ORIGIN = Name.fromConstantString("diff.test.");
    private static TestServer server;
    /** The same zone with CHAOS identity and NSID on. */
    private static TestServer identified;

    @BeforeAll
    static void start() throws Exception {
        Path file = Files.createTempFile("diff.test", ".zone");
        try (InputStream in = DataPlaneCorrectnessTest.class.getResourceAsStream("/differential/diff.test.zone")) {
            Files.write(file, in.readAllBytes());
        }
        Zone zone = ZoneFileReader.read(file);
        Files.delete(file);
        server = TestServer.start(Authority.of(List.of(zone), ServingOptions.defaults()));
        identified = TestServer.start(Authority.of(List.of(zone), ServingOptions.defaults().withIdentity("ns-a.example", "ns-a")));
    }

    @AfterAll
    static void stop() {
        server.close();
        identified.close();
    }

    private static Message ask(TestServer s, String name, int type, boolean tcp, boolean edns, boolean dnssecOk, EDNSOption... options) throws Exception {
        Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(name, ORIGIN), type, DClass.IN));
        q.getHeader().unsetFlag(Flags.RD);
        if (edns) q.addRecord(new OPTRecord(1232, 0, 0, dnssecOk ? ExtendedFlags.DO : 0, List.of(options)), Section.ADDITIONAL);
        byte[] reply = tcp ? WireExchange.tcp(s.port(), q.toWire(), 5_000) : WireExchange.udp(s.port(), q.toWire(), 5_000, 3);
        return new Message(reply);
    }

    private static Message ask(String name, int type) throws Exception {
        return ask(server, name, type, false, true, false);
    }

    private static List<String> texts(Message m, int section) {
        List<String> out = new ArrayList<>();
        for (org.xbill.DNS.Record r : m.getSection(section)) if (!(r instanceof OPTRecord)) out.add(r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString());
        return out;
    }

    @Test
    void ds_at_a_delegation_is_answered_from_the_parent_side_with_aa() throws Exception {
        // RFC 4035 §3.1.4.1: the parent is authoritative for the DS at its cut; a referral would loop a validator.
        Message ds = ask("sub", Type.DS);
        assertThat(ds.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ds.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(texts(ds, Section.ANSWER)).singleElement().asString().startsWith("sub.diff.test. DS 12345 13 2");
        assertThat(ds.getSection(Section.AUTHORITY)).isEmpty();
        Message none = ask("nog", Type.DS);
        assertThat(none.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(none.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(none.getSection(Section.ANSWER)).isEmpty();
        assertThat(none.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
        // Below the cut, DS is the child's: a referral.
        Message below = ask("x.sub", Type.DS);
        assertThat(below.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(texts(below, Section.AUTHORITY)).contains("sub.diff.test. NS ns.sub.diff.test.");
    }

    @Test
    void the_do_bit_is_copied_into_the_reply_opt() throws Exception {
        // RFC 3225 §3: the DO bit of the query MUST be copied in the response.
        for (boolean tcp : new boolean[] {false, true}) {
            assertThat(ask(server, "www", Type.A, tcp, true, true).getOPT().getFlags() & ExtendedFlags.DO).isEqualTo(ExtendedFlags.DO);
            assertThat(ask(server, "www", Type.A, tcp, true, false).getOPT().getFlags() & ExtendedFlags.DO).isZero();
            assertThat(ask(server, "nothere", Type.A, tcp, true, true).getOPT().getFlags() & ExtendedFlags.DO).isEqualTo(ExtendedFlags.DO);
        }
    }

    @Test
    void a_cname_whose_target_a_wildcard_covers_is_answered_by_the_wildcard() throws Exception {
        Message r = ask("cw", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(texts(r, Section.ANSWER)).containsExactly("cw.diff.test. CNAME host.wild.diff.test.", "host.wild.diff.test. A 192.0.2.77");
        // A CNAME to a name a wildcard CNAME covers: both CNAMEs, then the final address.
        assertThat(texts(ask("cx", Type.A), Section.ANSWER)).containsExactly(
                "cx.diff.test. CNAME x.wc.diff.test.", "x.wc.diff.test. CNAME www.diff.test.", "www.diff.test. A 192.0.2.1", "www.diff.test. A 192.0.2.2");
    }

    @Test
    void a_dname_redirects_every_name_below_it() throws Exception {
        // RFC 6672 §3.2: the DNAME, a CNAME synthesized from it (TTL the DNAME's), then the target's answer.
        Message r = ask("a.x.dn", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NXDOMAIN); // a.x.target does not exist
        Message x = ask("x.dn", Type.A);
        assertThat(x.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(x.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(x.getSection(Section.ANSWER)).hasSize(3);
        assertThat(x.getSection(Section.ANSWER).get(0)).isInstanceOfSatisfying(DNAMERecord.class, d -> assertThat(d.getTarget()).hasToString("target.diff.test."));
        assertThat(x.getSection(Section.ANSWER).get(1)).isInstanceOfSatisfying(CNAMERecord.class, c -> {
            assertThat(c.getName()).hasToString("x.dn.diff.test.");
            assertThat(c.getTarget()).hasToString("x.target.diff.test.");
            assertThat(c.getTTL()).isEqualTo(3600);
        });
        assertThat(texts(x, Section.ANSWER).get(2)).isEqualTo("x.target.diff.test. A 192.0.2.100");
        // A synthesized CNAME that leads to another CNAME is followed too.
        assertThat(texts(ask("y.dn", Type.A), Section.ANSWER)).endsWith("www.diff.test. A 192.0.2.1", "www.diff.test. A 192.0.2.2");
        // The DNAME's own name is not redirected (§2.3).
        Message own = ask("dn", Type.DNAME);
        assertThat(own.getSection(Section.ANSWER)).singleElement().isInstanceOf(DNAMERecord.class);
        // Asking for the CNAME itself: the synthesized one answers.
        assertThat(texts(ask("x.dn", Type.CNAME), Section.ANSWER)).containsExactly("dn.diff.test. DNAME target.diff.test.", "x.dn.diff.test. CNAME x.target.diff.test.");
    }

    @Test
    void a_cname_loop_carries_each_record_once() throws Exception {
        Message loop = ask("loop1", Type.A);
        assertThat(loop.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(texts(loop, Section.ANSWER)).containsExactly("loop1.diff.test. CNAME loop2.diff.test.", "loop2.diff.test. CNAME loop1.diff.test.");
        assertThat(texts(ask("self", Type.A), Section.ANSWER)).containsExactly("self.diff.test. CNAME self.diff.test.");
    }

    @Test
    void duplicates_are_served_once_and_an_rrset_with_one_ttl() throws Exception {
        assertThat(texts(ask("dup", Type.A), Section.ANSWER)).containsExactly("dup.diff.test. A 192.0.2.5");
        assertThat(ask("ttl", Type.A).getSection(Section.ANSWER)).extracting(org.xbill.DNS.Record::getTTL).containsExactly(300L, 300L);
    }

    @Test
    void error_replies_to_edns_queries_carry_an_opt() throws Exception {
        // RFC 6891 §6.1.1: a reply to a query with OPT carries OPT, whatever its rcode.
        record Case(String name, int type, int dclass, int opcode, int rcode) {}
        List<Case> cases = List.of(
                new Case("www.elsewhere.invalid.", Type.A, DClass.IN, Opcode.QUERY, Rcode.REFUSED),
                new Case("diff.test.", Type.SOA, DClass.IN, Opcode.STATUS, Rcode.NOTIMP),
                new Case("www.diff.test.", Type.OPT, DClass.IN, Opcode.QUERY, Rcode.FORMERR),
                new Case("version.bind.", Type.TXT, DClass.CH, Opcode.QUERY, Rcode.REFUSED));
        for (Case c : cases) {
            Message reply = new Message(WireExchange.udp(server.port(), ednsQuery(c.name(), c.type(), c.dclass(), c.opcode()), 5_000, 3));
            assertThat(reply.getRcode()).as(c.toString()).isEqualTo(c.rcode());
            assertThat(reply.getOPT()).as(c.toString()).isNotNull();
        }
    }

    private static byte[] ednsQuery(String name, int type, int dclass, int opcode) throws Exception {
        Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(name), type, dclass));
        q.getHeader().setOpcode(opcode);
        q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
        return q.toWire();
    }

    @Test
    void a_well_formed_udp_query_larger_than_1232_bytes_is_answered() throws Exception {
        for (int size : new int[] {1400, 4000}) {
            Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString("www", ORIGIN), Type.A, DClass.IN));
            int padding = size - q.toWire().length - 11 - 4;
            q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new GenericEDNSOption(12, new byte[padding]))), Section.ADDITIONAL);
            byte[] wire = q.toWire();
            assertThat(wire).hasSize(size);
            Message r = new Message(WireExchange.udp(server.port(), wire, 5_000, 3));
            assertThat(r.getRcode()).as("%d-byte query", size).isEqualTo(Rcode.NOERROR);
            assertThat(r.getSection(Section.ANSWER)).hasSize(2);
        }
    }

    @Test
    void in_zone_targets_of_mx_srv_and_ns_come_with_their_addresses() throws Exception {
        assertThat(texts(ask("@", Type.MX), Section.ADDITIONAL)).containsExactlyInAnyOrder("mail.diff.test. A 192.0.2.25", "mail.diff.test. AAAA 2001:db8:0:0:0:0:0:25");
        assertThat(texts(ask("_sip._tcp", Type.SRV), Section.ADDITIONAL)).containsExactly("sip.diff.test. A 192.0.2.60");
        assertThat(texts(ask("@", Type.NS), Section.ADDITIONAL)).containsExactlyInAnyOrder(
                "ns1.diff.test. A 192.0.2.53", "ns1.diff.test. AAAA 2001:db8:0:0:0:0:0:53", "ns2.diff.test. A 192.0.2.54");
        // Through a CNAME, and for a wildcard's MX.
        assertThat(texts(ask("y.wmx", Type.MX), Section.ADDITIONAL)).contains("mail.diff.test. A 192.0.2.25");
    }

    @Test
    void a_cname_into_a_delegation_ends_in_a_referral() throws Exception {
        Message r = ask("cdel", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue(); // the CNAME is ours
        assertThat(texts(r, Section.ANSWER)).containsExactly("cdel.diff.test. CNAME host.sub.diff.test.");
        assertThat(texts(r, Section.AUTHORITY)).containsExactlyInAnyOrder("sub.diff.test. NS ns.sub.diff.test.", "sub.diff.test. NS ns2.other.invalid.");
        assertThat(texts(r, Section.ADDITIONAL)).containsExactlyInAnyOrder("ns.sub.diff.test. A 192.0.2.99", "ns.sub.diff.test. AAAA 2001:db8:0:0:0:0:0:99");
    }

    @Test
    void names_inside_rdata_of_the_rfc_1035_types_are_compressed() throws Exception {
        // Knot's sizes for the same questions (both peers compress the same way): SOA 89 bytes with OPT.
        Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(ORIGIN, Type.SOA, DClass.IN));
        q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
        assertThat(WireExchange.udp(server.port(), q.toWire(), 5_000, 3)).hasSize(89);
        Message mx = Message.newQuery(org.xbill.DNS.Record.newRecord(ORIGIN, Type.MX, DClass.IN));
        byte[] reply = WireExchange.udp(server.port(), mx.toWire(), 5_000, 3);
        // Every name in it decodes to what the zone holds, pointers and all.
        assertThat(new Message(reply).getSection(Section.ANSWER)).extracting(r -> ((MXRecord) r).getTarget().toString())
                .containsExactlyInAnyOrder("mail.diff.test.", "mx.elsewhere.invalid.");
        // The in-zone exchange is "mail" and a pointer to the apex inside the question (offset 12).
        assertThat(java.util.HexFormat.of().formatHex(reply)).contains("046d61696cc00c");
    }

    @Test
    void nsid_and_chaos_identity_answer_only_when_configured() throws Exception {
        assertThat(ask(server, "www", Type.A, false, true, false, new NSIDOption(new byte[0])).getOPT().getOptions()).isEmpty();
        Message nsid = ask(identified, "www", Type.A, false, true, false, new NSIDOption(new byte[0]));
        assertThat(nsid.getOPT().getOptions(EDNSOption.Code.NSID)).singleElement()
                .satisfies(o -> assertThat(new String(o.toWire(), java.nio.charset.StandardCharsets.US_ASCII)).endsWith("ns-a"));
        // Not asked, not sent (RFC 5001 §2.2).
        assertThat(ask(identified, "www", Type.A, false, true, false).getOPT().getOptions()).isEmpty();
        for (String name : new String[] {"id.server.", "HOSTNAME.bind."}) {
            Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(name), Type.TXT, DClass.CH));
            assertThat(new Message(WireExchange.udp(server.port(), q.toWire(), 5_000, 3)).getRcode()).isEqualTo(Rcode.REFUSED);
            Message id = new Message(WireExchange.udp(identified.port(), q.toWire(), 5_000, 3));
            assertThat(id.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(id.getSection(Section.ANSWER)).singleElement().isInstanceOfSatisfying(TXTRecord.class, t -> {
                assertThat(t.getStrings()).containsExactly("ns-a.example");
                assertThat(t.getDClass()).isEqualTo(DClass.CH);
            });
        }
    }

    @Test
    void addresses_of_targets_are_dropped_before_an_answer_is_truncated() throws Exception {
        // 20 MX targets with three addresses each: the MX RRset fits 512 bytes, its addresses do not.
        StringBuilder text = new StringBuilder("$ORIGIN many.test.\n$TTL 60\n@ SOA ns hostmaster 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n");
        for (int i = 0; i < 20; i++) {
            text.append("@ MX ").append(i).append(" m").append(i).append('\n');
            text.append("m").append(i).append(" A 192.0.2.").append(10 + i).append('\n');
            text.append("m").append(i).append(" A 198.51.100.").append(10 + i).append('\n');
            text.append("m").append(i).append(" AAAA 2001:db8::").append(10 + i).append('\n');
        }
        Path file = Files.createTempFile("many", ".zone");
        Files.writeString(file, text);
        Zone zone = ZoneFileReader.read(file);
        Files.delete(file);
        try (TestServer many = TestServer.start(Authority.of(List.of(zone), ServingOptions.defaults()))) {
            Message r = new Message(WireExchange.udp(many.port(), Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString("many.test."), Type.MX, DClass.IN)).toWire(), 5_000, 3));
            assertThat(r.getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(r.getSection(Section.ANSWER)).hasSize(20);
            assertThat(r.getSection(Section.ADDITIONAL)).isEmpty();
            Message tcp = new Message(WireExchange.tcp(many.port(), Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString("many.test."), Type.MX, DClass.IN)).toWire(), 5_000));
            assertThat(tcp.getSection(Section.ADDITIONAL)).hasSize(60);
            assertThat(tcp.getSection(Section.ADDITIONAL)).filteredOn(a -> a instanceof ARecord).hasSize(40);
        }
    }

    @Test
    void a_child_zone_served_beside_its_parent_answers_ds_from_the_parent() throws Exception {
        Path parentFile = Files.createTempFile("parent", ".zone");
        Path childFile = Files.createTempFile("child", ".zone");
        Files.writeString(parentFile, "$ORIGIN parent.test.\n$TTL 60\n@ SOA ns hostmaster 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n"
                + "child NS ns.child\nns.child A 192.0.2.2\nchild DS 4242 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n");
        Files.writeString(childFile, "$ORIGIN child.parent.test.\n$TTL 60\n@ SOA ns hostmaster 7 2 3 4 5\n@ NS ns\nns A 192.0.2.2\nwww A 192.0.2.3\n");
        List<Zone> zones = List.of(ZoneFileReader.read(parentFile), ZoneFileReader.read(childFile));
        Files.delete(parentFile);
        Files.delete(childFile);
        try (TestServer both = TestServer.start(Authority.of(zones, ServingOptions.defaults()))) {
            Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString("child.parent.test."), Type.DS, DClass.IN));
            Message ds = new Message(WireExchange.udp(both.port(), q.toWire(), 5_000, 3));
            assertThat(ds.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(texts(ds, Section.ANSWER)).singleElement().asString().startsWith("child.parent.test. DS 4242 13 2");
            // Everything else at and below the child apex is the child's.
            Message www = new Message(WireExchange.udp(both.port(), Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString("www.child.parent.test."), Type.A, DClass.IN)).toWire(), 5_000, 3));
            assertThat(texts(www, Section.ANSWER)).containsExactly("www.child.parent.test. A 192.0.2.3");
        }
    }
}
