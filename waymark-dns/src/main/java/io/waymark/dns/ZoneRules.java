package io.waymark.dns;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** What a zone must satisfy before it is served; each problem is named so an operator can fix it. */
final class ZoneRules {
    private ZoneRules() {}

    /** Returns null when the zone is servable, else the first problem found. */
    static String check(Name origin, List<org.xbill.DNS.Record> records) {
        int soaCount = 0;
        boolean apexNs = false;
        Map<Name, Set<Integer>> typesByName = new HashMap<>();
        for (org.xbill.DNS.Record r : records) {
            if (r.getDClass() != DClass.IN) return "record " + r + " is not class IN";
            if (!r.getName().subdomain(origin)) return "record " + r.getName() + " lies outside the zone origin " + origin;
            if (r.getType() == Type.SOA) {
                if (!r.getName().equals(origin)) return "SOA record at " + r.getName() + " is not at the zone apex " + origin;
                soaCount++;
            }
            if (r.getType() == Type.NS && r.getName().equals(origin)) apexNs = true;
            typesByName.computeIfAbsent(r.getName(), n -> new HashSet<>()).add(r.getType());
        }
        if (soaCount == 0) return "no SOA record at the zone apex " + origin;
        if (soaCount > 1) return "more than one SOA record at the zone apex " + origin;
        if (!apexNs) return "no NS record at the zone apex " + origin;
        for (Map.Entry<Name, Set<Integer>> e : typesByName.entrySet()) {
            // RFC 1034 3.6.2: a CNAME owner has no other data (DNSSEC types aside, which we do not serve).
            if (e.getValue().contains(Type.CNAME) && e.getValue().size() > 1) return "CNAME at " + e.getKey() + " has other data beside it";
        }
        return null;
    }
}
