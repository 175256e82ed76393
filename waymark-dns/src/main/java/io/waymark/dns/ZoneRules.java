package io.waymark.dns;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** What a zone must satisfy before it is served; each problem is named so an operator can fix it. */
final class ZoneRules {
    private ZoneRules() {}

    /** A broken rule, and the index of the record that breaks it (-1 when no single record does). */
    record Problem(String reason, int recordIndex) {}

    /** Returns null when the zone is servable, else the first problem found. */
    static Problem check(Name origin, List<org.xbill.DNS.Record> records) {
        int soaIndex = -1;
        boolean apexNs = false;
        // Per owner: index of its first CNAME and of its first other record, to catch CNAME-and-other-data.
        Map<Name, int[]> cnameAndOther = new HashMap<>();
        java.util.Set<Name> cnameOwners = new java.util.HashSet<>();
        java.util.Set<Name> dnameOwners = new java.util.HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            org.xbill.DNS.Record r = records.get(i);
            if (r.getDClass() != DClass.IN) return new Problem("record " + r.getName() + " is not class IN", i);
            if (!r.getName().subdomain(origin)) return new Problem("record " + r.getName() + " lies outside the zone origin " + origin, i);
            if (r.getType() == Type.SOA) {
                if (!r.getName().equals(origin)) return new Problem("SOA record at " + r.getName() + " is not at the zone apex " + origin, i);
                if (soaIndex >= 0) return new Problem("a second SOA record at the zone apex " + origin, i);
                soaIndex = i;
            }
            if (r.getType() == Type.NS && r.getName().equals(origin)) apexNs = true;
            int[] seen = cnameAndOther.computeIfAbsent(r.getName(), n -> new int[] {-1, -1});
            int slot = r.getType() == Type.CNAME ? 0 : 1;
            if (seen[slot] < 0) seen[slot] = i;
            // RFC 1034 §3.6.2: a CNAME owner has no other data (DNSSEC types aside, which we do not serve).
            if (seen[0] >= 0 && seen[1] >= 0) return new Problem("CNAME at " + r.getName() + " has other data beside it", i);
            // RFC 2181 §10.1 and RFC 6672 §2.4: one CNAME, one DNAME per owner (duplicates are already merged).
            if (r.getType() == Type.CNAME && !cnameOwners.add(r.getName())) return new Problem("a second CNAME at " + r.getName() + " (an alias has one target)", i);
            if (r.getType() == Type.DNAME && !dnameOwners.add(r.getName())) return new Problem("a second DNAME at " + r.getName() + " (a redirection has one target)", i);
        }
        if (!dnameOwners.isEmpty()) {
            for (int i = 0; i < records.size(); i++) {
                Name name = records.get(i).getName();
                for (int skip = 1; skip < name.labels() - origin.labels() + 1; skip++) {
                    Name ancestor = new Name(name, skip);
                    if (dnameOwners.contains(ancestor)) {
                        return new Problem("record " + name + " lies below the DNAME at " + ancestor + ": it could never be served (RFC 6672 §2.4)", i);
                    }
                }
            }
        }
        if (soaIndex < 0) return new Problem("no SOA record at the zone apex " + origin, -1);
        if (!apexNs) return new Problem("no NS record at the zone apex " + origin, -1);
        return null;
    }
}
