package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/** AXFR and IXFR against the real server over TCP, with dnsjava's transfer client on the wire. */
class ZoneTransferTest {
    static final Name ZONE = name("example.test.");
    static final TransferPolicy LOOPBACK_ONLY = new TransferPolicy(List.of(AddressBlock.parse("127.0.0.0/8"), AddressBlock.parse("::1")), null, List.of());

    static Name name(String s) {
        try {
            return Name.fromString(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static RecordSet records(String... addresses) {
        return new RecordSet(java.util.Arrays.stream(addresses).map(a -> WeightedAddress.of(a, 1)).toList(), 20);
    }

    private static ZoneTransferIn axfr(TestServer s, TSIG key) {
        ZoneTransferIn x = ZoneTransferIn.newAXFR(ZONE, TestServer.LOOPBACK.getHostAddress(), s.port(), key);
        x.setTimeout(Duration.ofSeconds(10));
        return x;
    }

    private static long servedSerial(TestServer s) throws Exception {
        Message m = s.resolver(false).send(Message.newQuery(Record.newRecord(ZONE, Type.SOA, org.xbill.DNS.DClass.IN)));
        return ((SOARecord) m.getSection(Section.ANSWER).get(0)).getSerial();
    }

    @Test
    void axfr_is_the_served_zone_with_managed_addresses_and_soa_first_and_last() throws Exception {
        Authority authority = TestServer.exampleAuthority();
        try (TestServer s = TestServer.start(authority, LOOPBACK_ONLY)) {
            authority.applyManaged(Map.of(Endpoint.of("www.example.test."), records("198.51.100.7"), Endpoint.of("new.example.test."), records("198.51.100.8")));
            ZoneTransferIn x = axfr(s, null);
            x.run();
            List<Record> zone = x.getAXFR();
            assertThat(zone.get(0)).isInstanceOf(SOARecord.class);
            assertThat(zone.get(zone.size() - 1)).isEqualTo(zone.get(0));
            assertThat(((SOARecord) zone.get(0)).getSerial()).isEqualTo(servedSerial(s));
            List<String> wwwA = zone.stream().filter(r -> r.getName().equals(name("www.example.test.")) && r.getType() == Type.A).map(r -> r.rdataToString()).toList();
            assertThat(wwwA).containsExactly("198.51.100.7"); // the managed set replaces the file's 192.0.2.1 and .2
            assertThat(zone).anyMatch(r -> r.getName().equals(name("new.example.test.")) && r instanceof ARecord a && a.getAddress().getHostAddress().equals("198.51.100.8"));
            // A managed set replaces both address families (as served); other file data and glue stay.
            assertThat(zone).noneMatch(r -> r.getName().equals(name("www.example.test.")) && r.getType() == Type.AAAA);
            assertThat(zone).anyMatch(r -> r.getName().equals(name("www.example.test.")) && r.getType() == Type.TXT);
            assertThat(zone).anyMatch(r -> r.getName().equals(name("ns.sub.example.test.")) && r.getType() == Type.A);
            assertThat(zone.stream().filter(r -> r.getType() == Type.SOA).count()).isEqualTo(2);
        }
    }

    @Test
    void every_change_serves_a_larger_serial_in_answers_and_negative_answers() throws Exception {
        Authority authority = TestServer.exampleAuthority();
        try (TestServer s = TestServer.start(authority, LOOPBACK_ONLY)) {
            long first = servedSerial(s);
            assertThat(first).isEqualTo(2026112301L); // the file's serial until something changes
            authority.applyManaged(Map.of(Endpoint.of("a1.example.test."), records("198.51.100.1")));
            long second = servedSerial(s);
            authority.applyManaged(Map.of(Endpoint.of("a1.example.test."), records("198.51.100.2")));
            long third = servedSerial(s);
            assertThat(SoaSerial.greater(second, first)).isTrue();
            assertThat(SoaSerial.greater(third, second)).isTrue();
            Message nx = s.resolver(false).send(Message.newQuery(Record.newRecord(name("nothere.example.test."), Type.A, org.xbill.DNS.DClass.IN)));
            assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(((SOARecord) nx.getSection(Section.AUTHORITY).get(0)).getSerial()).isEqualTo(third);
        }
    }

    @Test
    void a_large_zone_goes_out_in_several_messages_each_under_64_KiB() throws Exception {
        Authority authority = TestServer.exampleAuthority();
        Map<Endpoint, RecordSet> many = new HashMap<>();
        for (int i = 0; i < 5_000; i++) many.put(Endpoint.of("e" + i + ".bulk.example.test."), records("10.1." + (i / 250) + "." + (i % 250), "2001:db8::" + Integer.toHexString(i + 1)));
        authority.applyManaged(many);
        byte[] query = Message.newQuery(Record.newRecord(ZONE, Type.AXFR, org.xbill.DNS.DClass.IN)).toWire();
        List<byte[]> messages = new ZoneTransfers(authority, LOOPBACK_ONLY).answer(query, InetAddress.getLoopbackAddress());
        assertThat(messages.size()).isGreaterThan(5);
        int records = 0;
        for (byte[] m : messages) {
            assertThat(m.length).isLessThan(65_535);
            records += new Message(m).getSection(Section.ANSWER).size();
        }
        try (TestServer s = TestServer.start(authority, LOOPBACK_ONLY)) {
            ZoneTransferIn x = axfr(s, null);
            x.run();
            assertThat(x.getAXFR()).hasSize(records);
            assertThat(x.getAXFR().stream().filter(r -> r.getName().subdomain(name("bulk.example.test.")) && (r.getType() == Type.A || r.getType() == Type.AAAA)).count()).isEqualTo(10_000);
        }
    }

    @Test
    void ixfr_from_the_current_serial_is_the_soa_alone_and_from_an_older_one_the_whole_zone() throws Exception {
        Authority authority = TestServer.exampleAuthority();
        try (TestServer s = TestServer.start(authority, LOOPBACK_ONLY)) {
            authority.applyManaged(Map.of(Endpoint.of("a1.example.test."), records("198.51.100.1")));
            long serial = servedSerial(s);
            ZoneTransferIn current = ZoneTransferIn.newIXFR(ZONE, serial, false, TestServer.LOOPBACK.getHostAddress(), s.port(), null);
            current.setTimeout(Duration.ofSeconds(10));
            current.run();
            assertThat(current.isCurrent()).isTrue();
            ZoneTransferIn older = ZoneTransferIn.newIXFR(ZONE, serial - 5, false, TestServer.LOOPBACK.getHostAddress(), s.port(), null);
            older.setTimeout(Duration.ofSeconds(10));
            older.run();
            assertThat(older.isAXFR()).isTrue(); // RFC 1995 §4: no journal, so the full zone
            assertThat(older.getAXFR()).anyMatch(r -> r.getName().equals(name("a1.example.test.")) && r.getType() == Type.A);
        }
    }

    @Test
    void a_source_outside_the_allow_list_and_a_server_without_transfers_refuse() throws Exception {
        TransferPolicy elsewhere = new TransferPolicy(List.of(AddressBlock.parse("192.0.2.0/24")), null, List.of());
        try (TestServer s = TestServer.start(TestServer.exampleAuthority(), elsewhere)) {
            assertThatThrownBy(() -> axfr(s, null).run()).isInstanceOf(ZoneTransferException.class).hasMessageContaining("REFUSED");
        }
        try (TestServer s = TestServer.start(TestServer.exampleAuthority())) {
            assertThatThrownBy(() -> axfr(s, null).run()).isInstanceOf(ZoneTransferException.class).hasMessageContaining("REFUSED");
        }
    }

    @Test
    void with_tsig_an_unsigned_or_wrongly_signed_request_is_notauth_and_a_signed_one_transfers() throws Exception {
        TSIG key = new TSIG(TSIG.HMAC_SHA256, "xfr.key.", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==");
        TSIG wrong = new TSIG(TSIG.HMAC_SHA256, "xfr.key.", "b3RoZXItb3RoZXItb3RoZXItb3RoZXItb3RoZXI=");
        TransferPolicy signed = new TransferPolicy(LOOPBACK_ONLY.allow(), key, List.of());
        Authority authority = TestServer.exampleAuthority();
        Map<Endpoint, RecordSet> many = new HashMap<>();
        for (int i = 0; i < 2_000; i++) many.put(Endpoint.of("e" + i + ".bulk.example.test."), records("10.2." + (i / 250) + "." + (i % 250)));
        authority.applyManaged(many); // several messages: each one's signature is checked by the client
        try (TestServer s = TestServer.start(authority, signed)) {
            assertThatThrownBy(() -> axfr(s, null).run()).isInstanceOf(ZoneTransferException.class).hasMessageContaining("NOTAUTH");
            assertThatThrownBy(() -> axfr(s, wrong).run()).isInstanceOf(Exception.class);
            ZoneTransferIn x = axfr(s, key);
            x.run();
            assertThat(x.getAXFR().size()).isGreaterThan(2_000);
        }
    }

    @Test
    void serials_follow_rfc_1982_across_the_wrap() {
        assertThat(SoaSerial.greater(1, 0xFFFF_FFFFL)).isTrue();
        assertThat(SoaSerial.greater(0xFFFF_FFFFL, 1)).isFalse();
        assertThat(SoaSerial.next(0xFFFF_FFF0L, 0xFFFF_FFFFL, SoaSerial.EPOCH_SECONDS)).isEqualTo(0);
        long byClock = SoaSerial.next(100, 100, SoaSerial.EPOCH_SECONDS + 1_000);
        assertThat(byClock).isEqualTo(1_100);
        assertThat(SoaSerial.next(100, byClock, SoaSerial.EPOCH_SECONDS + 1_000)).isEqualTo(1_101); // same second: plus one
    }
}
