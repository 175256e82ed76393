package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Waymark's server as the primary of real Knot, NSD and BIND secondaries on loopback: they load the
 * zone by AXFR/IXFR, and after a change applied through the authority (as the daemon applies plans)
 * each one serves the same answers within {@link #CONVERGE_WITHIN_MS}, NOTIFY telling them. The
 * measured times are printed ("secondary converged").
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class SecondariesTest {
    /** Endpoints of the large-zone transfer; {@code -Dwaymark.xfr.endpoints=100000} for the figure. */
    private static final int LARGE_ZONE_ENDPOINTS = Integer.getInteger("waymark.xfr.endpoints", 10_000);
    private static final Name ZONE = name("example.test.");
    /** Generous for a loaded 2-core machine; the figures printed are what counts (NOTIFY makes it ~100 ms idle). */
    private static final long CONVERGE_WITHIN_MS = 20_000;
    private static final long LOADED_WITHIN_MS = 60_000;

    private static Path scratch;
    private static Authority authority;
    private static TestServer primary;
    private static final List<Secondaries.Secondary> secondaries = new ArrayList<>();

    private static Name name(String s) {
        try {
            return Name.fromString(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        scratch = Files.createTempDirectory("wm-secondaries");
        authority = TestServer.exampleAuthority();
        int knotPort = PeerServers.freePort();
        int nsdPort = PeerServers.freePort();
        int bindPort = PeerServers.freePort();
        TransferPolicy policy = new TransferPolicy(List.of(AddressBlock.parse("127.0.0.1")), null,
                List.of(new InetSocketAddress(TestServer.LOOPBACK, knotPort), new InetSocketAddress(TestServer.LOOPBACK, nsdPort), new InetSocketAddress(TestServer.LOOPBACK, bindPort)));
        primary = TestServer.start(authority, policy);
        secondaries.add(Secondaries.knot(Files.createDirectories(scratch.resolve("knot")), knotPort, ZONE, primary.port()));
        secondaries.add(Secondaries.nsd(Files.createDirectories(scratch.resolve("nsd")), nsdPort, ZONE, primary.port()));
        secondaries.add(Secondaries.bind(Files.createDirectories(scratch.resolve("bind")), bindPort, ZONE, primary.port()));
        for (Secondaries.Secondary s : secondaries) s.start();
        // A change before they load: they start from a clock-derived serial, as after any plan.
        authority.applyManaged(Map.of(Endpoint.of("start.example.test."), records("198.51.100.100")));
        for (Secondaries.Secondary s : secondaries) awaitSerial(s, servedSerial(), LOADED_WITHIN_MS);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Secondaries.Secondary s : secondaries) s.stop();
        secondaries.clear();
        if (primary != null) primary.close();
    }

    private static RecordSet records(String... addresses) {
        return new RecordSet(java.util.Arrays.stream(addresses).map(a -> WeightedAddress.of(a, 1)).toList(), 20);
    }

    private static Message ask(int port, Name name, int type) throws IOException {
        Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        return new Message(WireExchange.udp(port, q.toWire(), 1_000));
    }

    private static long servedSerial() throws IOException {
        return ((SOARecord) ask(primary.port(), ZONE, Type.SOA).getSection(Section.ANSWER).get(0)).getSerial();
    }

    /** What a name answers, sorted: rcode, and the answer records without TTL-independent noise. */
    private static String answers(int port, Name name, int type) throws IOException {
        Message m = ask(port, name, type);
        TreeSet<String> rr = new TreeSet<>();
        for (Record r : m.getSection(Section.ANSWER)) rr.add(r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString());
        return Rcode.string(m.getRcode()) + " " + rr;
    }

    private static void awaitSerial(Secondaries.Secondary s, long serial, long withinMs) throws Exception {
        long deadline = System.nanoTime() + withinMs * 1_000_000;
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            assertThat(s.alive()).as(s + " exited:\n" + s.logTail()).isTrue();
            try {
                Message m = ask(s.port, ZONE, Type.SOA);
                if (m.getRcode() == Rcode.NOERROR && m.getHeader().getFlag(Flags.AA) && !m.getSection(Section.ANSWER).isEmpty()) {
                    long theirs = ((SOARecord) m.getSection(Section.ANSWER).get(0)).getSerial();
                    if (theirs == serial) return;
                    last = "serial " + theirs;
                } else {
                    last = Rcode.string(m.getRcode());
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(20);
        }
        throw new AssertionError(s + " did not reach serial " + serial + " within " + withinMs + " ms (last: " + last + ")\n" + s.logTail());
    }

    /** Whether {@code s} answers every probe as the primary does now; else what differs. */
    private static String mismatch(Secondaries.Secondary s, List<Name> probes) throws IOException {
        for (Name n : probes) {
            for (int type : new int[] {Type.A, Type.AAAA}) {
                String ours = answers(primary.port(), n, type);
                String theirs;
                try {
                    theirs = answers(s.port, n, type);
                } catch (IOException e) {
                    theirs = e.toString();
                }
                if (!ours.equals(theirs)) return n + "/" + Type.string(type) + ": primary " + ours + ", " + s.kind + " " + theirs;
            }
        }
        return "";
    }

    /**
     * Polls every one of {@code among} until each answers every probe as the primary does; returns,
     * per secondary, the milliseconds from {@code startNanos} to the first poll that found it so
     * (all are polled in each round, so one slow secondary does not inflate another's figure).
     */
    private static Map<String, Long> awaitSameAnswers(List<Secondaries.Secondary> among, List<Name> probes, long startNanos) throws Exception {
        long deadline = startNanos + CONVERGE_WITHIN_MS * 1_000_000;
        Map<String, Long> took = new java.util.LinkedHashMap<>();
        Map<String, String> last = new java.util.HashMap<>();
        while (took.size() < among.size() && System.nanoTime() < deadline) {
            for (Secondaries.Secondary s : among) {
                if (took.containsKey(s.kind)) continue;
                assertThat(s.alive()).as(s + " exited:\n" + s.logTail()).isTrue();
                String m = mismatch(s, probes);
                if (m.isEmpty()) took.put(s.kind, (System.nanoTime() - startNanos) / 1_000_000);
                else last.put(s.kind, m);
            }
            Thread.sleep(5);
        }
        for (Secondaries.Secondary s : among) {
            if (!took.containsKey(s.kind)) throw new AssertionError(s + " not converged within " + CONVERGE_WITHIN_MS + " ms: " + last.get(s.kind) + "\n" + s.logTail());
        }
        return took;
    }

    @Test
    void after_a_change_every_secondary_serves_the_same_answers_within_the_bound() throws Exception {
        List<Name> probes = List.of(name("www.example.test."), name("fresh.example.test."), name("start.example.test."));
        for (int round = 1; round <= 3; round++) {
            long start = System.nanoTime();
            authority.applyManaged(Map.of(Endpoint.of("www.example.test."), records("203.0.113." + round, "2001:db8::" + round),
                    Endpoint.of("fresh.example.test."), records("203.0.113." + (100 + round))));
            assertThat(answers(primary.port(), name("fresh.example.test."), Type.A)).contains("203.0.113." + (100 + round));
            for (Map.Entry<String, Long> e : awaitSameAnswers(secondaries, probes, start).entrySet()) {
                System.out.printf("secondary converged: %s round %d in %d ms (from apply, NOTIFY-driven)%n", e.getKey(), round, e.getValue());
            }
        }
    }

    /** Lines of a secondary's log that record an incoming transfer: Knot writes "IXFR, incoming" or "AXFR, incoming". */
    private static long logLines(Secondaries.Secondary s, String needle) throws IOException {
        return Files.readAllLines(s.dir.resolve("server.log")).stream().filter(l -> l.contains(needle)).count();
    }

    @Test
    void knot_and_bind_take_a_few_changes_by_ixfr_and_serve_the_same_answers() throws Exception {
        List<Secondaries.Secondary> ixfrCapable = List.of(secondaries.get(0), secondaries.get(2)); // NSD is configured for AXFR
        List<Name> probes = List.of(name("ix1.example.test."), name("ix2.example.test."), name("www.example.test."));
        long knotAxfrBefore = logLines(secondaries.get(0), "AXFR, incoming");
        long knotIxfrBefore = logLines(secondaries.get(0), "IXFR, incoming");
        long bindTransfersBefore = logLines(secondaries.get(2), "Transfer completed");
        for (int round = 1; round <= 3; round++) {
            long start = System.nanoTime();
            authority.applyManaged(Map.of(Endpoint.of("ix1.example.test."), records("203.0.113." + (10 + round)),
                    Endpoint.of("ix2.example.test."), records("2001:db8::" + (10 + round), "203.0.113.9")));
            Map<String, Long> took = awaitSameAnswers(ixfrCapable, probes, start);
            for (Secondaries.Secondary s : ixfrCapable) awaitSerial(s, servedSerial(), CONVERGE_WITHIN_MS);
            System.out.printf("secondary converged by IXFR: round %d %s%n", round, took);
        }
        Secondaries.Secondary knot = secondaries.get(0);
        assertThat(logLines(knot, "IXFR, incoming") - knotIxfrBefore).as("Knot's log:\n" + knot.logTail()).isGreaterThan(0);
        assertThat(logLines(knot, "AXFR, incoming")).as("Knot fell back to AXFR:\n" + knot.logTail()).isEqualTo(knotAxfrBefore);
        // BIND does not name the kind at its default log level; its record count tells: a difference
        // is the four SOAs and the changed addresses, the zone is every record.
        Secondaries.Secondary bind = secondaries.get(2);
        int zoneRecords = ZoneContent.of(authority.current(), 0).size();
        List<Integer> counts = transferRecordCounts(bind);
        assertThat(counts.size()).as("BIND's log:\n" + bind.logTail()).isGreaterThan((int) bindTransfersBefore);
        for (int records : counts.subList((int) bindTransfersBefore, counts.size())) assertThat(records).as("BIND took the full zone").isLessThan(Math.min(12, zoneRecords));
    }

    /** The record counts of BIND's "Transfer completed: M messages, N records" lines, in order. */
    private static List<Integer> transferRecordCounts(Secondaries.Secondary bind) throws IOException {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("Transfer completed: \\d+ messages, (\\d+) records");
        List<Integer> out = new ArrayList<>();
        for (String line : Files.readAllLines(bind.dir.resolve("server.log"))) {
            java.util.regex.Matcher m = p.matcher(line);
            if (m.find()) out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    @Test
    void a_secondary_that_was_down_catches_up_when_it_starts_again() throws Exception {
        Secondaries.Secondary knot = secondaries.get(0);
        knot.stop();
        authority.applyManaged(Map.of(Endpoint.of("whiledown.example.test."), records("203.0.113.200")));
        long start = System.nanoTime();
        knot.start();
        long ms = awaitSameAnswers(List.of(knot), List.of(name("whiledown.example.test.")), start).get("knot");
        System.out.printf("secondary converged: knot restarted, caught up in %d ms from start%n", ms);
    }

    @Test
    void a_client_outside_the_allow_list_gets_refused() throws Exception {
        // 127.0.0.2 is loopback too, but the primary allows 127.0.0.1 only.
        Message query = Message.newQuery(Record.newRecord(ZONE, Type.AXFR, DClass.IN));
        byte[] wire = query.toWire();
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            socket.setSoTimeout(5_000);
            socket.connect(new InetSocketAddress(TestServer.LOOPBACK, primary.port()), 5_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] reply = new byte[in.readUnsignedShort()];
            in.readFully(reply);
            Message m = new Message(reply);
            assertThat(m.getRcode()).isEqualTo(Rcode.REFUSED);
            assertThat(m.getSection(Section.ANSWER)).isEmpty();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // last: the zone stays large afterwards
    void a_large_zone_reaches_every_secondary() throws Exception {
        Map<Endpoint, RecordSet> many = new java.util.HashMap<>();
        for (int i = 0; i < LARGE_ZONE_ENDPOINTS; i++) {
            many.put(Endpoint.of("e" + i + ".bulk.example.test."), records("10." + (i >> 16 & 0xFF) + "." + (i >> 8 & 0xFF) + "." + (i & 0xFF)));
        }
        long start = System.nanoTime();
        authority.applyManaged(many);
        long applied = (System.nanoTime() - start) / 1_000_000;
        long buildStart = System.nanoTime();
        byte[] query = Message.newQuery(Record.newRecord(ZONE, Type.AXFR, DClass.IN)).toWire();
        int messages = new ZoneTransfers(authority, new TransferPolicy(List.of(AddressBlock.parse("127.0.0.1")), null, List.of())).answer(query, TestServer.LOOPBACK).size();
        long built = (System.nanoTime() - buildStart) / 1_000_000;
        List<Name> probes = List.of(name("e0.bulk.example.test."), name("e" + (LARGE_ZONE_ENDPOINTS - 1) + ".bulk.example.test."));
        Map<String, Long> took = awaitSameAnswers(secondaries, probes, start);
        for (Secondaries.Secondary s : secondaries) awaitSerial(s, servedSerial(), CONVERGE_WITHIN_MS);
        System.out.printf("large zone: %d endpoints, applied in %d ms, one AXFR built in %d ms (%d messages); secondaries serving it (from apply): %s%n",
                LARGE_ZONE_ENDPOINTS, applied, built, messages, took);
    }
}
