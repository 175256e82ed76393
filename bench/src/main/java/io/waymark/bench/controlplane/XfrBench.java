package io.waymark.bench.controlplane;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.WeightedAddress;
import io.waymark.dns.AddressBlock;
import io.waymark.dns.Authority;
import io.waymark.dns.DnsServer;
import io.waymark.dns.DnsServerConfig;
import io.waymark.dns.ServingOptions;
import io.waymark.dns.TransferPolicy;
import io.waymark.dns.ZoneFileReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * AXFR of an N-endpoint zone to a real Knot secondary (issue 8): Waymark's embedded server as the
 * primary, then BIND 9 serving the very same records (Waymark's AXFR written out as BIND's zone file),
 * in one run, alternating, each round with a fresh Knot (empty storage, so it must take the whole zone).
 * Time = from starting knotd until it answers the zone's SOA with the primary's serial and the last
 * endpoint's address; and the transfer alone as Knot's log states it ("AXFR, incoming, ..., finished, S seconds").
 *
 * <p>Arguments: {@code [endpoints=100000] [rounds=3]}.
 */
public final class XfrBench {
    private static final Name ZONE = name("example.test.");
    private static final Duration LOADED_WITHIN = Duration.ofMinutes(5);
    private static final Pattern KNOT_AXFR = Pattern.compile("AXFR, incoming, remote [^,]+, finished, ([0-9.]+) seconds, (\\d+) messages, (\\d+) bytes");

    private XfrBench() {}

    private static Name name(String s) {
        try {
            return Name.fromString(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        int endpoints = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        if (endpoints < 1 || rounds < 1 || rounds > 20) throw new IllegalArgumentException("endpoints >= 1, rounds in [1, 20]");
        Path dir = Files.createTempDirectory("waymark-xfr-");
        Path zoneFile = dir.resolve("base.zone");
        Files.writeString(zoneFile, "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 2026120101 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 127.0.0.1\n");
        Authority authority = Authority.of(List.of(ZoneFileReader.read(zoneFile, ZONE)), ServingOptions.defaults());
        Map<Endpoint, RecordSet> all = new HashMap<>();
        for (int i = 0; i < endpoints; i++) {
            all.put(Endpoint.of("ep" + i + ".example.test."), RecordSet.of(30, WeightedAddress.of("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 1)));
        }
        authority.applyManaged(all);
        String lastAddress = "10." + ((endpoints - 1) >> 16 & 255) + "." + ((endpoints - 1) >> 8 & 255) + "." + ((endpoints - 1) & 255);
        Name lastName = name("ep" + (endpoints - 1) + ".example.test.");
        TransferPolicy policy = new TransferPolicy(List.of(AddressBlock.parse("127.0.0.1")), null, List.of());
        List<Process> started = new ArrayList<>();
        try (DnsServer waymark = new DnsServer(authority, DnsServerConfig.of(InetAddress.getLoopbackAddress(), 0), policy)) {
            waymark.start();
            long serial = authority.current().soa(0).getSerial();
            List<Record> zone = axfr(waymark.port());
            int bindPort = freePort();
            Process bind = startBind(dir.resolve("bind"), bindPort, zone);
            started.add(bind);
            awaitServing(bindPort, serial, lastName, lastAddress, bind, dir.resolve("bind/named.out"));
            System.out.printf(Locale.ROOT, "zone: %d endpoints, %d records, serial %d; Waymark on port %d, BIND 9 on port %d serving the same records%n",
                    endpoints, zone.size(), serial, waymark.port(), bindPort);
            List<Double> waymarkSeconds = new ArrayList<>();
            List<Double> bindSeconds = new ArrayList<>();
            List<Double> waymarkKnotSays = new ArrayList<>();
            List<Double> bindKnotSays = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                // Alternate which primary goes first, so drift on the shared machine hits both alike.
                boolean waymarkFirst = round % 2 == 1;
                for (int k = 0; k < 2; k++) {
                    boolean fromWaymark = (k == 0) == waymarkFirst;
                    int primaryPort = fromWaymark ? waymark.port() : bindPort;
                    double[] s = knotTransfer(dir.resolve("knot-" + round + "-" + (fromWaymark ? "waymark" : "bind")), primaryPort, serial, lastName, lastAddress);
                    (fromWaymark ? waymarkSeconds : bindSeconds).add(s[0]);
                    (fromWaymark ? waymarkKnotSays : bindKnotSays).add(s[1]);
                    System.out.printf(Locale.ROOT, "round %d: Knot from %s: serving after %.2f s (Knot's log: AXFR %.2f s)%n", round, fromWaymark ? "Waymark" : "BIND", s[0], s[1]);
                }
            }
            double w = median(waymarkSeconds);
            double b = median(bindSeconds);
            double wk = median(waymarkKnotSays);
            double bk = median(bindKnotSays);
            System.out.printf(Locale.ROOT, "RESULT xfr endpoints=%d records=%d rounds=%d: a fresh Knot secondary serves the zone from Waymark after %.2f s (median; %s), from BIND after %.2f s (median; %s),"
                            + " ratio %.2f; the AXFR itself as Knot logs it: Waymark %.2f s, BIND %.2f s, ratio %.2f; load average %s%n",
                    endpoints, zone.size(), rounds, w, waymarkSeconds, b, bindSeconds, w / b, wk, bk, wk / bk, Files.readString(Path.of("/proc/loadavg")).trim());
        } finally {
            for (Process p : started) stop(p);
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static List<Record> axfr(int port) throws Exception {
        ZoneTransferIn x = ZoneTransferIn.newAXFR(ZONE, "127.0.0.1", port, null);
        x.setTimeout(Duration.ofMinutes(2));
        x.run();
        return x.getAXFR();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Process startBind(Path dir, int port, List<Record> zone) throws IOException {
        Files.createDirectories(dir);
        StringBuilder text = new StringBuilder(zone.size() * 48);
        // The AXFR ends with the SOA again: write it once.
        for (int i = 0; i < zone.size() - 1; i++) text.append(zone.get(i).toString()).append('\n');
        Files.writeString(dir.resolve("example.test.zone"), text.toString(), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("named.conf"), """
                options {
                    directory "%1$s";
                    pid-file none;
                    session-keyfile none;
                    managed-keys-directory "%1$s";
                    listen-on port %2$d { 127.0.0.1; };
                    listen-on-v6 { none; };
                    recursion no;
                    notify no;
                    dnssec-validation no;
                };
                controls { };
                zone "example.test" { type primary; file "example.test.zone"; allow-transfer { 127.0.0.1; }; check-names ignore; };
                """.formatted(dir, port));
        return new ProcessBuilder("/usr/sbin/named", "-g", "-n", "1", "-c", dir.resolve("named.conf").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("named.out").toFile()).start();
    }

    /** A fresh Knot secondary of {@code primaryPort}; seconds from its start until it serves the zone at {@code serial}. */
    private static double[] knotTransfer(Path dir, int primaryPort, long serial, Name lastName, String lastAddress) throws Exception {
        Files.createDirectories(dir.resolve("db"));
        int port = freePort();
        Files.writeString(dir.resolve("knot.conf"), """
                server:
                    rundir: "%1$s"
                    pidfile: "%1$s/knot.pid"
                    listen: 127.0.0.1@%2$d
                log:
                  - target: stderr
                    any: info
                database:
                    storage: "%1$s/db"
                remote:
                  - id: primary
                    address: 127.0.0.1@%3$d
                template:
                  - id: default
                    storage: "%1$s"
                    file: "%%s.zone"
                    zonefile-sync: -1
                    zonefile-load: none
                    journal-content: none
                    semantic-checks: off
                zone:
                  - domain: example.test.
                    master: primary
                """.formatted(dir, port, primaryPort));
        Path log = dir.resolve("knot.out");
        long start = System.nanoTime();
        Process knot = new ProcessBuilder("/usr/sbin/knotd", "-c", dir.resolve("knot.conf").toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitServing(port, serial, lastName, lastAddress, knot, log);
            double seconds = (System.nanoTime() - start) / 1e9;
            Matcher m = KNOT_AXFR.matcher(Files.readString(log));
            if (!m.find()) throw new IOException("Knot serves the zone but logged no finished AXFR: " + Files.readString(log));
            System.out.printf(Locale.ROOT, "  Knot's log: AXFR finished in %s s, %s messages, %s bytes%n", m.group(1), m.group(2), m.group(3));
            return new double[] {seconds, Double.parseDouble(m.group(1))};
        } finally {
            stop(knot);
        }
    }

    /** Waits until the server answers the SOA with {@code serial} and {@code lastName} with its address (bounded). */
    private static void awaitServing(int port, long serial, Name lastName, String lastAddress, Process p, Path log) throws Exception {
        SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
        r.setPort(port);
        r.setTimeout(Duration.ofMillis(500));
        long deadline = System.nanoTime() + LOADED_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IOException("server exited: " + Files.readString(log));
            try {
                Message soa = r.send(Message.newQuery(Record.newRecord(ZONE, Type.SOA, DClass.IN)));
                if (soa.getRcode() == Rcode.NOERROR && !soa.getSection(Section.ANSWER).isEmpty() && ((SOARecord) soa.getSection(Section.ANSWER).get(0)).getSerial() == serial) {
                    Message a = r.send(Message.newQuery(Record.newRecord(lastName, Type.A, DClass.IN)));
                    if (!a.getSection(Section.ANSWER).isEmpty() && a.getSection(Section.ANSWER).get(0).rdataToString().equals(lastAddress)) return;
                }
            } catch (IOException notYet) {
                // not listening yet, or busy loading
            }
            Thread.sleep(10);
        }
        throw new IOException("not serving serial " + serial + " within " + LOADED_WITHIN + ": " + Files.readString(log));
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
