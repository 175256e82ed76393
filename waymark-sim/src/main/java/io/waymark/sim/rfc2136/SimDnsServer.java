package io.waymark.sim.rfc2136;

import io.waymark.adapters.rfc2136.DnsWire;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A simulated authoritative server for one zone with RFC 2136 semantics, for running the real
 * {@link io.waymark.adapters.rfc2136.Rfc2136RecordStore} in the simulator: queries, AXFR, and UPDATE
 * applied all or nothing after its prerequisites (RFC 2136 3.2: name in use / not in use, RRset exists /
 * does not exist, RRset exists with exactly these records), the SOA serial raised on every change.
 *
 * <p>Faults, drawn from the injected generator: a request lost (nothing applied, no answer), a reply lost
 * (applied, no answer: the case that must never be re-sent blindly), the server down (nothing answers).
 * {@link #edit} changes the zone behind the store's back (what {@code nsupdate} by hand does). Not
 * thread-safe: the simulation is single-threaded.
 */
public final class SimDnsServer implements DnsWire {
    /** Probabilities per message; zero for a server without faults. */
    public record Faults(double requestLost, double replyLost) {
        public static final Faults NONE = new Faults(0, 0);

        public Faults {
            if (!(requestLost >= 0 && requestLost <= 1 && replyLost >= 0 && replyLost <= 1)) throw new IllegalArgumentException("fault probabilities must be in [0, 1]");
        }
    }

    private final Name zone;
    private final RandomGenerator random;
    private Faults faults;
    private boolean down;
    /** Name → type → records (an RRset). Names in canonical DNS order. */
    private final TreeMap<Name, Map<Integer, List<Record>>> data = new TreeMap<>();
    private long serial = 1;
    private long applied;
    private long rejected;
    private long repliesLost;

    public SimDnsServer(Name zone, RandomGenerator random, Faults faults) {
        this.zone = zone;
        this.random = random;
        this.faults = faults;
    }

    public void faults(Faults f) {
        this.faults = f;
    }

    public void down(boolean isDown) {
        this.down = isDown;
    }

    public long serial() {
        return serial;
    }

    /** UPDATEs applied, refused on a prerequisite, and applied whose reply was lost. */
    public long applied() {
        return applied;
    }

    public long rejected() {
        return rejected;
    }

    public long repliesLost() {
        return repliesLost;
    }

    /** The RRset of {@code name}/{@code type} now (the checkers' truth). */
    public List<Record> rrset(Name name, int type) {
        Map<Integer, List<Record>> types = data.get(name);
        List<Record> rs = types == null ? null : types.get(type);
        return rs == null ? List.of() : List.copyOf(rs);
    }

    /** Behind the store's back: replaces an RRset (empty removes it), as an operator with nsupdate would. */
    public void edit(Name name, int type, List<Record> records) {
        put(name, type, new ArrayList<>(records));
        serial++;
    }

    @Override
    public CompletableFuture<Message> send(Message message, boolean sign) {
        if (down) return CompletableFuture.failedFuture(new IOException("simulated server down: no answer"));
        if (random.nextDouble() < faults.requestLost()) return CompletableFuture.failedFuture(new IOException("simulated: request lost"));
        Message reply = message.getHeader().getOpcode() == Opcode.UPDATE ? update(message) : query(message);
        if (random.nextDouble() < faults.replyLost()) {
            if (message.getHeader().getOpcode() == Opcode.UPDATE) repliesLost++;
            return CompletableFuture.failedFuture(new IOException("simulated: reply lost"));
        }
        return CompletableFuture.completedFuture(reply);
    }

    @Override
    public List<Record> transfer(Name z) throws IOException {
        if (down) throw new IOException("simulated server down: no transfer");
        if (random.nextDouble() < faults.requestLost()) throw new IOException("simulated: transfer lost");
        if (!z.equals(zone)) throw new IOException("not authoritative for " + z);
        List<Record> out = new ArrayList<>();
        Record soa = soa();
        out.add(soa);
        for (Map<Integer, List<Record>> types : data.values()) for (List<Record> rs : types.values()) out.addAll(rs);
        out.add(soa);
        return out;
    }

    private Record soa() {
        return new SOARecord(zone, DClass.IN, 300, Name.fromConstantString("ns." + zone), Name.fromConstantString("hostmaster." + zone), serial, 3600, 600, 86400, 5);
    }

    private static Message reply(Message m, int rcode) {
        Message r = new Message(m.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setOpcode(m.getHeader().getOpcode());
        r.getHeader().setRcode(rcode);
        if (m.getQuestion() != null) r.addRecord(m.getQuestion(), Section.QUESTION);
        return r;
    }

    private Message query(Message m) {
        Record q = m.getQuestion();
        if (q == null || !q.getName().subdomain(zone)) return reply(m, Rcode.REFUSED);
        Message r = reply(m, Rcode.NOERROR);
        r.getHeader().setFlag(Flags.AA);
        if (q.getType() == Type.SOA && q.getName().equals(zone)) {
            r.addRecord(soa(), Section.ANSWER);
            return r;
        }
        if (!inUse(q.getName()) && !q.getName().equals(zone)) {
            r.getHeader().setRcode(Rcode.NXDOMAIN);
            return r;
        }
        for (Record rec : rrset(q.getName(), q.getType())) r.addRecord(rec, Section.ANSWER);
        return r;
    }

    /** A name exists when it or a name below it holds records (empty non-terminals exist). */
    private boolean inUse(Name name) {
        Map.Entry<Name, Map<Integer, List<Record>>> e = data.ceilingEntry(name);
        // Canonical order puts a name right before the names below it.
        return e != null && e.getKey().subdomain(name);
    }

    private Message update(Message m) {
        List<Record> zones = m.getSection(Section.ZONE);
        if (zones.size() != 1 || zones.get(0).getType() != Type.SOA) return reply(m, Rcode.FORMERR);
        if (!zones.get(0).getName().equals(zone)) return reply(m, Rcode.NOTAUTH);
        int rc = prerequisites(m.getSection(Section.PREREQ));
        if (rc != Rcode.NOERROR) {
            rejected++;
            return reply(m, rc);
        }
        List<Record> updates = m.getSection(Section.UPDATE);
        for (Record u : updates) if (!u.getName().subdomain(zone)) return reply(m, Rcode.NOTZONE);
        boolean changed = false;
        for (Record u : updates) changed |= apply(u);
        if (changed) serial++;
        applied++;
        return reply(m, Rcode.NOERROR);
    }

    /** RFC 2136 3.2; every prerequisite is checked before anything is changed. */
    private int prerequisites(List<Record> prereqs) {
        Map<Name, Map<Integer, List<Record>>> valueDependent = new HashMap<>();
        for (Record p : prereqs) {
            if (p.getTTL() != 0) return Rcode.FORMERR;
            if (!p.getName().subdomain(zone)) return Rcode.NOTZONE;
            int cls = p.getDClass();
            if (cls == DClass.ANY) {
                if (p.getType() == Type.ANY) {
                    if (!inUse(p.getName()) && !p.getName().equals(zone)) return Rcode.NXDOMAIN;
                } else if (rrset(p.getName(), p.getType()).isEmpty()) {
                    return Rcode.NXRRSET;
                }
            } else if (cls == DClass.NONE) {
                if (p.getType() == Type.ANY) {
                    if (inUse(p.getName())) return Rcode.YXDOMAIN;
                } else if (!rrset(p.getName(), p.getType()).isEmpty()) {
                    return Rcode.YXRRSET;
                }
            } else if (cls == DClass.IN) {
                valueDependent.computeIfAbsent(p.getName(), k -> new HashMap<>()).computeIfAbsent(p.getType(), k -> new ArrayList<>()).add(p);
            } else {
                return Rcode.FORMERR;
            }
        }
        for (Map.Entry<Name, Map<Integer, List<Record>>> byName : valueDependent.entrySet()) {
            for (Map.Entry<Integer, List<Record>> byType : byName.getValue().entrySet()) {
                if (!sameRdata(byType.getValue(), rrset(byName.getKey(), byType.getKey()))) return Rcode.NXRRSET;
            }
        }
        return Rcode.NOERROR;
    }

    private static boolean sameRdata(List<Record> a, List<Record> b) {
        if (a.size() != b.size()) return false;
        outer:
        for (Record x : a) {
            for (Record y : b) if (Arrays.equals(x.rdataToWireCanonical(), y.rdataToWireCanonical())) continue outer;
            return false;
        }
        return true;
    }

    /** RFC 2136 3.4.2: add (class IN), delete an RRset or a name (class ANY), delete one record (class NONE). */
    private boolean apply(Record u) {
        Name name = u.getName();
        int type = u.getType();
        switch (u.getDClass()) {
            case DClass.IN -> {
                List<Record> rs = new ArrayList<>(rrset(name, type));
                for (Record r : rs) if (Arrays.equals(r.rdataToWireCanonical(), u.rdataToWireCanonical())) return false;
                rs.add(u);
                put(name, type, rs);
                return true;
            }
            case DClass.ANY -> {
                if (type == Type.ANY) return data.remove(name) != null;
                if (rrset(name, type).isEmpty()) return false;
                put(name, type, List.of());
                return true;
            }
            case DClass.NONE -> {
                List<Record> rs = new ArrayList<>(rrset(name, type));
                boolean removed = rs.removeIf(r -> Arrays.equals(r.rdataToWireCanonical(), u.rdataToWireCanonical()));
                if (removed) put(name, type, rs);
                return removed;
            }
            default -> {
                return false;
            }
        }
    }

    private void put(Name name, int type, List<Record> rs) {
        if (rs.isEmpty()) {
            Map<Integer, List<Record>> types = data.get(name);
            if (types == null) return;
            types.remove(type);
            if (types.isEmpty()) data.remove(name);
            return;
        }
        List<Record> withClass = new ArrayList<>(rs.size());
        for (Record r : rs) withClass.add(r.getDClass() == DClass.IN ? r : Record.newRecord(r.getName(), r.getType(), DClass.IN, r.getTTL(), r.rdataToWireCanonical()));
        data.computeIfAbsent(name, k -> new HashMap<>()).put(type, withClass);
    }
}
