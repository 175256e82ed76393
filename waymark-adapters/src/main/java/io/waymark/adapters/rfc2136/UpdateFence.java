package io.waymark.adapters.rfc2136;

import io.waymark.adapters.rfc2136.StampText.Served;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.port.ApplyOutcome;
import io.waymark.core.port.ConditionalApply;
import io.waymark.core.port.StampedRecords;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * An RFC 2136 UPDATE to a server that serves a Waymark record store, turned into ONE compare-and-set on
 * that store: the fence that lets other writers — another Waymark's {@link Rfc2136RecordStore}, nsupdate,
 * ExternalDNS's rfc2136 provider, octoDNS — change managed endpoints only as Waymark's own enactors do.
 *
 * <p><b>What an UPDATE may touch.</b> Managed endpoints only (the {@code refusal} function says which
 * names are; everything else — names of the zone files, names not configured — is refused: the zone
 * files are the only source of that data, and a change the record store does not hold would not
 * survive a restart). At an endpoint, its A and AAAA RRsets; at its stamp name {@code _waymark.<endpoint>},
 * the stamp TXT RRset, in the form {@link StampRecords} serves it. Prerequisites may also say "the zone
 * apex is in use" (the RFC 2136 store's probe).
 *
 * <p><b>The fence.</b> Every endpoint the update section touches must be named by a stamp prerequisite:
 * the value-dependent "RRset exists" with every record of the stamp RRset now served, or "RRset does
 * not exist" for a never-written endpoint. Without one the UPDATE is refused (REFUSED: a policy refusal,
 * RFC 2136 §3.3 — retrying the same message can never help, unlike NXRRSET); with a stale one its
 * prerequisite fails (NXRRSET or YXRRSET, §3.2.5), so the writer re-reads and decides again. The update
 * section must leave each endpoint with a valid stamp of a newer generation whose digest matches the
 * addresses written, at least one address, and an address in every family it serves now (DESIGN I1):
 * a third party can never blank a managed name, move it back, or leave records its stamp does not name.
 *
 * <p><b>All or nothing.</b> All endpoints of the message land in one
 * {@link Store#applyAllOrNothing} (one durable commit) or none does. The prerequisites are checked on a
 * read of the store; the store's compare-and-set on exactly the stamps read makes the check and the
 * write one atomic step for every endpoint written (a stamp prerequisite on an endpoint that is only
 * checked, not written, is checked on the read alone).
 */
public final class UpdateFence {
    /** Endpoints one UPDATE may name: as many as a plan holds, and a 64 KiB message holds fewer anyway. */
    public static final int ENDPOINTS_MAX = Rfc2136RecordStore.BATCH_APPLIES_MAX;

    /** The store behind the server: reads, and the all-or-nothing compare-and-set. */
    public interface Store {
        StampedRecords read(Endpoint endpoint);

        /** See {@link io.waymark.adapters.record.EmbeddedRecordStore#applyAllOrNothing}. */
        List<ApplyOutcome> applyAllOrNothing(List<ConditionalApply> applies);
    }

    /** The response code and, unless NOERROR, why; with the endpoints the message named. */
    public record Decision(int rcode, String reason, List<Endpoint> endpoints) {
        public Decision {
            if (reason == null || endpoints == null) throw new IllegalArgumentException("a decision has a reason (empty when applied) and its endpoints");
            endpoints = List.copyOf(endpoints);
        }

        public boolean applied() {
            return rcode == Rcode.NOERROR;
        }
    }

    private final Store store;
    private final Function<Endpoint, Optional<String>> refusal;

    /** {@code refusal}: why a name is not a managed endpoint this server takes UPDATEs for, or empty when it is. */
    public UpdateFence(Store store, Function<Endpoint, Optional<String>> refusal) {
        if (store == null || refusal == null) throw new IllegalArgumentException("an update fence needs a store and a refusal rule");
        this.store = store;
        this.refusal = refusal;
    }

    /** One endpoint's part of the message: what it holds now and what the update section makes of it. */
    private static final class Part {
        final Endpoint endpoint;
        final StampedRecords current;
        final EndpointState before;
        final List<List<String>> txt;
        final List<Served> served;
        boolean stampNamed;
        boolean written;
        /** Value-dependent prerequisites, compared as whole RRsets after all were collected (§3.2.5). */
        final Map<Integer, List<Record>> values = new LinkedHashMap<>();

        Part(Endpoint endpoint, StampedRecords current) {
            this.endpoint = endpoint;
            this.current = current;
            this.before = stateOf(current);
            this.txt = new ArrayList<>(before.txt());
            this.served = new ArrayList<>(before.served());
        }
    }

    /** Thrown inside the fence to end the message with a response code; never leaves this class. */
    private static final class Refused extends Exception {
        final int rcode;

        Refused(int rcode, String reason) {
            super(reason, null, false, false);
            this.rcode = rcode;
        }
    }

    /** Decides and, when every check passes, applies; returns only once the write is durable. */
    public Decision apply(Name zone, List<Record> prerequisites, List<Record> updates) {
        Map<Endpoint, Part> parts = new LinkedHashMap<>();
        try {
            for (Record r : prerequisites) if (!apexInUse(zone, r)) part(parts, r);
            for (Record r : updates) part(parts, r).written = true;
            for (Record r : prerequisites) if (!apexInUse(zone, r)) prerequisite(parts, r);
            for (Part p : parts.values()) checkValues(p);
            for (Part p : parts.values()) {
                if (p.written && !p.stampNamed) {
                    throw new Refused(Rcode.REFUSED, "changes managed endpoint " + p.endpoint + " without naming its current stamp: add the prerequisite that "
                            + StampRecords.name(p.endpoint) + " TXT is exactly " + (p.before.txt().isEmpty() ? "absent (\"nxrrset\")" : p.before.raw()));
                }
            }
            for (Record r : updates) update(parts, r);
            List<ConditionalApply> applies = new ArrayList<>();
            for (Part p : parts.values()) if (p.written) applies.add(conditional(p));
            if (applies.isEmpty()) return new Decision(Rcode.NOERROR, "", List.copyOf(parts.keySet()));
            try {
                ConditionalApply.requireValid(applies);
            } catch (IllegalArgumentException e) {
                throw new Refused(Rcode.REFUSED, "fails the record store's validation: " + e.getMessage());
            }
            List<ApplyOutcome> outcomes = store.applyAllOrNothing(applies);
            for (int i = 0; i < outcomes.size(); i++) {
                if (outcomes.get(i) != ApplyOutcome.APPLIED) {
                    // The stamp changed between the read and the compare-and-set (another writer won): a failed prerequisite.
                    throw new Refused(Rcode.NXRRSET, "the stamp of " + applies.get(i).endpoint() + " changed while this UPDATE was decided (" + outcomes.get(i) + "); nothing written");
                }
            }
            return new Decision(Rcode.NOERROR, "", List.copyOf(parts.keySet()));
        } catch (Refused r) {
            return new Decision(r.rcode, r.getMessage(), List.copyOf(parts.keySet()));
        }
    }

    /** RFC 2136 §2.4.4 "name is in use" at the apex: true, the apex holds the SOA (the RFC 2136 store's probe sends it). */
    private static boolean apexInUse(Name zone, Record r) {
        return r.getName().equals(zone) && r.getDClass() == DClass.ANY && r.getType() == Type.ANY;
    }

    /** The endpoint a record belongs to (its name, or the name under its stamp label), read once per message. */
    private Part part(Map<Endpoint, Part> parts, Record r) throws Refused {
        boolean stampName = isStampName(r.getName());
        Name owner = stampName ? new Name(r.getName(), 1) : r.getName();
        Endpoint endpoint;
        try {
            endpoint = Endpoint.of(owner.toString().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Refused(Rcode.REFUSED, owner + " is not a managed endpoint (" + e.getMessage() + ")");
        }
        Part p = parts.get(endpoint);
        if (p != null) return p;
        Optional<String> why = refusal.apply(endpoint);
        if (why.isPresent()) throw new Refused(Rcode.REFUSED, owner + " is not a managed endpoint: " + why.get() + "; only managed endpoints and their stamps can be updated here");
        if (parts.size() >= ENDPOINTS_MAX) throw new Refused(Rcode.REFUSED, "names more than " + ENDPOINTS_MAX + " endpoints");
        p = new Part(endpoint, store.read(endpoint));
        parts.put(endpoint, p);
        return p;
    }

    private static boolean isStampName(Name name) {
        return name.labels() > 2 && name.getLabelString(0).toLowerCase(Locale.ROOT).equals(StampText.LABEL);
    }

    /** Which type a record may have at its name: TXT at a stamp name, A or AAAA at an endpoint. */
    private static void checkType(Record r, boolean allowAny) throws Refused {
        int t = r.getType();
        boolean ok = isStampName(r.getName()) ? t == Type.TXT : (t == Type.A || t == Type.AAAA);
        if (!ok && !(allowAny && t == Type.ANY && isStampName(r.getName()))) {
            throw new Refused(Rcode.REFUSED, Type.string(t) + " at " + r.getName() + " cannot be updated or named here: only A and AAAA at a managed endpoint and TXT at its stamp name "
                    + StampText.LABEL + ".<endpoint>");
        }
    }

    /** RFC 2136 §3.2: one prerequisite against what the store holds now. */
    private void prerequisite(Map<Endpoint, Part> parts, Record r) throws Refused {
        Part p = part(parts, r);
        checkType(r, true);
        boolean stamp = isStampName(r.getName());
        int type = r.getType();
        boolean exists = type == Type.ANY ? !p.before.txt().isEmpty() : !rrset(p.before.txt(), p.before.served(), stamp, type).isEmpty();
        int c = r.getDClass();
        if (stamp && type == Type.TXT && (c == DClass.IN || c == DClass.NONE)) p.stampNamed = true;
        if (c == DClass.ANY && !exists) throw new Refused(type == Type.ANY ? Rcode.NXDOMAIN : Rcode.NXRRSET, r.getName() + " " + Type.string(type) + " does not exist");
        if (c == DClass.NONE && exists) throw new Refused(type == Type.ANY ? Rcode.YXDOMAIN : Rcode.YXRRSET, r.getName() + " " + Type.string(type) + " exists");
        if (c == DClass.IN) p.values.computeIfAbsent(stamp ? -type : type, k -> new ArrayList<>()).add(r);
    }

    /** RFC 2136 §3.2.3: each value-dependent prerequisite names an RRset exactly, every record and no more. */
    private static void checkValues(Part p) throws Refused {
        for (Map.Entry<Integer, List<Record>> e : p.values.entrySet()) {
            boolean stamp = e.getKey() < 0;
            int type = Math.abs(e.getKey());
            List<String> now = rrset(p.before.txt(), p.before.served(), stamp, type);
            List<String> named = new ArrayList<>();
            for (Record r : e.getValue()) if (!named.contains(value(r))) named.add(value(r));
            if (!(now.size() == named.size() && now.containsAll(named))) {
                throw new Refused(Rcode.NXRRSET, (stamp ? StampRecords.name(p.endpoint) : p.endpoint.name()) + " " + Type.string(type) + " is not what the prerequisite names (stale stamp"
                        + (stamp ? "; it is now " + (p.before.txt().isEmpty() ? "absent" : p.before.raw()) : "") + ")");
            }
        }
    }

    /** A prerequisite record's value as {@link #rrset} writes it: addresses as Java prints them, TXT in presentation form. */
    private static String value(Record r) {
        if (r instanceof ARecord a) return a.getAddress().getHostAddress();
        if (r instanceof AAAARecord a) return a.getAddress().getHostAddress();
        return r.rdataToString();
    }

    /** The RRset of {@code type} in presentation form (rdata only): TXT from the stamp records, A/AAAA from the addresses. */
    private static List<String> rrset(List<List<String>> txt, List<Served> served, boolean stamp, int type) {
        List<String> out = new ArrayList<>();
        if (stamp) {
            for (List<String> strings : txt) out.add(new TXTRecord(Name.root, DClass.IN, 0, strings).rdataToString());
            return out;
        }
        for (Served s : served) if ((s.address() instanceof Inet4Address) == (type == Type.A)) out.add(s.address().getHostAddress());
        return out;
    }

    /** RFC 2136 §3.4.2: one update, applied to the working copy of its endpoint. */
    private void update(Map<Endpoint, Part> parts, Record r) throws Refused {
        Part p = part(parts, r);
        boolean stamp = isStampName(r.getName());
        if (r.getType() == Type.ANY && !stamp) {
            throw new Refused(Rcode.REFUSED, "deleting every RRset at managed endpoint " + r.getName() + " would delete what the zone file holds there: delete its A and AAAA RRsets instead");
        }
        checkType(r, true);
        int c = r.getDClass();
        if (stamp) {
            if (c == DClass.ANY) p.txt.clear();
            else if (c == DClass.NONE) p.txt.remove(((TXTRecord) r).getStrings());
            else if (!p.txt.contains(((TXTRecord) r).getStrings())) p.txt.add(((TXTRecord) r).getStrings());
            return;
        }
        boolean v4 = r.getType() == Type.A;
        if (c == DClass.ANY) {
            p.served.removeIf(s -> (s.address() instanceof Inet4Address) == v4);
            return;
        }
        InetAddress address = r instanceof ARecord a ? a.getAddress() : ((AAAARecord) r).getAddress();
        p.served.removeIf(s -> s.address().equals(address));
        // §3.4.2.2: an added record joins its RRset; one TTL per RRset (RFC 2181 §5.2), the record set's.
        if (c == DClass.IN) p.served.add(new Served(address, r.getTTL()));
    }

    /** The compare-and-set the message asks for on one endpoint, or why it may not have it. */
    private static ConditionalApply conditional(Part p) throws Refused {
        EndpointState after = new EndpointState(p.txt, p.served);
        if (after.served().isEmpty()) throw new Refused(Rcode.REFUSED, "would leave managed endpoint " + p.endpoint + " with no address (a managed name is never blanked)");
        for (boolean v4 : new boolean[] {true, false}) {
            boolean servedBefore = p.before.served().stream().anyMatch(s -> (s.address() instanceof Inet4Address) == v4);
            boolean servedAfter = after.served().stream().anyMatch(s -> (s.address() instanceof Inet4Address) == v4);
            if (servedBefore && !servedAfter) {
                throw new Refused(Rcode.REFUSED, "would leave managed endpoint " + p.endpoint + " with no " + (v4 ? "IPv4 (A)" : "IPv6 (AAAA)") + " address although it serves that family");
            }
        }
        EndpointState.Decoded d = after.decode();
        Stamp next = d.view().stamp();
        Optional<RecordSet> records = d.view().records();
        if (next.isNone() || next.generation().equals(Generation.ZERO) || d.drift().isPresent() || records.isEmpty()) {
            throw new Refused(Rcode.REFUSED, "would leave " + p.endpoint + " without a valid stamp: the update section must write " + StampRecords.name(p.endpoint)
                    + " TXT as \"" + StampText.STAMP + " g=<generation> h=<plan hash>\" \"r=<digest of the addresses written>\" \"w=<weights>\" and \"" + StampText.HIGH + " g=<generation>\""
                    + d.drift().map(w -> " (" + w + ")").orElse(""));
        }
        Generation high = p.current.retired() ? p.current.retiredAt() : p.current.stamp().generation();
        if (!next.generation().isAfter(high)) {
            throw new Refused(Rcode.REFUSED, "would move " + p.endpoint + " from generation " + high.value() + " to " + next.generation().value() + " (generations only grow)");
        }
        return new ConditionalApply(p.endpoint, p.current.stamp(), next, records.get());
    }

    /** What a store's endpoint looks like as a server serving it holds it: the stamp RRset and the addresses. */
    private static EndpointState stateOf(StampedRecords current) {
        if (current.stamp().isNone() || current.records().isEmpty()) return EndpointState.EMPTY;
        return new EndpointState(StampRecords.txt(current.stamp(), current.records().get()), StampText.served(current.records().get()));
    }
}
