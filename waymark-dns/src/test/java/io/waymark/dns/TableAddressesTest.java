package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The snapshot keeps no second copy of the addresses its name table holds (TableAddresses), and zone
 * transfers still send every record of the file as the file spells it: mixed case, two spellings of
 * one name, glue, names a deeper served zone owns, and addresses beside a stamp as it comes and goes.
 */
class TableAddressesTest {
    private static Zone read(String text) throws Exception {
        return TestServer.zoneFromText(text);
    }

    /** Every record as text (owner case kept), sorted, duplicates kept: a transfer compared with a file. */
    private static List<String> lines(List<org.xbill.DNS.Record> records, boolean withSoa) {
        List<String> out = new ArrayList<>();
        for (org.xbill.DNS.Record r : records) {
            if (withSoa || r.getType() != Type.SOA) out.add(r.getName() + " " + r.getTTL() + " " + Type.string(r.getType()) + " " + r.rdataToString());
        }
        out.sort(null);
        return out;
    }

    /** The transfer without its closing SOA (RFC 5936: first and last), to compare with the file's records. */
    private static List<org.xbill.DNS.Record> transfer(Authority authority, int index) {
        List<org.xbill.DNS.Record> all = ZoneContent.of(authority.current(), index);
        assertThat(all.get(all.size() - 1)).isEqualTo(all.get(0));
        return all.subList(0, all.size() - 1);
    }

    private static List<String> answer(Authority authority, String name, int type) throws Exception {
        io.netty.buffer.ByteBuf query = io.netty.buffer.Unpooled.wrappedBuffer(TestServer.queryBytes(name, type, 5));
        io.netty.buffer.ByteBuf reply = io.netty.buffer.Unpooled.buffer();
        assertThat(new QueryResponder(authority, 1).respond(query, reply, Transport.UDP)).isTrue();
        byte[] bytes = new byte[reply.readableBytes()];
        reply.readBytes(bytes);
        return lines(new org.xbill.DNS.Message(bytes).getSection(org.xbill.DNS.Section.ANSWER), false);
    }

    @Test
    void the_differential_zone_transfers_as_its_file_with_the_addresses_kept_once() throws Exception {
        Zone zone;
        try (InputStream in = TableAddressesTest.class.getResourceAsStream("/differential/diff.test.zone")) {
            zone = read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Authority authority = Authority.of(List.of(zone), ServingOptions.defaults());
        assertThat(lines(transfer(authority, 0), true)).isEqualTo(lines(zone.records(), true));
        // What the copy still holds of the addresses: the mixed-case and escaped-uppercase owners, and glue below cuts.
        List<String> keptAddresses = new ArrayList<>();
        for (org.xbill.DNS.Record r : authority.current().zones().get(0).records()) {
            if (r.getType() == Type.A || r.getType() == Type.AAAA) keptAddresses.add(r.getName().toString());
        }
        assertThat(keptAddresses).contains("MiXeD.diff.test.", "ns.sub.diff.test.").doesNotContain("www.diff.test.", "big.diff.test.", "ns1.diff.test.");
        assertThat(authority.current().zones().get(0).recordCount()).isLessThan(zone.recordCount() / 2);
    }

    @Test
    void two_spellings_of_one_name_and_a_deeper_zone_keep_their_records_as_written() throws Exception {
        Zone parent = read(String.join("\n", "$ORIGIN p.test.", "$TTL 300", "@ IN SOA ns hostmaster 1 3600 600 86400 60", "@ IN NS ns",
                "ns IN A 192.0.2.1", "Host IN A 192.0.2.2", "host IN A 192.0.2.3", "HOST IN AAAA 2001:db8::3", "lower IN A 192.0.2.4",
                "c IN NS ns.c", "ns.c IN A 192.0.2.5", "x.c IN A 192.0.2.6", ""));
        Zone child = read(String.join("\n", "$ORIGIN c.p.test.", "$TTL 300", "@ IN SOA ns hostmaster 1 3600 600 86400 60", "@ IN NS ns",
                "ns IN A 192.0.2.5", "y IN A 192.0.2.7", ""));
        Authority authority = Authority.of(List.of(parent, child), ServingOptions.defaults());
        assertThat(lines(transfer(authority, 0), true)).isEqualTo(lines(parent.records(), true));
        assertThat(lines(transfer(authority, 1), true)).isEqualTo(lines(child.records(), true));
        // The loader gives an RRset one spelling (the first); the transfer keeps it, so the copy keeps those addresses.
        assertThat(lines(transfer(authority, 0), false)).contains("Host.p.test. 300 A 192.0.2.2", "Host.p.test. 300 A 192.0.2.3",
                "Host.p.test. 300 AAAA 2001:db8:0:0:0:0:0:3", "lower.p.test. 300 A 192.0.2.4", "x.c.p.test. 300 A 192.0.2.6");
        // Packed names of both zones answer (each packed without its own zone's apex).
        assertThat(answer(authority, "y.c.p.test.", Type.A)).containsExactly("y.c.p.test. 300 A 192.0.2.7");
        assertThat(answer(authority, "LOWER.p.test.", Type.A)).containsExactly("LOWER.p.test. 300 A 192.0.2.4");
        assertThat(answer(authority, "x.c.p.test.", Type.A)).isEmpty(); // the child's, and the child has no such name
        assertThat(lines(authority.current().zones().get(0).records(), false)).contains("Host.p.test. 300 A 192.0.2.2", "ns.c.p.test. 300 A 192.0.2.5",
                "x.c.p.test. 300 A 192.0.2.6").doesNotContain("lower.p.test. 300 A 192.0.2.4", "ns.p.test. 300 A 192.0.2.1");
    }

    @Test
    void addresses_beside_a_stamp_stay_in_transfers_while_the_stamp_comes_and_goes() throws Exception {
        Zone zone = read(String.join("\n", "$ORIGIN s.test.", "$TTL 300", "@ IN SOA ns hostmaster 1 3600 600 86400 60", "@ IN NS ns",
                "ns IN A 192.0.2.1", "api IN A 192.0.2.2", "_waymark.api IN A 192.0.2.50", ""));
        Authority authority = Authority.of(List.of(zone), ServingOptions.defaults());
        List<String> file = lines(zone.records(), false);
        assertThat(lines(transfer(authority, 0), false)).isEqualTo(file);

        Endpoint api = Endpoint.of("api.s.test.");
        RecordSet records = new RecordSet(List.of(WeightedAddress.of("198.51.100.9", 1)), 20);
        authority.applyManaged(Map.of(api, records), Set.of(), Map.of(api, List.of(List.of("g1"))));
        List<String> managed = new ArrayList<>(file);
        assertThat(managed.remove("api.s.test. 300 A 192.0.2.2")).isTrue();
        managed.add("api.s.test. 20 A 198.51.100.9");
        managed.add("_waymark.api.s.test. 20 TXT g1");
        managed.sort(null);
        assertThat(lines(transfer(authority, 0), false)).isEqualTo(managed);

        authority.applyManaged(Map.of(), Set.of(api)); // retired: records and stamp go, the file's other address stays
        List<String> retired = new ArrayList<>(file);
        assertThat(retired.remove("api.s.test. 300 A 192.0.2.2")).isTrue();
        assertThat(lines(transfer(authority, 0), false)).isEqualTo(retired);
        Name stampName = Name.fromString("_waymark.api.s.test.");
        byte[] key = WireNames.key(stampName);
        NameTable table = authority.current().table();
        assertThat(table.rich(table.locate(key, 0, key.length, WireNames.hash(key)))).isNull(); // addresses only again: packed
    }
}
