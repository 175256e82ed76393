package io.waymark.server.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.waymark.adapters.rfc2136.Rfc2136RecordStore;
import io.waymark.adapters.rfc2136.Rfc2136Settings;
import io.waymark.adapters.rfc2136.StampRecords;
import io.waymark.adapters.rfc2136.TsigKey;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.dns.AddressBlock;
import io.waymark.dns.Authority;
import io.waymark.dns.DnsServer;
import io.waymark.dns.DnsServerConfig;
import io.waymark.dns.ServingOptions;
import io.waymark.dns.TransferPolicy;
import io.waymark.dns.UpdatePolicy;
import io.waymark.dns.ZoneFileReader;
import io.waymark.server.testing.ExampleZone;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;

/**
 * The embedded server as an RFC 2136 UPDATE target, driven by real clients: Debian's {@code nsupdate}
 * and {@code dig}, and Waymark's own {@link Rfc2136RecordStore}. Everything under test is production
 * code wired as the daemon wires it (embedded record store behind its supervisor, the serving gate with
 * stamps on, the DNS server with the fenced target); only the zone and the seeded endpoint are the test's.
 */
class UpdateTargetTest {
    private static final String KEY = "upd-key";
    private static final String SECRET = "ROjsf7s7gRgBrTbYbOZ0/1u64eGSbQW98sW6fxP86zI=";
    private static final String WRONG_SECRET = Base64.getEncoder().encodeToString("not-the-key-not-the-key-not-the!".getBytes(StandardCharsets.US_ASCII));
    private static final Endpoint API = Endpoint.of("api.example.test.");
    private static final Endpoint FRESH = Endpoint.of("fresh.example.test.");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir Path dir;
    private SupervisedRecordStore store;
    private AuditLog audit;
    private DnsServer dns;

    private static PlanHash hash(char c) {
        return new PlanHash(String.valueOf(c).repeat(64));
    }

    private static RecordSet records(String... addresses) {
        List<WeightedAddress> out = new ArrayList<>();
        for (String a : addresses) out.add(WeightedAddress.of(a, 1));
        return new RecordSet(out, 30);
    }

    @BeforeEach
    void start() throws Exception {
        Path zoneFile = Files.writeString(dir.resolve(ExampleZone.FILE_NAME), ExampleZone.TEXT);
        Authority authority = Authority.of(List.of(ZoneFileReader.read(zoneFile)), ServingOptions.defaults());
        ServingGate gate = new ServingGate(authority, true);
        store = SupervisedRecordStore.open(Files.createDirectories(dir.resolve("data")), gate);
        audit = AuditLog.open(dir.resolve("data"), Clock.systemUTC());
        // What an enactor of this Waymark wrote: api at generation 5.
        assertThat(store.applyAllIfNewer(List.of(new ConditionalApply(API, Stamp.NONE, Stamp.of(5, hash('a')), records("192.0.2.10")))))
                .containsExactly(ApplyOutcome.APPLIED);
        TSIG key = new TSIG(TSIG.HMAC_SHA256, Name.fromString(KEY + "."), Base64.getDecoder().decode(SECRET));
        dns = new DnsServer(authority, DnsServerConfig.of(LOOPBACK, 0), new TransferPolicy(List.of(AddressBlock.parse("127.0.0.1")), null, List.of()),
                UpdatePolicy.signed(key, FencedUpdates.over(store, Set.of(API, FRESH), gate, audit)));
        dns.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (dns != null) dns.close();
        if (store != null) store.close();
        if (audit != null) audit.close();
    }

    // ------------------------------------------------------------------ real clients

    private record Run(int exit, String output) {}

    private static Run run(List<String> command, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " did not finish: " + out);
        }
        return new Run(p.exitValue(), out);
    }

    /** nsupdate over TCP (-v) with {@code secret} (null: unsigned); returns its exit code and output. */
    private Run nsupdate(String secret, List<String> lines) throws Exception {
        StringBuilder script = new StringBuilder("server 127.0.0.1 " + dns.port() + "\nzone example.test.\n");
        for (String l : lines) script.append(l).append('\n');
        script.append("send\n");
        List<String> cmd = new ArrayList<>(List.of("nsupdate", "-v"));
        if (secret != null) cmd.addAll(List.of("-y", "hmac-sha256:" + KEY + ":" + secret));
        return run(cmd, script.toString());
    }

    private List<String> dig(String name, String type) throws Exception {
        Run r = run(List.of("dig", "@127.0.0.1", "-p", Integer.toString(dns.port()), "+short", "+norecurse", name, type), "");
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output().lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    /** A TXT record's strings as nsupdate and dig write them. */
    private static String quoted(List<String> strings) {
        return String.join(" ", strings.stream().map(s -> "\"" + s + "\"").toList());
    }

    /** The stamp prerequisite, built from what dig shows: how any writer learns the current stamp. */
    private List<String> stampPrerequisite(Endpoint e) throws Exception {
        List<String> out = new ArrayList<>();
        for (String txt : dig(StampRecords.name(e), "TXT")) out.add("prereq yxrrset " + StampRecords.name(e) + " TXT " + txt);
        assertThat(out).as("the stamp of " + e + " is served").isNotEmpty();
        return out;
    }

    /** The update section that writes {@code stamp} with {@code records} (every address IPv4 here). */
    private static List<String> replacement(Endpoint e, Stamp stamp, RecordSet records) {
        List<String> out = new ArrayList<>(List.of("update delete " + e.name() + " A", "update delete " + e.name() + " AAAA", "update delete " + StampRecords.name(e) + " TXT"));
        for (WeightedAddress a : records.addresses()) out.add("update add " + e.name() + " " + records.ttlSeconds() + " A " + a.address().getHostAddress());
        for (List<String> txt : StampRecords.txt(stamp, records)) out.add("update add " + StampRecords.name(e) + " " + records.ttlSeconds() + " TXT " + quoted(txt));
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private void assertUnchanged() throws Exception {
        assertThat(store.read(API).stamp()).isEqualTo(Stamp.of(5, hash('a')));
        assertThat(dig(API.name(), "A")).containsExactly("192.0.2.10");
    }

    private String auditText() throws IOException {
        return Files.readString(dir.resolve("data").resolve(AuditLog.FILE));
    }

    // ------------------------------------------------------------------ nsupdate

    @Test
    void a_signed_update_naming_the_current_stamp_applies_and_dig_sees_it() throws Exception {
        assertThat(dig(StampRecords.name(API), "TXT")).containsExactlyInAnyOrderElementsOf(
                StampRecords.txt(Stamp.of(5, hash('a')), records("192.0.2.10")).stream().map(UpdateTargetTest::quoted).toList());
        RecordSet next = records("192.0.2.20", "192.0.2.21");
        Run r = nsupdate(SECRET, concat(stampPrerequisite(API), replacement(API, Stamp.of(6, hash('b')), next)));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(dig(API.name(), "A")).containsExactly("192.0.2.20", "192.0.2.21");
        assertThat(store.read(API).stamp()).isEqualTo(Stamp.of(6, hash('b')));
        assertThat(store.read(API).records()).contains(next);
        assertThat(dig(StampRecords.name(API), "TXT")).anyMatch(l -> l.contains("waymark-stamp g=6"));
        assertThat(auditText()).contains("\"action\":\"dns-update\"", "api.example.test.");
    }

    @Test
    void a_never_written_endpoint_is_created_with_the_stamp_absent_prerequisite() throws Exception {
        Run r = nsupdate(SECRET, concat(List.of("prereq nxrrset " + StampRecords.name(FRESH) + " TXT"), replacement(FRESH, Stamp.of(3, hash('c')), records("192.0.2.30"))));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(dig(FRESH.name(), "A")).containsExactly("192.0.2.30");
        assertThat(store.read(FRESH).stamp()).isEqualTo(Stamp.of(3, hash('c')));
    }

    @Test
    void an_update_without_the_stamp_prerequisite_is_refused_audited_and_changes_nothing() throws Exception {
        // What a third-party writer that knows nothing of stamps sends (ExternalDNS's rfc2136 provider does this).
        Run r = nsupdate(SECRET, List.of("update delete api.example.test. A", "update add api.example.test. 30 A 198.51.100.1"));
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("REFUSED");
        assertUnchanged();
        assertThat(auditText()).contains("\"action\":\"dns-update-refused\"", "without naming its current stamp");
        // Even with a valid new stamp: no stamp prerequisite, no write.
        Run again = nsupdate(SECRET, replacement(API, Stamp.of(9, hash('d')), records("198.51.100.1")));
        assertThat(again.output()).contains("REFUSED");
        assertUnchanged();
    }

    @Test
    void a_stale_stamp_prerequisite_fails_with_nxrrset_and_changes_nothing() throws Exception {
        List<String> stale = new ArrayList<>();
        for (List<String> txt : StampRecords.txt(Stamp.of(4, hash('a')), records("192.0.2.10"))) stale.add("prereq yxrrset " + StampRecords.name(API) + " TXT " + quoted(txt));
        Run r = nsupdate(SECRET, concat(stale, replacement(API, Stamp.of(6, hash('b')), records("198.51.100.1"))));
        assertThat(r.output()).contains("NXRRSET");
        assertUnchanged();
    }

    @Test
    void an_update_that_would_blank_or_roll_back_a_managed_name_is_refused_even_with_the_right_stamp() throws Exception {
        List<String> blank = concat(stampPrerequisite(API), List.of("update delete api.example.test. A", "update delete " + StampRecords.name(API) + " TXT"));
        for (List<String> txt : StampRecords.txt(Stamp.of(6, hash('b')), records("192.0.2.10"))) blank.add("update add " + StampRecords.name(API) + " 30 TXT " + quoted(txt));
        Run r = nsupdate(SECRET, blank);
        assertThat(r.output()).contains("REFUSED");
        assertUnchanged();
        assertThat(auditText()).contains("no address");
        Run back = nsupdate(SECRET, concat(stampPrerequisite(API), replacement(API, Stamp.of(4, hash('b')), records("198.51.100.1"))));
        assertThat(back.output()).contains("REFUSED");
        assertUnchanged();
    }

    @Test
    void a_name_that_is_no_managed_endpoint_is_refused() throws Exception {
        Run r = nsupdate(SECRET, List.of("update add other.example.test. 30 A 198.51.100.7"));
        assertThat(r.output()).contains("REFUSED");
        assertThat(dig("other.example.test.", "A")).isEmpty();
        Run zoneFileName = nsupdate(SECRET, List.of("update delete www.example.test. A"));
        assertThat(zoneFileName.output()).contains("REFUSED");
        assertThat(dig("www.example.test.", "A")).containsExactly("192.0.2.1");
    }

    @Test
    void a_wrong_key_or_no_key_is_notauth_and_changes_nothing() throws Exception {
        List<String> update = concat(stampPrerequisite(API), replacement(API, Stamp.of(6, hash('b')), records("198.51.100.1")));
        Run wrong = nsupdate(WRONG_SECRET, update);
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.output()).containsAnyOf("NOTAUTH", "BADSIG", "tsig");
        Run unsigned = nsupdate(null, update);
        assertThat(unsigned.exit()).isNotZero();
        assertThat(unsigned.output()).contains("NOTAUTH");
        assertUnchanged();
    }

    // ------------------------------------------------------------------ another Waymark's RFC 2136 store

    @Test
    void another_waymarks_rfc2136_store_applies_and_a_stale_stamp_is_rejected_with_nothing_changed() throws Exception {
        Rfc2136Settings settings = Rfc2136Settings.defaults(new InetSocketAddress(LOOPBACK, dns.port()), "example.test.", TsigKey.fromBase64(KEY, TsigKey.HMAC_SHA256, SECRET))
                .withReadRefreshMs(60_000, 600_000);
        try (Rfc2136RecordStore remote = Rfc2136RecordStore.open(settings, new SplittableRandom(1), Rfc2136RecordStore.DriftListener.NONE)) {
            assertThat(remote.probe()).isEmpty();
            assertThat(remote.read(API).stamp()).isEqualTo(Stamp.of(5, hash('a')));
            assertThat(remote.read(API).records()).contains(records("192.0.2.10"));

            assertThat(remote.applyIfNewer(API, Stamp.of(5, hash('a')), Stamp.of(7, hash('e')), records("192.0.2.70"))).isEqualTo(ApplyOutcome.APPLIED);
            assertThat(store.read(API).stamp()).isEqualTo(Stamp.of(7, hash('e')));
            assertThat(dig(API.name(), "A")).containsExactly("192.0.2.70");
            assertThat(remote.applyIfNewer(FRESH, Stamp.NONE, Stamp.of(7, hash('e')), records("192.0.2.71"))).isEqualTo(ApplyOutcome.APPLIED);
            assertThat(dig(FRESH.name(), "A")).containsExactly("192.0.2.71");

            // This Waymark's own enactor moves api on; the remote store's view (generation 7) is now stale.
            assertThat(store.applyAllIfNewer(List.of(new ConditionalApply(API, Stamp.of(7, hash('e')), Stamp.of(9, hash('f')), records("192.0.2.90")))))
                    .containsExactly(ApplyOutcome.APPLIED);
            long rejectedBefore = remote.updatesRejected();
            assertThat(remote.applyIfNewer(API, Stamp.of(7, hash('e')), Stamp.of(10, hash('0')), records("192.0.2.100"))).isEqualTo(ApplyOutcome.CONFLICT);
            assertThat(remote.updatesRejected()).as("the server rejected the stale prerequisite").isGreaterThan(rejectedBefore);
            assertThat(store.read(API).stamp()).isEqualTo(Stamp.of(9, hash('f')));
            assertThat(dig(API.name(), "A")).containsExactly("192.0.2.90");
        }
    }
}
