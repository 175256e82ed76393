package io.waymark.bench.update;

import io.waymark.adapters.record.EmbeddedRecordStore;
import io.waymark.adapters.rfc2136.StampRecords;
import io.waymark.adapters.rfc2136.UpdateFence;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.StampedRecords;
import io.waymark.dns.Authority;
import io.waymark.dns.DnsServer;
import io.waymark.dns.DnsServerConfig;
import io.waymark.dns.ServingOptions;
import io.waymark.dns.TransferPolicy;
import io.waymark.dns.UpdatePolicy;
import io.waymark.dns.ZoneFileReader;
import io.waymark.server.daemon.FencedUpdates;
import io.waymark.server.daemon.ServingGate;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * The UPDATE workload of {@code bench/dns-update}, the same for Waymark, BIND and Knot.
 * <ul>
 *   <li>{@code prepare DIR N LAT}: the zone every peer loads (ep1..epN and lat0..lat(LAT-1), each one A
 *       record and its stamp TXT RRset at generation 1, exactly as Waymark serves it), Waymark's base
 *       zone (SOA and NS only: its endpoints come from its record store), and {@code updates.txt}
 *       for {@code dnsperf -u}: per endpoint one UPDATE whose prerequisite names the generation-1 stamp
 *       and whose update section writes a new address and the generation-2 stamp (what Waymark's own
 *       RFC 2136 store sends).</li>
 *   <li>{@code serve DIR PORT N LAT}: Waymark's server as the daemon wires it for {@code dns.update}:
 *       embedded record store (fsync per group commit) seeded with the same endpoints, serving gate with
 *       stamps, DNS server with the fenced UPDATE target; key upd-key (bench/peers/tsig-upd-key.conf).</li>
 *   <li>{@code latency PORT LAT LABEL}: per lat endpoint, sends the UPDATE over UDP and then queries A
 *       over UDP back to back until the new address is answered: send → visible, p50/p99.</li>
 * </ul>
 */
public final class UpdateTargetBench {
    static final String ZONE = "example.test.";
    static final String KEY = "upd-key";
    static final String SECRET = "ROjsf7s7gRgBrTbYbOZ0/1u64eGSbQW98sW6fxP86zI=";
    private static final int TTL = 30;
    private static final PlanHash BEFORE = new PlanHash("1".repeat(64));
    private static final PlanHash AFTER = new PlanHash("2".repeat(64));
    private static final int POLLS_PER_UPDATE_MAX = 200_000;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private UpdateTargetBench() {}

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "prepare" -> prepare(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "serve" -> serve(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "latency" -> latency(Integer.parseInt(args[1]), Integer.parseInt(args[2]), args[3]);
            default -> {
                System.err.println("usage: UpdateTargetBench prepare DIR N LAT | serve DIR PORT N LAT | latency PORT LAT LABEL");
                System.exit(2);
            }
        }
    }

    private static List<Endpoint> endpoints(int n, int lat) {
        List<Endpoint> out = new ArrayList<>(n + lat);
        for (int i = 1; i <= n; i++) out.add(Endpoint.of("ep" + i + "." + ZONE));
        for (int j = 0; j < lat; j++) out.add(Endpoint.of("lat" + j + "." + ZONE));
        return out;
    }

    /** Address {@code i} of 10.0.0.0/9 (before) or 10.128.0.0/9 (after). */
    private static RecordSet records(int i, boolean after) {
        String a = "10." + ((after ? 128 : 0) + ((i >>> 16) & 127)) + "." + ((i >>> 8) & 255) + "." + (i & 255);
        return new RecordSet(List.of(WeightedAddress.of(a, 1)), TTL);
    }

    private static String relative(Endpoint e) {
        return e.name().substring(0, e.name().length() - ZONE.length() - 1);
    }

    private static String quoted(List<String> strings) {
        return String.join(" ", strings.stream().map(s -> "\"" + s + "\"").toList());
    }

    private static final String SOA = """
            $ORIGIN example.test.
            $TTL 3600
            @    IN SOA ns1 hostmaster 1 3600 600 86400 5
            @    IN NS  ns1
            ns1  IN A   127.0.0.1
            """;

    static void prepare(Path dir, int n, int lat) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("waymark.zone"), SOA);
        StringBuilder zone = new StringBuilder(SOA);
        StringBuilder updates = new StringBuilder();
        List<Endpoint> all = endpoints(n, lat);
        for (int i = 0; i < all.size(); i++) {
            Endpoint e = all.get(i);
            String name = relative(e);
            RecordSet before = records(i, false);
            zone.append(name).append(' ').append(TTL).append(" IN A ").append(before.addresses().get(0).address().getHostAddress()).append('\n');
            for (List<String> txt : StampRecords.txt(Stamp.of(1, BEFORE), before)) zone.append(StampRecords.LABEL).append('.').append(name).append(' ').append(TTL).append(" IN TXT ").append(quoted(txt)).append('\n');
            if (i >= n) continue; // lat endpoints are updated by the latency client, not by dnsperf
            RecordSet after = records(i, true);
            updates.append("example.test\n");
            for (List<String> txt : StampRecords.txt(Stamp.of(1, BEFORE), before)) updates.append("require _waymark.").append(name).append(" TXT ").append(quoted(txt)).append('\n');
            updates.append("delete ").append(name).append(" A\ndelete ").append(name).append(" AAAA\ndelete _waymark.").append(name).append(" TXT\n");
            updates.append("add ").append(name).append(' ').append(TTL).append(" A ").append(after.addresses().get(0).address().getHostAddress()).append('\n');
            for (List<String> txt : StampRecords.txt(Stamp.of(2, AFTER), after)) updates.append("add _waymark.").append(name).append(' ').append(TTL).append(" TXT ").append(quoted(txt)).append('\n');
            updates.append("send\n");
        }
        Files.writeString(dir.resolve("example.test.zone"), zone);
        Files.writeString(dir.resolve("updates.txt"), updates);
        System.out.printf("prepared %d endpoints for dnsperf and %d for the latency client in %s%n", n, lat, dir);
    }

    static void serve(Path dir, int port, int n, int lat) throws Exception {
        Authority authority = Authority.of(List.of(ZoneFileReader.read(dir.resolve("waymark.zone"), Name.fromString(ZONE))), ServingOptions.defaults());
        ServingGate gate = new ServingGate(authority, true);
        EmbeddedRecordStore store = EmbeddedRecordStore.open(Files.createDirectories(dir.resolve("waymark-data")), gate);
        List<Endpoint> all = endpoints(n, lat);
        for (int from = 0; from < all.size(); from += EmbeddedRecordStore.BATCH_APPLIES_MAX) {
            List<ConditionalApply> batch = new ArrayList<>();
            for (int i = from; i < Math.min(all.size(), from + EmbeddedRecordStore.BATCH_APPLIES_MAX); i++) {
                batch.add(new ConditionalApply(all.get(i), Stamp.NONE, Stamp.of(1, BEFORE), records(i, false)));
            }
            for (ApplyOutcome o : store.applyAllIfNewer(batch)) if (o != ApplyOutcome.APPLIED) throw new IllegalStateException("seeding: " + o);
        }
        UpdateFence.Store target = new UpdateFence.Store() {
            @Override
            public StampedRecords read(Endpoint endpoint) {
                return store.read(endpoint);
            }

            @Override
            public List<ApplyOutcome> applyAllOrNothing(List<ConditionalApply> applies) {
                return store.applyAllOrNothing(applies);
            }
        };
        TSIG key = new TSIG(TSIG.HMAC_SHA256, Name.fromString(KEY + "."), Base64.getDecoder().decode(SECRET));
        // UDP through FFM, as the daemon's default (`dns.udpIo: ffm`); DnsServerConfig.of alone is Netty.
        DnsServer dns = new DnsServer(authority, DnsServerConfig.of(LOOPBACK, port).withUdpIo(DnsServerConfig.UdpIo.FFM), TransferPolicy.NONE,
                UpdatePolicy.signed(key, new FencedUpdates(new UpdateFence(target, gate::unservable), null)));
        dns.start();
        System.out.printf("waymark serving %d endpoints with UPDATE on 127.0.0.1:%d (data %s)%n", all.size(), port, dir.resolve("waymark-data"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dns.close();
            try {
                store.close();
            } catch (IOException e) {
                System.err.println("closing the store: " + e);
            }
        }));
        Thread.currentThread().join(); // until killed
    }

    static void latency(int port, int lat, String label) throws Exception {
        TSIG key = new TSIG(TSIG.HMAC_SHA256, Name.fromString(KEY + "."), Base64.getDecoder().decode(SECRET));

        long[] nanos = new long[lat];
        long polls = 0;
        try (DatagramSocket updates = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0)); DatagramSocket queries = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            updates.setSoTimeout(5_000);
            queries.setSoTimeout(1_000);
            byte[] buf = new byte[4096];
            for (int j = 0; j < lat; j++) {
                Endpoint e = Endpoint.of("lat" + j + "." + ZONE);
                int index = indexOf(port, e);
                RecordSet before = records(index, false);
                RecordSet after = records(index, true);
                Message u = update(e, before, after);
                key.apply(u, null);
                byte[] wire = u.toWire();
                String expected = after.addresses().get(0).address().getHostAddress();
                Message q = Message.newQuery(Record.newRecord(Name.fromString(e.name()), Type.A, DClass.IN));
                long start = System.nanoTime();
                updates.send(new DatagramPacket(wire, wire.length, LOOPBACK, port));
                boolean seen = false;
                for (int p = 0; p < POLLS_PER_UPDATE_MAX && !seen; p++) {
                    q.getHeader().setID(p & 0xFFFF);
                    byte[] qw = q.toWire();
                    queries.send(new DatagramPacket(qw, qw.length, LOOPBACK, port));
                    polls++;
                    try {
                        DatagramPacket r = new DatagramPacket(buf, buf.length);
                        queries.receive(r);
                        Message m = new Message(Arrays.copyOf(buf, r.getLength()));
                        for (Record a : m.getSection(Section.ANSWER)) if (a instanceof ARecord ar && ar.getAddress().getHostAddress().equals(expected)) seen = true;
                    } catch (SocketTimeoutException lost) {
                        // a lost poll: poll again
                    }
                }
                nanos[j] = System.nanoTime() - start;
                DatagramPacket r = new DatagramPacket(buf, buf.length);
                updates.receive(r);
                Message reply = new Message(Arrays.copyOf(buf, r.getLength()));
                if (!seen || reply.getRcode() != Rcode.NOERROR) throw new IllegalStateException(label + ": update of " + e + " answered " + Rcode.string(reply.getRcode()) + (seen ? "" : ", never visible"));
            }
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("RESULT update-visible server=%s updates=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f polls_per_update=%.1f%n", label, lat,
                sorted[lat / 2] / 1e6, sorted[Math.min(lat - 1, (int) Math.ceil(lat * 0.99) - 1)] / 1e6, sorted[lat - 1] / 1e6, polls / (double) lat);
    }

    /** The index prepare gave {@code e}: read back from its generation-1 address (the same on every server). */
    private static int indexOf(int port, Endpoint e) throws IOException {
        Message reply;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            s.setSoTimeout(2_000);
            byte[] q = Message.newQuery(Record.newRecord(Name.fromString(e.name()), Type.A, DClass.IN)).toWire();
            s.send(new DatagramPacket(q, q.length, LOOPBACK, port));
            byte[] buf = new byte[4096];
            DatagramPacket r = new DatagramPacket(buf, buf.length);
            s.receive(r);
            reply = new Message(Arrays.copyOf(buf, r.getLength()));
        }
        for (Record a : reply.getSection(Section.ANSWER)) {
            if (a instanceof ARecord ar) {
                byte[] b = ar.getAddress().getAddress();
                return ((b[1] & 127) << 16) | ((b[2] & 255) << 8) | (b[3] & 255);
            }
        }
        throw new IllegalStateException(e + " has no A record to start from");
    }

    /** The UPDATE Waymark's RFC 2136 store would send: prerequisite on the old stamp, new address and stamp. */
    private static Message update(Endpoint e, RecordSet before, RecordSet after) throws IOException {
        Name zone = Name.fromString(ZONE);
        Name name = Name.fromString(e.name());
        Name stamp = Name.fromString(StampRecords.name(e));
        Update u = new Update(zone);
        for (List<String> txt : StampRecords.txt(Stamp.of(1, BEFORE), before)) u.present(new TXTRecord(stamp, DClass.IN, 0, txt));
        u.delete(name, Type.A);
        u.delete(name, Type.AAAA);
        u.delete(stamp, Type.TXT);
        u.add(new ARecord(name, DClass.IN, TTL, after.addresses().get(0).address()));
        for (List<String> txt : StampRecords.txt(Stamp.of(2, AFTER), after)) u.add(new TXTRecord(stamp, DClass.IN, TTL, txt));
        return u;
    }

}
