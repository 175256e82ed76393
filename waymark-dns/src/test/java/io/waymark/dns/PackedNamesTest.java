package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Plain names held packed in the name table's arenas (PackedNames) answer exactly as the nodes they
 * were packed from: byte for byte at the RRset level, and on real packets for every kind of answer
 * a packed name takes part in (answer, 0x20 case, NODATA, NXDOMAIN below it, empty non-terminals,
 * ANY, DS, wildcards, CNAME targets, truncation), and when an update moves a name between the packed
 * and the node form. Zone transfers give back the same records either way.
 */
class PackedNamesTest {
    private static final String ZONE_TEXT = String.join("\n",
            "$ORIGIN packed.test.",
            "$TTL 300",
            "@ IN SOA ns1 hostmaster 1 3600 600 86400 60",
            "@ IN NS ns1",
            "ns1 IN A 192.0.2.53",
            "plain IN A 192.0.2.1",
            "plain IN A 192.0.2.2",
            "plain IN AAAA 2001:db8::1",
            "v6 600 IN AAAA 2001:db8::6",
            "MiXeD IN A 192.0.2.7",
            "a.b.c IN A 192.0.2.3",
            "*.w IN A 192.0.2.77",
            "x.w IN A 192.0.2.78",
            "rich IN A 192.0.2.9",
            "rich IN TXT \"t\"",
            "alias IN CNAME plain",
            "sub IN NS ns.sub",
            "ns.sub IN A 192.0.2.99",
            bigRRset(),
            "");

    private static String bigRRset() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 40; i++) b.append("big IN A 10.0.0.").append(i).append('\n');
        return b.toString();
    }

    private static Zone zone() throws Exception {
        return TestServer.zoneFromText(ZONE_TEXT);
    }

    private static Name name(String s) throws Exception {
        return Name.fromString(s, Name.fromString("packed.test."));
    }

    private static List<NameNode> nodes() throws Exception {
        return ZoneNodes.build(zone(), 0, n -> false);
    }

    @Test
    void plain_names_pack_and_unpack_to_the_same_node_and_the_others_stay_nodes() throws Exception {
        Set<String> packed = new TreeSet<>();
        for (NameNode n : nodes()) {
            String text = ZoneContent.name(n.key()).toString();
            if (!PackedNames.packable(n)) continue;
            packed.add(text);
            byte[] arena = new byte[PackedNames.length(n) + 3];
            byte[] apex = WireNames.key(n.zone().origin());
            assertThat(PackedNames.write(n, apex, arena, 3)).isEqualTo(arena.length);
            assertThat(PackedNames.keyEquals(arena, 3, new byte[][] {apex}, n.key(), 0, n.key().length)).isTrue();
            assertThat(PackedNames.keyEquals(arena, 3, new byte[][] {apex}, n.key(), 1, n.key().length - 1)).isFalse();
            NameNode back = PackedNames.node(arena, 3, new ZoneServing[] {n.zone()}, new byte[][] {apex});
            assertThat(back.key()).isEqualTo(n.key());
            assertThat(back.zone()).isEqualTo(n.zone());
            assertThat(back.kind()).isEqualTo(n.kind());
            assertThat(back.rrsets()).hasSameSizeAs(n.rrsets());
            for (int r = 0; r < n.rrsets().length; r++) {
                assertThat(back.rrsets()[r].type()).isEqualTo(n.rrsets()[r].type());
                assertThat(back.rrsets()[r].data()).isEqualTo(n.rrsets()[r].data());
                assertThat(back.rrsets()[r].offsets()).isEqualTo(n.rrsets()[r].offsets());
            }
        }
        // Addresses only, empty non-terminals and a wildcard of addresses; not the apex, a TXT owner,
        // a CNAME, a cut or the glue below it.
        assertThat(packed).containsExactlyInAnyOrder("plain.packed.test.", "v6.packed.test.", "mixed.packed.test.", "a.b.c.packed.test.",
                "b.c.packed.test.", "c.packed.test.", "*.w.packed.test.", "x.w.packed.test.", "w.packed.test.", "ns1.packed.test.", "big.packed.test.");
    }

    @Test
    void a_packed_rrset_is_written_byte_for_byte_as_the_node_writes_it() throws Exception {
        int checked = 0;
        for (NameNode n : nodes()) {
            if (!PackedNames.packable(n)) continue;
            byte[] arena = new byte[PackedNames.length(n)];
            PackedNames.write(n, WireNames.key(n.zone().origin()), arena, 0);
            for (RRsetWire r : n.rrsets()) {
                for (int owner : new int[] {12, 300, 0x3FFF}) {
                    ByteBuf expected = Unpooled.buffer();
                    expected.writeZero(5); // a message that does not start at the buffer's start
                    int expectedCount = r.write(expected, 5, owner, 2, 12345, new int[4]);
                    ByteBuf actual = Unpooled.buffer();
                    actual.writeZero(5);
                    int actualCount = PackedNames.writeRRset(arena, PackedNames.rrset(arena, 0, r.type()), actual, owner, new byte[PackedNames.SCRATCH_BYTES]);
                    assertThat(actualCount).isEqualTo(expectedCount);
                    assertThat(ByteBufs.bytes(actual)).isEqualTo(ByteBufs.bytes(expected));
                    checked++;
                }
            }
            assertThat(PackedNames.rrset(arena, 0, Type.TXT)).isEqualTo(-1);
        }
        assertThat(checked).isGreaterThanOrEqualTo(3 * 8);
    }

    @Test
    void the_table_finds_packed_names_as_nodes_and_replaces_them_on_upsert() throws Exception {
        List<NameNode> nodes = nodes();
        NameTable table = NameTable.empty().with(nodes);
        assertThat(table.size()).isEqualTo(nodes.size());
        for (NameNode n : nodes) {
            long found = table.locate(n.key(), 0, n.key().length, n.hash());
            assertThat(found).isNotEqualTo(NameTable.ABSENT);
            assertThat(table.rich(found) == null).as(ZoneContent.name(n.key()).toString()).isEqualTo(PackedNames.packable(n));
            assertThat(table.zone(found)).isEqualTo(n.zone());
            NameNode back = table.find(n.key());
            assertThat(back.key()).isEqualTo(n.key());
            for (RRsetWire r : n.rrsets()) assertThat(back.rrset(r.type()).data()).isEqualTo(r.data());
        }
        // Upserting a packed name as a node, and back: the size stays, each lookup sees the latest.
        NameNode plain = table.find(WireNames.key(name("plain")));
        NameNode withTxt = new NameNode(plain.key(), plain.zone(), plain.kind(), new RRsetWire[] {plain.rrsets()[0], RRsetWire.of(Type.TXT,
                List.of(new org.xbill.DNS.TXTRecord(name("plain"), DClass.IN, 300, "x")))}, null, null, null, null);
        NameTable richer = table.with(List.of(withTxt));
        assertThat(richer.size()).isEqualTo(table.size());
        assertThat(richer.rich(richer.locate(plain.key(), 0, plain.key().length, plain.hash()))).isSameAs(withTxt);
        NameTable back = richer.with(List.of(plain));
        long packedAgain = back.locate(plain.key(), 0, plain.key().length, plain.hash());
        assertThat(back.rich(packedAgain)).isNull();
        assertThat(back.hasRRset(packedAgain, Type.TXT)).isFalse();
        assertThat(back.hasRRset(packedAgain, Type.AAAA)).isTrue();
        assertThat(table.rich(table.locate(plain.key(), 0, plain.key().length, plain.hash()))).isNull(); // the old table is untouched
    }

    private static Message ask(TestServer s, String qname, int type, boolean edns) throws Exception {
        Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(qname), type, DClass.IN));
        q.getHeader().unsetFlag(Flags.RD);
        if (edns) q.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        return new Message(WireExchange.udp(s.port(), q.toWire(), 5_000, 3));
    }

    private static List<String> section(Message m, int section) {
        List<String> out = new ArrayList<>();
        for (org.xbill.DNS.Record r : m.getSection(section)) {
            if (r.getType() != Type.OPT) out.add(r.getName() + " " + r.getTTL() + " " + Type.string(r.getType()) + " " + r.rdataToString());
        }
        return out;
    }

    @Test
    void packed_names_answer_on_real_packets_as_any_name_does() throws Exception {
        Authority authority = Authority.of(List.of(zone()), ServingOptions.defaults());
        try (TestServer s = TestServer.start(authority)) {
            // 0x20: the owner is a pointer to the question, which keeps the case asked.
            Message mixed = ask(s, "pLaIn.PaCkEd.TeSt.", Type.A, false);
            assertThat(mixed.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(mixed.getQuestion().getName().toString()).isEqualTo("pLaIn.PaCkEd.TeSt.");
            assertThat(section(mixed, Section.ANSWER)).containsExactly("pLaIn.PaCkEd.TeSt. 300 A 192.0.2.1", "pLaIn.PaCkEd.TeSt. 300 A 192.0.2.2");
            assertThat(section(ask(s, "MIXED.packed.test.", Type.A, true), Section.ANSWER)).containsExactly("MIXED.packed.test. 300 A 192.0.2.7");
            assertThat(section(ask(s, "v6.packed.test.", Type.AAAA, false), Section.ANSWER)).containsExactly("v6.packed.test. 600 AAAA 2001:db8:0:0:0:0:0:6");

            String soa = "packed.test. 60 SOA ns1.packed.test. hostmaster.packed.test. 1 3600 600 86400 60";
            // NODATA at a packed name, at its packed empty non-terminals, and DS (not a cut).
            for (String[] q : new String[][] {{"plain.packed.test.", "TXT"}, {"v6.packed.test.", "A"}, {"b.c.packed.test.", "A"}, {"c.packed.test.", "AAAA"},
                    {"plain.packed.test.", "DS"}, {"w.packed.test.", "A"}}) {
                Message m = ask(s, q[0], Type.value(q[1]), true);
                assertThat(m.getRcode()).as(q[0] + " " + q[1]).isEqualTo(Rcode.NOERROR);
                assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
                assertThat(section(m, Section.ANSWER)).as(q[0] + " " + q[1]).isEmpty();
                assertThat(section(m, Section.AUTHORITY)).as(q[0] + " " + q[1]).containsExactly(soa);
            }
            // NXDOMAIN below a packed name and below a packed empty non-terminal: the encloser's zone gives the SOA.
            for (String q : List.of("x.plain.packed.test.", "zz.b.c.packed.test.", "nothere.packed.test.")) {
                Message m = ask(s, q, Type.A, false);
                assertThat(m.getRcode()).as(q).isEqualTo(Rcode.NXDOMAIN);
                assertThat(section(m, Section.AUTHORITY)).as(q).containsExactly(soa);
            }
            // ANY: the RFC 8482 HINFO at a name with data, NODATA at an empty non-terminal.
            assertThat(section(ask(s, "plain.packed.test.", Type.ANY, false), Section.ANSWER)).containsExactly("plain.packed.test. 3600 HINFO \"RFC8482\" \"\"");
            assertThat(section(ask(s, "b.c.packed.test.", Type.ANY, false), Section.AUTHORITY)).containsExactly(soa);
            // A packed wildcard answers for the name asked; a packed name beside it answers its own.
            assertThat(section(ask(s, "Q.w.packed.test.", Type.A, false), Section.ANSWER)).containsExactly("Q.w.packed.test. 300 A 192.0.2.77");
            assertThat(section(ask(s, "deep.q.w.packed.test.", Type.A, false), Section.ANSWER)).containsExactly("deep.q.w.packed.test. 300 A 192.0.2.77");
            assertThat(section(ask(s, "x.w.packed.test.", Type.A, false), Section.ANSWER)).containsExactly("x.w.packed.test. 300 A 192.0.2.78");
            Message wildNodata = ask(s, "q.w.packed.test.", Type.AAAA, false);
            assertThat(wildNodata.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(section(wildNodata, Section.AUTHORITY)).containsExactly(soa);
            // A CNAME whose target is packed: the chase answers from the packed name.
            assertThat(section(ask(s, "alias.packed.test.", Type.A, false), Section.ANSWER)).containsExactly(
                    "alias.packed.test. 300 CNAME plain.packed.test.", "plain.packed.test. 300 A 192.0.2.1", "plain.packed.test. 300 A 192.0.2.2");
            // 40 addresses do not fit 512 bytes: truncated without EDNS, whole with it.
            Message truncated = ask(s, "big.packed.test.", Type.A, false);
            assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();
            assertThat(section(truncated, Section.ANSWER)).isEmpty();
            assertThat(section(ask(s, "big.packed.test.", Type.A, true), Section.ANSWER)).hasSize(40);
            // Glue below a cut is no packed name: still a referral.
            Message referral = ask(s, "ns.sub.packed.test.", Type.A, false);
            assertThat(referral.getHeader().getFlag(Flags.AA)).isFalse();
            assertThat(section(referral, Section.AUTHORITY)).containsExactly("sub.packed.test. 300 NS ns.sub.packed.test.");
        }
    }

    private static Set<String> transfer(Authority authority) {
        Set<String> out = new TreeSet<>();
        for (org.xbill.DNS.Record r : ZoneContent.of(authority.current(), 0)) out.add(r.toString());
        return out;
    }

    @Test
    void a_name_moves_between_packed_and_node_form_on_updates_and_answers_and_transfers_follow() throws Exception {
        Zone zone = zone();
        Authority authority = Authority.of(List.of(zone), ServingOptions.defaults());
        Set<String> file = new TreeSet<>();
        for (org.xbill.DNS.Record r : zone.records()) file.add(r.toString());
        assertThat(transfer(authority)).isEqualTo(file);

        Endpoint plain = Endpoint.of("plain.packed.test.");
        RecordSet weighted = new RecordSet(List.of(WeightedAddress.of("198.51.100.1", 3), WeightedAddress.of("198.51.100.2", 1)), 20);
        authority.applyManaged(Map.of(plain, weighted));
        NameTable managedTable = authority.current().table();
        byte[] key = WireNames.key(name("plain"));
        assertThat(managedTable.rich(managedTable.locate(key, 0, key.length, WireNames.hash(key)))).isNotNull(); // managed: a node
        assertThat(authority.managed(plain)).contains(weighted);
        try (TestServer s = TestServer.start(authority)) {
            Message a = ask(s, "PLAIN.packed.test.", Type.A, false);
            assertThat(section(a, Section.ANSWER)).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("PLAIN.packed.test. 20 A 198.51.100."));
            Message aaaa = ask(s, "plain.packed.test.", Type.AAAA, false);
            assertThat(section(aaaa, Section.ANSWER)).isEmpty(); // the managed set replaces the file's addresses, AAAA too
        }
        Set<String> managed = new TreeSet<>(file);
        managed.removeIf(r -> r.startsWith("plain.packed.test.\t"));
        managed.add("plain.packed.test.\t20\tIN\tA\t198.51.100.1");
        managed.add("plain.packed.test.\t20\tIN\tA\t198.51.100.2");
        assertThat(withoutSoa(transfer(authority))).isEqualTo(withoutSoa(managed));

        // Retired: no addresses left, nothing else at the name: packed again, NODATA for both families.
        authority.applyManaged(Map.of(), Set.of(plain));
        NameTable retiredTable = authority.current().table();
        assertThat(retiredTable.rich(retiredTable.locate(key, 0, key.length, WireNames.hash(key)))).isNull();
        assertThat(authority.managed(plain)).isEmpty();
        try (TestServer s = TestServer.start(authority)) {
            for (int type : new int[] {Type.A, Type.AAAA}) {
                Message m = ask(s, "plain.packed.test.", type, false);
                assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(section(m, Section.ANSWER)).isEmpty();
                assertThat(section(m, Section.AUTHORITY)).hasSize(1);
            }
            // The other packed names were not touched by either update.
            assertThat(section(ask(s, "mixed.packed.test.", Type.A, false), Section.ANSWER)).containsExactly("mixed.packed.test. 300 A 192.0.2.7");
        }
        Set<String> retired = new TreeSet<>(file);
        retired.removeIf(r -> r.startsWith("plain.packed.test.\t"));
        assertThat(withoutSoa(transfer(authority))).isEqualTo(withoutSoa(retired));

        // A new managed name under a packed empty non-terminal: the ENT stays, the new name is a node.
        authority.applyManaged(Map.of(Endpoint.of("new.c.packed.test."), weighted));
        try (TestServer s = TestServer.start(authority)) {
            assertThat(section(ask(s, "new.c.packed.test.", Type.A, false), Section.ANSWER)).isNotEmpty();
            assertThat(section(ask(s, "a.b.c.packed.test.", Type.A, false), Section.ANSWER)).containsExactly("a.b.c.packed.test. 300 A 192.0.2.3");
            assertThat(ask(s, "c.packed.test.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
        }
    }

    /** The transfer's records without the SOA, whose serial moves with every change. */
    private static Set<String> withoutSoa(Set<String> records) {
        Set<String> out = new TreeSet<>(records);
        out.removeIf(r -> r.contains("\tSOA\t"));
        return out;
    }

    /** Readable bytes of a buffer, for comparing. */
    private static final class ByteBufs {
        private ByteBufs() {}

        static byte[] bytes(ByteBuf b) {
            byte[] out = new byte[b.readableBytes()];
            b.getBytes(b.readerIndex(), out);
            return out;
        }
    }

    @Test
    void a_packed_name_answers_the_same_records_as_dnsjava_decodes_them() throws Exception {
        // The arena holds the RDATA as the zone file gave it: decode a reply and compare record by record.
        Zone zone = zone();
        Authority authority = Authority.of(List.of(zone), ServingOptions.defaults());
        ByteBuf query = Unpooled.wrappedBuffer(TestServer.queryBytes("plain.packed.test.", Type.AAAA, 9));
        ByteBuf reply = Unpooled.buffer();
        assertThat(new QueryResponder(authority, 1).respond(query, reply, Transport.UDP)).isTrue();
        Message m = new Message(ByteBufs.bytes(reply));
        List<org.xbill.DNS.Record> expected = new ArrayList<>();
        for (org.xbill.DNS.Record r : zone.records()) if (r.getName().equals(name("plain")) && r.getType() == Type.AAAA) expected.add(r);
        assertThat(m.getSection(Section.ANSWER)).isEqualTo(expected);
    }
}
