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
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Turns one loaded zone into the nodes a snapshot serves: one node per owner name, one per empty
 * non-terminal (so that NODATA and NXDOMAIN stay apart), delegated nodes at and below every zone
 * cut. Names that belong to a deeper zone we also serve are left to that zone.
 */
final class ZoneNodes {
    private ZoneNodes() {}

    static ZoneServing serving(Zone zone) {
        SOARecord soa = zone.soa();
        long negativeTtl = Math.min(soa.getMinimum(), soa.getTTL());
        return new ZoneServing(zone.origin(), zone.origin().length(), RRsetWire.of(Type.SOA, List.of(soa), negativeTtl, null));
    }

    /** {@code ownedElsewhere} says whether a name belongs to a deeper served zone. */
    static List<NameNode> build(Zone zone, Predicate<Name> ownedElsewhere) {
        ZoneServing serving = serving(zone);
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
        for (Name cut : cuts) referrals.put(cut, referral(cut, byName));

        Map<Name, NameNode> nodes = new LinkedHashMap<>();
        for (Map.Entry<Name, Map<Integer, List<org.xbill.DNS.Record>>> e : byName.entrySet()) {
            Name name = e.getKey();
            Name cut = topmostCut(name, origin, cuts);
            if (cut != null) {
                nodes.put(name, NameNode.emptyNonTerminal(WireNames.key(name), serving, NameNode.Kind.DELEGATED, referrals.get(cut)));
                continue;
            }
            List<RRsetWire> rrsets = new ArrayList<>();
            byte[] cnameTarget = null;
            for (Map.Entry<Integer, List<org.xbill.DNS.Record>> t : e.getValue().entrySet()) {
                rrsets.add(RRsetWire.of(t.getKey(), t.getValue()));
                if (t.getKey() == Type.CNAME) cnameTarget = WireNames.key(((CNAMERecord) t.getValue().get(0)).getTarget());
            }
            nodes.put(name, new NameNode(WireNames.key(name), serving, NameNode.Kind.AUTHORITATIVE, rrsets.toArray(new RRsetWire[0]), cnameTarget, null, null));
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

    private static Referral referral(Name cut, Map<Name, Map<Integer, List<org.xbill.DNS.Record>>> byName) {
        List<org.xbill.DNS.Record> ns = byName.get(cut).get(Type.NS);
        List<byte[]> glue = new ArrayList<>();
        int glueBytes = 0;
        for (org.xbill.DNS.Record r : ns) {
            Name target = ((NSRecord) r).getTarget();
            Map<Integer, List<org.xbill.DNS.Record>> data = byName.get(target);
            if (data == null) continue;
            for (int type : new int[] {Type.A, Type.AAAA}) {
                for (org.xbill.DNS.Record g : data.getOrDefault(type, List.of())) {
                    byte[] wire = g.toWire(org.xbill.DNS.Section.ADDITIONAL);
                    glue.add(wire);
                    glueBytes += wire.length;
                }
            }
        }
        byte[] flat = new byte[glueBytes];
        int at = 0;
        for (byte[] g : glue) {
            System.arraycopy(g, 0, flat, at, g.length);
            at += g.length;
        }
        return new Referral(cut.length(), RRsetWire.of(Type.NS, ns), flat, glue.size());
    }
}
