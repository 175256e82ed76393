package io.waymark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.dns.DifferentialProbes.Probe;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/**
 * Waymark against BIND 9 and Knot, started here on loopback, all three serving the same zone file
 * ({@code differential/diff.test.zone}). Every probe of {@link DifferentialProbes} goes to all three;
 * Waymark's reply, normalised ({@link NormalisedReply}), must equal BIND's or Knot's, and must be no
 * larger on the wire than the peer reply it equals (name compression). Each deliberate difference is
 * listed, with its RFC reason, in {@code differential/deliberate-differences.txt}; the test fails on
 * any difference not listed there, and on a listed one that no longer occurs (the list stays true).
 */
class DifferentialTest {
    private static final Name ORIGIN = Name.fromConstantString("diff.test.");
    private static final int TIMEOUT_MS = 3_000;
    private static final int UDP_ATTEMPTS = 3;
    private static Path scratch;
    private static PeerServers peers;
    private static TestServer waymark;
    /** The same server reading and writing UDP through FFM (JDK 25 builds): its replies must be byte for byte Netty's. */
    private static TestServer waymarkFfm;

    @BeforeAll
    static void start() throws Exception {
        scratch = Files.createTempDirectory("waymark-differential");
        Path zoneFile = scratch.resolve("diff.test.zone");
        try (InputStream in = DifferentialTest.class.getResourceAsStream("/differential/diff.test.zone")) {
            Files.write(zoneFile, in.readAllBytes());
        }
        Authority authority = Authority.of(List.of(ZoneFileReader.read(zoneFile)), ServingOptions.defaults().withIdentity(PeerServers.IDENTITY, PeerServers.IDENTITY));
        waymark = TestServer.start(authority);
        waymarkFfm = TestServer.start(authority, DnsServerConfig.of(TestServer.LOOPBACK, 0).withUdpIo(DnsServerConfig.UdpIo.FFM));
        peers = PeerServers.start(zoneFile, ORIGIN, scratch);
    }

    @AfterAll
    static void stop() throws Exception {
        if (waymark != null) waymark.close();
        if (waymarkFfm != null) waymarkFfm.close();
        if (peers != null) peers.close();
        if (scratch != null) {
            try (Stream<Path> walk = Files.walk(scratch)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A difference found: which probe, which aspect (content or size), and the three replies. */
    record Difference(Probe probe, String aspect, NormalisedReply waymark, NormalisedReply bind, NormalisedReply knot) {
        String describe() {
            return "== " + probe.label() + " [" + aspect + "]\n-- waymark (" + waymark.size() + " bytes):\n" + waymark.text()
                    + "\n-- bind (" + bind.size() + " bytes):\n" + bind.text() + "\n-- knot (" + knot.size() + " bytes):\n" + knot.text();
        }
    }

    /** One line of the differences file: {@code QNAME QTYPE VARIANT ASPECT | reason}; {@code *} in a field matches any characters. */
    record Listed(String[] fields, String reason, int line) {
        boolean matches(Difference d) {
            String[] actual = {d.probe().qname(), d.probe().qtype(), d.probe().variant(), d.aspect()};
            for (int i = 0; i < 4; i++) {
                if (!glob(fields[i]).matcher(actual[i]).matches()) return false;
            }
            return true;
        }
    }

    private static java.util.regex.Pattern glob(String field) {
        StringBuilder regex = new StringBuilder();
        for (String part : field.split("\\*", -1)) regex.append(java.util.regex.Pattern.quote(part)).append(".*");
        return java.util.regex.Pattern.compile(regex.substring(0, regex.length() - 2), java.util.regex.Pattern.CASE_INSENSITIVE);
    }

    @Test
    void waymark_answers_as_bind_or_knot_does_except_where_a_listed_rfc_reason_says_otherwise() throws Exception {
        List<Probe> probes = DifferentialProbes.all(ORIGIN);
        assertThat(probes).hasSizeGreaterThan(1_000);
        PeerServers.Peer bind = peers.peers().get(0);
        PeerServers.Peer knot = peers.peers().get(1);
        List<Difference> found = new ArrayList<>();
        List<String> ffmMismatches = new ArrayList<>();
        boolean ffm = waymarkFfm.server.udpKind().startsWith("ffm");
        for (Probe probe : probes) {
            NormalisedReply w = ask(waymark.port(), probe);
            if (ffm && !probe.tcp() && !java.util.Arrays.equals(raw(waymark.port(), probe), raw(waymarkFfm.port(), probe))) ffmMismatches.add(probe.label());
            NormalisedReply b = ask(bind.port(), probe);
            NormalisedReply k = ask(knot.port(), probe);
            boolean likeBind = w.text().equals(b.text());
            boolean likeKnot = w.text().equals(k.text());
            if (!likeBind && !likeKnot) {
                found.add(new Difference(probe, "content", w, b, k));
            } else if (!w.truncated()) {
                int peerSize = Math.max(likeBind ? b.size() : 0, likeKnot ? k.size() : 0);
                if (w.size() > peerSize) found.add(new Difference(probe, "size", w, b, k));
            }
        }
        List<Listed> listed = listed();
        List<Difference> unlisted = found.stream().filter(d -> listed.stream().noneMatch(l -> l.matches(d))).toList();
        List<Listed> stale = listed.stream().filter(l -> found.stream().noneMatch(l::matches)).toList();
        StringBuilder report = new StringBuilder();
        for (Difference d : unlisted) report.append(d.describe()).append("\n\n");
        for (Listed l : stale) report.append("listed at line ").append(l.line()).append(" but no longer found: ").append(String.join(" ", l.fields())).append('\n');
        Files.writeString(Path.of("target", "differential-report.txt"), probes.size() + " probes, " + found.size() + " differences, "
                + unlisted.size() + " unlisted, " + stale.size() + " stale\n\n" + report);
        assertThat(unlisted).as("differences from both BIND and Knot not listed in deliberate-differences.txt (%d of %d probes):\n%s",
                unlisted.size(), probes.size(), report).isEmpty();
        assertThat(stale).as("listed differences that no longer occur:\n%s", report).isEmpty();
        assertThat(ffmMismatches).as("UDP replies through FFM that differ from Netty's").isEmpty();
    }

    private static byte[] raw(int port, Probe probe) throws IOException {
        try {
            return WireExchange.udp(port, probe.wire(), TIMEOUT_MS, UDP_ATTEMPTS);
        } catch (SocketTimeoutException noReply) {
            return new byte[0];
        }
    }

    private static NormalisedReply ask(int port, Probe probe) throws IOException {
        try {
            byte[] reply = probe.tcp() ? WireExchange.tcp(port, probe.wire(), TIMEOUT_MS) : WireExchange.udp(port, probe.wire(), TIMEOUT_MS, UDP_ATTEMPTS);
            return NormalisedReply.of(reply);
        } catch (SocketTimeoutException | java.io.EOFException | java.net.SocketException noReply) {
            return NormalisedReply.NO_REPLY;
        }
    }

    private static List<Listed> listed() throws IOException {
        List<Listed> out = new ArrayList<>();
        try (InputStream in = DifferentialTest.class.getResourceAsStream("/differential/deliberate-differences.txt")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                int bar = line.indexOf('|');
                String[] fields = (bar < 0 ? line : line.substring(0, bar)).strip().split("\\s+");
                String reason = bar < 0 ? "" : line.substring(bar + 1).strip();
                if (fields.length != 4 || reason.isEmpty()) {
                    throw new IllegalStateException("deliberate-differences.txt:" + (i + 1) + ": want QNAME QTYPE VARIANT ASPECT | RFC reason");
                }
                if (!fields[3].equals("content") && !fields[3].equals("size") && !fields[3].equals("*")) {
                    throw new IllegalStateException("deliberate-differences.txt:" + (i + 1) + ": aspect is content, size or *");
                }
                out.add(new Listed(fields, reason.toLowerCase(Locale.ROOT), i + 1));
            }
        }
        return out;
    }
}
