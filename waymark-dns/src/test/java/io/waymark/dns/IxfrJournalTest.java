package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * IXFR from the journal, read by dnsjava's transfer client (it reports whether it got a difference
 * or the full zone): the differences applied to the zone at the old serial give the zone at the new.
 */
class IxfrJournalTest {
    private static final Name ZONE = ZoneTransferTest.ZONE;
    private static final TransferPolicy LOOPBACK_ONLY = ZoneTransferTest.LOOPBACK_ONLY;

    private static RecordSet records(String... addresses) {
        return ZoneTransferTest.records(addresses);
    }

    private static long serial(Authority authority) {
        return authority.current().soa(0).getSerial();
    }

    private static ZoneTransferIn ixfr(TestServer s, long serial) throws Exception {
        ZoneTransferIn x = ZoneTransferIn.newIXFR(ZONE, serial, false, TestServer.LOOPBACK.getHostAddress(), s.port(), null);
        x.setTimeout(Duration.ofSeconds(10));
        x.run();
        return x;
    }

    /** The zone as a set of "name type ttl rdata" lines, SOA left out (the serial differs by design). */
    private static Set<String> lines(List<Record> records) {
        Set<String> out = new TreeSet<>();
        for (Record r : records) if (r.getType() != Type.SOA) out.add(line(r));
        return out;
    }

    private static String line(Record r) {
        return r.getName().toString().toLowerCase() + " " + Type.string(r.getType()) + " " + r.getTTL() + " " + r.rdataToString();
    }

    private static List<Record> axfr(Authority authority) {
        return ZoneContent.of(authority.current(), 0);
    }

    @Test
    void a_client_serial_in_the_journal_gets_the_condensed_difference_which_turns_its_zone_into_ours() throws Exception {
        Authority authority = TestServer.exampleAuthority();
        authority.applyManaged(Map.of(Endpoint.of("a1.example.test."), records("198.51.100.1"), Endpoint.of("a2.example.test."), records("198.51.100.2", "2001:db8::2")));
        long old = serial(authority);
        Set<String> oldZone = lines(axfr(authority));
        // Three versions: a change, a new name, a name managed over the file's addresses, a retirement, one change undone.
        authority.applyManaged(Map.of(Endpoint.of("a1.example.test."), records("198.51.100.11"), Endpoint.of("a3.example.test."), records("2001:db8::3")));
        authority.applyManaged(Map.of(Endpoint.of("www.example.test."), records("198.51.100.80")), Set.of(Endpoint.of("a2.example.test.")));
        authority.applyManaged(Map.of(Endpoint.of("a1.example.test."), records("198.51.100.1")));
        try (TestServer s = TestServer.start(authority, LOOPBACK_ONLY)) {
            ZoneTransferIn x = ixfr(s, old);
            assertThat(x.isIXFR()).as("IXFR, not the full zone").isTrue();
            List<ZoneTransferIn.Delta> deltas = x.getIXFR();
            assertThat(deltas).hasSize(1); // condensed: one difference from the client's serial to ours
            ZoneTransferIn.Delta d = deltas.get(0);
            assertThat(d.start).isEqualTo(old);
            assertThat(d.end).isEqualTo(serial(authority));
            Set<String> deleted = lines(d.deletes);
            Set<String> added = lines(d.adds);
            // a1 went away and came back: nothing about it travels.
            assertThat(deleted).noneMatch(l -> l.startsWith("a1.")).contains("a2.example.test. A 20 198.51.100.2", "a2.example.test. AAAA 20 2001:db8:0:0:0:0:0:2");
            assertThat(added).noneMatch(l -> l.startsWith("a1.")).contains("a3.example.test. AAAA 20 2001:db8:0:0:0:0:0:3", "www.example.test. A 20 198.51.100.80");
            assertThat(deleted).anyMatch(l -> l.startsWith("www.example.test. A ")); // the file's addresses it replaced
            Set<String> applied = new HashSet<>(oldZone);
            applied.removeAll(deleted);
            applied.addAll(added);
            assertThat(new TreeSet<>(applied)).isEqualTo(lines(axfr(authority)));
        }
    }

    @Test
    void served_stamps_travel_in_the_difference_as_they_do_in_the_full_zone() throws Exception {
        // With dns.update the stamps are served at _waymark.<endpoint> and carried by AXFR; a difference
        // of addresses alone left secondaries with the stamps of the plan they first took.
        Authority authority = TestServer.exampleAuthority();
        Endpoint a1 = Endpoint.of("a1.example.test.");
        Endpoint a2 = Endpoint.of("a2.example.test.");
        authority.applyManaged(Map.of(a1, records("198.51.100.1"), a2, records("198.51.100.2")), Set.of(),
                Map.of(a1, List.of(List.of("g1")), a2, List.of(List.of("g1"))));
        long old = serial(authority);
        Set<String> oldZone = lines(axfr(authority));
        assertThat(oldZone).contains("_waymark.a1.example.test. TXT 20 g1");
        // A new plan: a1's records stay (only its stamp moves), a2's change; then a2 is retired.
        authority.applyManaged(Map.of(a1, records("198.51.100.1"), a2, records("198.51.100.22")), Set.of(),
                Map.of(a1, List.of(List.of("g2")), a2, List.of(List.of("g2"))));
        authority.applyManaged(Map.of(), Set.of(a2), Map.of());
        try (TestServer s = TestServer.start(authority, LOOPBACK_ONLY)) {
            ZoneTransferIn x = ixfr(s, old);
            assertThat(x.isIXFR()).as("IXFR, not the full zone").isTrue();
            ZoneTransferIn.Delta d = x.getIXFR().get(0);
            Set<String> applied = new HashSet<>(oldZone);
            applied.removeAll(lines(d.deletes));
            applied.addAll(lines(d.adds));
            Set<String> now = lines(axfr(authority));
            assertThat(now).contains("_waymark.a1.example.test. TXT 20 g2").noneMatch(l -> l.startsWith("_waymark.a2."));
            assertThat(new TreeSet<>(applied)).isEqualTo(now);
        }
    }

    @Test
    void a_current_or_later_serial_gets_the_soa_and_an_unknown_one_the_full_zone() throws Exception {
        Authority authority = TestServer.exampleAuthority();
        long fileSerial = serial(authority);
        authority.applyManaged(Map.of(Endpoint.of("a1.example.test."), records("198.51.100.1")));
        authority.applyManaged(Map.of(Endpoint.of("a1.example.test."), records("198.51.100.2")));
        long now = serial(authority);
        try (TestServer s = TestServer.start(authority, LOOPBACK_ONLY)) {
            assertThat(ixfr(s, now).isCurrent()).isTrue();
            // Ahead of us: the SOA alone too, as BIND answers; dnsjava (and Knot) read a first SOA at or
            // below their serial as "up to date" and would fail on a full zone after it.
            assertThat(ixfr(s, (now + 5) % (1L << 32)).isCurrent()).isTrue();
            assertThat(ixfr(s, fileSerial).isIXFR()).as("the first served serial is in the journal").isTrue();
            ZoneTransferIn unknown = ixfr(s, fileSerial - 1);
            assertThat(unknown.isAXFR()).isTrue();
            assertThat(lines(unknown.getAXFR())).isEqualTo(lines(axfr(authority)));
        }
        // A restart (a new authority from the same file) has no journal: the full zone. Its first change
        // lands on a clock-derived serial above ours once the clock has moved past our +1 steps.
        Thread.sleep(2_100);
        Authority restarted = TestServer.exampleAuthority();
        restarted.applyManaged(Map.of(Endpoint.of("a1.example.test."), records("198.51.100.2")));
        try (TestServer s = TestServer.start(restarted, LOOPBACK_ONLY)) {
            assertThat(ixfr(s, now).isAXFR()).isTrue();
        }
    }

    @Test
    void past_its_version_bound_the_journal_drops_the_oldest_and_that_serial_gets_the_full_zone() throws Exception {
        Authority authority = TestServer.exampleAuthority();
        long fileSerial = serial(authority);
        long second = -1;
        // VERSIONS_MAX + 1 versions: the first (from the file's serial) is dropped.
        for (int i = 0; i <= TransferJournal.VERSIONS_MAX; i++) {
            authority.applyManaged(Map.of(Endpoint.of("a1.example.test."), records("198.51.100." + (2 + i % 199))));
            if (i == 0) second = serial(authority);
        }
        assertThat(authority.current().journal().versionCount()).isEqualTo(TransferJournal.VERSIONS_MAX);
        try (TestServer s = TestServer.start(authority, LOOPBACK_ONLY)) {
            assertThat(ixfr(s, fileSerial).isAXFR()).isTrue();
            ZoneTransferIn x = ixfr(s, second);
            assertThat(x.isIXFR()).isTrue();
            assertThat(lines(x.getIXFR().get(0).adds)).containsExactly("a1.example.test. A 20 198.51.100." + (2 + TransferJournal.VERSIONS_MAX % 199));
        }
    }

    @ParameterizedTest
    @EnumSource(DnsServerConfig.UdpIo.class)
    void over_udp_a_small_difference_comes_whole_and_a_large_one_as_the_soa_alone(DnsServerConfig.UdpIo io) throws Exception {
        Authority authority = TestServer.exampleAuthority();
        authority.applyManaged(Map.of(Endpoint.of("a1.example.test."), records("198.51.100.1")));
        long old = serial(authority);
        authority.applyManaged(Map.of(Endpoint.of("a1.example.test."), records("198.51.100.9")));
        try (TestServer s = TestServer.start(authority, DnsServerConfig.of(TestServer.LOOPBACK, 0).withUdpIo(io), LOOPBACK_ONLY)) {
            List<Record> small = udpIxfr(s, old);
            assertThat(small).extracting(Record::getType).containsExactly(Type.SOA, Type.SOA, Type.A, Type.SOA, Type.A, Type.SOA);
            assertThat(((SOARecord) small.get(1)).getSerial()).isEqualTo(old);
            assertThat(small.get(2).rdataToString()).isEqualTo("198.51.100.1");
            assertThat(small.get(4).rdataToString()).isEqualTo("198.51.100.9");
            long before = serial(authority);
            Map<Endpoint, RecordSet> many = new HashMap<>();
            for (int i = 0; i < 200; i++) many.put(Endpoint.of("b" + i + ".example.test."), records("10.9." + (i / 200) + "." + (i % 200)));
            authority.applyManaged(many);
            List<Record> large = udpIxfr(s, before);
            assertThat(large).hasSize(1);
            assertThat(((SOARecord) large.get(0)).getSerial()).isEqualTo(serial(authority)); // "ask again over TCP"
            assertThat(ixfr(s, before).isIXFR()).isTrue();
        }
    }

    private static List<Record> udpIxfr(TestServer s, long serial) throws Exception {
        Message q = Message.newQuery(Record.newRecord(ZONE, Type.IXFR, DClass.IN));
        SOARecord current = (SOARecord) ZoneContent.of(TestServer.exampleAuthority().current(), 0).get(0);
        q.addRecord(new SOARecord(ZONE, DClass.IN, 0, current.getHost(), current.getAdmin(), serial, 0, 0, 0, 0), Section.AUTHORITY);
        q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        Message reply = new Message(WireExchange.udp(s.port(), q.toWire(), 2_000));
        return reply.getSection(Section.ANSWER);
    }
}
