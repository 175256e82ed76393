package io.waymark.dns;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Turns one loaded zone into the nodes a snapshot serves: one node per owner name, one per empty
 * non-terminal (so that NODATA and NXDOMAIN stay apart), delegated nodes at and below every zone
 * cut (the cut itself keeping its DS). RRsets whose targets this zone holds addresses for (NS, MX,
 * SRV) carry those addresses for the additional section. Names that belong to a deeper zone we also
 * serve are left to that zone.
 */
final class ZoneNodes {
    private ZoneNodes() {}

    /** The SOA of negative answers (RFC 2308 §5: TTL min(SOA minimum, SOA TTL)). */
    static RRsetWire negativeSoa(SOARecord soa) {
        long negativeTtl = Math.min(soa.getMinimum(), soa.getTTL());
        return RRsetWire.of(Type.SOA, List.of(soa), negativeTtl, null);
    }

    /** {@code index} is the zone's place in its snapshot; {@code ownedElsewhere} says whether a name belongs to a deeper served zone. */
    static List<NameNode> build(Zone zone, int index, Predicate<Name> ownedElsewhere) {
        ZoneServing serving = new ZoneServing(zone.origin(), zone.origin().length(), index);
        Name origin = zone.origin();
        // Records grouped by owner then type, in file order within an RRset.
        Map<Name, Map<Integer, List<org.xbill.DNS.Record>>> byName = new LinkedHashMap<>();
        for (org.xbill.DNS.Record r : zone.records()) {
            if (ownedElsewhere.test(r.getName())) continue;
            byName.computeIfAbsent(r.getName(), n -> new TreeMap<>()).computeIfAbsent(r.getType(), t -> new ArrayList<>()).add(r);
        }
        Set<Name> cuts = new HashSet<>();
        for (Map.Entry<Name, Map<Integer, List<org.xbill.DNS.Record>>> e : byName.entrySet()) {
            if (!e.getKey().equals(origin) && e.getValue().containsKey(Type.NS)) cuts.add(e.getKey());
        }
        Map<Name, Referral> referrals = new LinkedHashMap<>();
        for (Name cut : cuts) referrals.put(cut, referral(cut, byName, origin, cuts));

        Map<Name, NameNode> nodes = new LinkedHashMap<>();
        for (Map.Entry<Name, Map<Integer, List<org.xbill.DNS.Record>>> e : byName.entrySet()) {
            Name name = e.getKey();
            Name cut = topmostCut(name, origin, cuts);
            if (cut != null) {
                // The parent holds the DS of its cuts (RFC 4034 §5): the cut's node answers DS itself.
                List<org.xbill.DNS.Record> ds = name.equals(cut) ? e.getValue().get(Type.DS) : null;
                RRsetWire[] rrsets = ds == null ? null : new RRsetWire[] {RRsetWire.of(Type.DS, ds)};
                nodes.put(name, new NameNode(WireNames.key(name), serving, NameNode.Kind.DELEGATED, rrsets, null, null, referrals.get(cut), null));
                continue;
            }
            List<RRsetWire> rrsets = new ArrayList<>();
            byte[] cnameTarget = null;
            byte[] dnameTarget = null;
            for (Map.Entry<Integer, List<org.xbill.DNS.Record>> t : e.getValue().entrySet()) {
                int type = t.getKey();
                RRsetWire[] extras = RRsetWire.targetOffset(type) >= 0 ? extras(t.getValue(), byName, origin, cuts, false) : null;
                rrsets.add(RRsetWire.of(type, t.getValue(), -1, null, extras));
                if (type == Type.CNAME) cnameTarget = WireNames.key(((CNAMERecord) t.getValue().get(0)).getTarget());
                if (type == Type.DNAME) dnameTarget = WireNames.key(((DNAMERecord) t.getValue().get(0)).getTarget());
            }
            nodes.put(name, new NameNode(WireNames.key(name), serving, NameNode.Kind.AUTHORITATIVE, rrsets.toArray(new RRsetWire[0]), cnameTarget, dnameTarget, null, null));
        }
        // Empty non-terminals: every ancestor of an owner up to the apex exists (RFC 4592 §2.2.2).
        List<Name> owners = new ArrayList<>(nodes.keySet());
        for (Name owner : owners) {
            for (int labels = owner.labels() - 1; labels > origin.labels(); labels--) {
                Name ancestor = new Name(owner, owner.labels() - labels);
                if (nodes.containsKey(ancestor) || ownedElsewhere.test(ancestor)) continue;
                Name cut = topmostCut(ancestor, origin, cuts);
                nodes.put(ancestor, cut != null
                        ? NameNode.emptyNonTerminal(WireNames.key(ancestor), serving, NameNode.Kind.DELEGATED, referrals.get(cut))
                        : NameNode.emptyNonTerminal(WireNames.key(ancestor), serving, NameNode.Kind.AUTHORITATIVE, null));
            }
        }
        return List.copyOf(nodes.values());
    }

    /** The cut nearest the apex at or above {@code name}: everything below it is the child's. */
    private static Name topmostCut(Name name, Name origin, Set<Name> cuts) {
        if (cuts.isEmpty()) return null;
        Name found = null;
        for (int skip = 0; name.labels() - skip > origin.labels(); skip++) {
            Name candidate = new Name(name, skip);
            if (cuts.contains(candidate)) found = candidate;
        }
        return found;
    }

    private static Referral referral(Name cut, Map<Name, Map<Integer, List<org.xbill.DNS.Record>>> byName, Name origin, Set<Name> cuts) {
        List<org.xbill.DNS.Record> ns = byName.get(cut).get(Type.NS);
        return new Referral(cut.length(), cut.labels() - 1, RRsetWire.of(Type.NS, ns, -1, null, extras(ns, byName, origin, cuts, true)));
    }

    /**
     * Per record of an NS, MX or SRV RRset, the A and AAAA records of its target held in this zone, for
     * the additional section (RFC 1035 §3.3.9, §3.3.11; RFC 2782); null where there are none or the
     * target came earlier in the RRset. Glue (addresses at or below a cut) only for referrals: below a
     * cut the child is authoritative, so an answer does not vouch for them.
     */
    private static RRsetWire[] extras(List<org.xbill.DNS.Record> rrset, Map<Name, Map<Integer, List<org.xbill.DNS.Record>>> byName,
            Name origin, Set<Name> cuts, boolean glue) {
        RRsetWire[] extras = new RRsetWire[rrset.size()];
        Set<Name> targets = new HashSet<>();
        boolean any = false;
        for (int i = 0; i < extras.length; i++) {
            Name target = rrset.get(i).getAdditionalName();
            if (target == null || !targets.add(target)) continue;
            Map<Integer, List<org.xbill.DNS.Record>> data = byName.get(target);
            if (data == null || (!glue && topmostCut(target, origin, cuts) != null)) continue;
            List<org.xbill.DNS.Record> addresses = new ArrayList<>(data.getOrDefault(Type.A, List.of()));
            addresses.addAll(data.getOrDefault(Type.AAAA, List.of()));
            if (addresses.isEmpty()) continue;
            extras[i] = RRsetWire.of(Type.A, addresses); // A then AAAA; the type only labels the group
            any = true;
        }
        return any ? extras : null;
    }
}
