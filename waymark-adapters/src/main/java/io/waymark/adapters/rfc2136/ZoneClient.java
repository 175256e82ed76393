package io.waymark.adapters.rfc2136;

import io.waymark.adapters.rfc2136.StampText.Served;
import io.waymark.core.model.Endpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DNS side of the RFC 2136 store, over a {@link DnsWire}: queries for endpoints (pipelined), the
 * zone's SOA serial, AXFR of the whole zone, and UPDATE signed with TSIG. No retries here: the store decides.
 */
final class ZoneClient {
    /** Re-reads of one endpoint when an UPDATE landed between the two stamp queries that bracket its records. */
    private static final int BRACKETED_READS_MAX = 4;

    private final Rfc2136Settings settings;
    private final Name zone;
    private final DnsWire wire;

    ZoneClient(Rfc2136Settings settings, DnsWire wire) {
        this.settings = settings;
        this.zone = name(settings.zone());
        this.wire = wire;
    }

    Name zone() {
        return zone;
    }

    static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: '" + text + "'");
        }
    }

    static Name nameOf(Endpoint e) {
        return name(e.name());
    }

    static Name stampName(Endpoint e) {
        try {
            return Name.concatenate(Name.fromString(StampText.LABEL), nameOf(e));
        } catch (TextParseException | org.xbill.DNS.NameTooLongException x) {
            throw new IllegalArgumentException("endpoint " + e + " is too long for a stamp name under it");
        }
    }

    /** The answer of one query; NXDOMAIN and NODATA are an empty list, anything else an IOException. */
    private CompletableFuture<List<Record>> query(Name name, int type) {
        Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        return wire.send(q, false).thenApply(m -> {
            int rc = m.getRcode();
            if (rc != Rcode.NOERROR && rc != Rcode.NXDOMAIN) {
                throw new IllegalStateException(new IOException("server answered " + Rcode.string(rc) + " to " + name + " " + Type.string(type)));
            }
            List<Record> out = new ArrayList<>();
            for (Record r : m.getSection(Section.ANSWER)) if (r.getType() == type && r.getName().equals(name)) out.add(r);
            return out;
        });
    }

    private <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.get(settings.timeoutMs() + 1_000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + settings.serverText(), e);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IOException("no answer from " + settings.serverText() + " within " + settings.timeoutMs() + " ms");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IllegalStateException && c.getCause() instanceof IOException io) throw io;
            if (c instanceof IOException io) throw io;
            throw new IOException(String.valueOf(c), c);
        }
    }

    /**
     * One endpoint's state. Its stamp RRset is read before and after its addresses; an UPDATE that
     * lands in between changes the stamp, so unequal brackets are read again (bounded): an UPDATE
     * replaces records and stamp together, so equal brackets mean the addresses belong to that stamp.
     */
    EndpointState read(Endpoint endpoint) throws IOException {
        return readAll(List.of(endpoint)).get(endpoint);
    }

    /** Many endpoints' states, the queries pipelined on the connection. */
    Map<Endpoint, EndpointState> readAll(List<Endpoint> endpoints) throws IOException {
        Map<Endpoint, EndpointState> out = new HashMap<>();
        List<Endpoint> pending = new ArrayList<>(endpoints);
        for (int attempt = 0; attempt < BRACKETED_READS_MAX && !pending.isEmpty(); attempt++) {
            List<CompletableFuture<List<Record>>> before = new ArrayList<>();
            List<CompletableFuture<List<Record>>> a = new ArrayList<>();
            List<CompletableFuture<List<Record>>> aaaa = new ArrayList<>();
            for (Endpoint e : pending) before.add(query(stampName(e), Type.TXT));
            for (int i = 0; i < pending.size(); i++) {
                await(before.get(i));
                a.add(query(nameOf(pending.get(i)), Type.A));
                aaaa.add(query(nameOf(pending.get(i)), Type.AAAA));
            }
            List<CompletableFuture<List<Record>>> after = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                await(a.get(i));
                await(aaaa.get(i));
                after.add(query(stampName(pending.get(i)), Type.TXT));
            }
            List<Endpoint> again = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                List<List<String>> txt1 = strings(await(before.get(i)));
                List<List<String>> txt2 = strings(await(after.get(i)));
                EndpointState s1 = new EndpointState(txt1, List.of());
                EndpointState s2 = new EndpointState(txt2, List.of());
                if (!s1.txt().equals(s2.txt())) {
                    again.add(pending.get(i));
                    continue;
                }
                List<Served> served = new ArrayList<>();
                addServed(served, await(a.get(i)));
                addServed(served, await(aaaa.get(i)));
                out.put(pending.get(i), new EndpointState(txt1, served));
            }
            pending = again;
        }
        if (!pending.isEmpty()) throw new IOException(pending.size() + " endpoints changed during every one of " + BRACKETED_READS_MAX + " reads (first " + pending.get(0) + ")");
        return out;
    }

    /**
     * A TXT record's strings exactly as {@link TXTRecord#getStrings()} gives them. Stamps are printable
     * ASCII without quotes or backslashes, which dnsjava would leave as they are: those bytes become the
     * string directly, skipping its escaping pass (most of the client's time in reading a large IXFR).
     */
    static List<String> strings(TXTRecord t) {
        List<byte[]> raw = t.getStringsAsByteArrays();
        List<String> out = new ArrayList<>(raw.size());
        for (byte[] b : raw) {
            if (!plain(b)) return t.getStrings();
            out.add(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static boolean plain(byte[] b) {
        for (byte x : b) if (x < 0x20 || x > 0x7e || x == '"' || x == '\\') return false;
        return true;
    }

    private static List<List<String>> strings(List<Record> txt) {
        List<List<String>> out = new ArrayList<>();
        for (Record r : txt) out.add(strings((TXTRecord) r));
        return out;
    }

    private static void addServed(List<Served> out, List<Record> records) {
        for (Record r : records) {
            if (r instanceof ARecord a) out.add(new Served(a.getAddress(), a.getTTL()));
            else if (r instanceof AAAARecord a) out.add(new Served(a.getAddress(), a.getTTL()));
        }
    }

    /** A whole-zone read: every name's stamp RRset and addresses, from one AXFR (one consistent version of the zone). */
    record Transfer(long serial, Map<Name, EndpointState> states) {}

    Transfer transfer() throws IOException {
        return whole(wire.transfer(zone));
    }

    /**
     * The zone's state after an incremental transfer from {@code base} at {@code serial}: null when nothing
     * changed, else a new map ({@code base} is not touched: readers may hold it).
     */
    Transfer incremental(Map<Name, EndpointState> base, long serial) throws IOException {
        DnsWire.Incremental inc = wire.incremental(zone, serial);
        if (inc.current()) return null;
        if (inc.whole() != null) return whole(inc.whole());
        Map<Name, EndpointState> next = new HashMap<>(base);
        long now = serial;
        Name label = name(StampText.LABEL);
        for (DnsWire.Change c : inc.changes()) {
            Map<Name, List<Record>> deletes = byEndpoint(c.deletes(), label);
            Map<Name, List<Record>> adds = byEndpoint(c.adds(), label);
            java.util.Set<Name> names = new java.util.HashSet<>(deletes.keySet());
            names.addAll(adds.keySet());
            for (Name n : names) {
                EndpointState s = changed(next.getOrDefault(n, EndpointState.EMPTY), deletes.getOrDefault(n, List.of()), adds.getOrDefault(n, List.of()));
                if (s.txt().isEmpty() && s.served().isEmpty()) next.remove(n);
                else next.put(n, s);
            }
            for (Record r : c.adds()) if (r instanceof SOARecord soa) now = soa.getSerial();
        }
        return new Transfer(now, next);
    }

    /** Records that belong to an endpoint's state, by endpoint name: its A/AAAA, and the TXT at its stamp name. */
    private static Map<Name, List<Record>> byEndpoint(List<Record> records, Name label) {
        Map<Name, List<Record>> out = new HashMap<>();
        for (Record r : records) {
            Name n = r.getName();
            if (r instanceof ARecord || r instanceof AAAARecord) out.computeIfAbsent(n, k -> new ArrayList<>()).add(r);
            else if (r instanceof TXTRecord && isStampName(n, label)) out.computeIfAbsent(new Name(n, 1), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    private static boolean isStampName(Name n, Name label) {
        return n.labels() > 1 && n.getLabelString(0).equalsIgnoreCase(label.getLabelString(0));
    }

    private static EndpointState changed(EndpointState s, List<Record> deletes, List<Record> adds) {
        List<List<String>> txt = new ArrayList<>(s.txt());
        List<Served> served = new ArrayList<>(s.served());
        for (Record r : deletes) {
            if (r instanceof TXTRecord t) txt.remove(strings(t));
            else if (r instanceof ARecord a) served.removeIf(x -> x.address().equals(a.getAddress()));
            else if (r instanceof AAAARecord a) served.removeIf(x -> x.address().equals(a.getAddress()));
        }
        for (Record r : adds) {
            if (r instanceof TXTRecord t) {
                List<String> strings = strings(t);
                if (!txt.contains(strings)) txt.add(strings);
            } else if (r instanceof ARecord a) {
                served.removeIf(x -> x.address().equals(a.getAddress()));
                served.add(new Served(a.getAddress(), a.getTTL()));
            } else if (r instanceof AAAARecord a) {
                served.removeIf(x -> x.address().equals(a.getAddress()));
                served.add(new Served(a.getAddress(), a.getTTL()));
            }
        }
        return new EndpointState(txt, served);
    }

    private Transfer whole(List<Record> records) {
        Map<Name, List<List<String>>> txt = new HashMap<>();
        Map<Name, List<Served>> served = new HashMap<>();
        long serial = -1;
        Name label = name(StampText.LABEL);
        for (Record r : records) {
            Name n = r.getName();
            switch (r) {
                case SOARecord soa -> serial = soa.getSerial();
                case TXTRecord t when isStampName(n, label) ->
                        txt.computeIfAbsent(new Name(n, 1), k -> new ArrayList<>()).add(strings(t));
                case ARecord a -> served.computeIfAbsent(n, k -> new ArrayList<>()).add(new Served(a.getAddress(), a.getTTL()));
                case AAAARecord a -> served.computeIfAbsent(n, k -> new ArrayList<>()).add(new Served(a.getAddress(), a.getTTL()));
                default -> { }
            }
        }
        Map<Name, EndpointState> states = new HashMap<>();
        txt.forEach((n, t) -> states.put(n, new EndpointState(t, served.getOrDefault(n, List.of()))));
        served.forEach((n, s) -> states.putIfAbsent(n, new EndpointState(List.of(), s)));
        return new Transfer(serial, states);
    }

    /** What the server answered to an UPDATE. */
    record Reply(int rcode, boolean verified, Optional<String> tsigError) {}

    /** Sends one signed UPDATE and returns the server's answer; an IOException means its outcome is unknown. */
    Reply update(Message update) throws IOException {
        return reply(send(update));
    }

    /** Sends a signed UPDATE without waiting: pipelined with others on the wire's connection; {@link #reply} awaits it. */
    CompletableFuture<Message> send(Message update) {
        return wire.send(update, true);
    }

    /** The reply to an UPDATE sent with {@link #send}, at most the message timeout away. */
    Reply reply(CompletableFuture<Message> sent) throws IOException {
        Message m = await(sent);
        boolean verified = settings.tsig().isEmpty() || m.isVerified();
        Optional<String> tsigError = Optional.empty();
        if (m.getTSIG() != null && m.getTSIG().getError() != Rcode.NOERROR) tsigError = Optional.of(Rcode.TSIGstring(m.getTSIG().getError()));
        return new Reply(m.getRcode(), verified, tsigError);
    }
}
