package io.waymark.dns;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * Makes every RRset a set with one TTL, as RFC 2181 requires of what a server sends: a record given
 * twice is kept once (§5: an RRset is a set), and an RRset whose records carry different TTLs is
 * served with the lowest of them for every record (§5.2: receivers treat such an RRset as if every TTL
 * were the lowest). Each change is reported as a finding naming the record, so a loader can warn with
 * file and line; nothing is refused, because both peers (BIND, Knot) load such files too.
 */
final class ZoneNormaliser {
    private ZoneNormaliser() {}

    /** What was changed, at which record (its index in the input). */
    record Finding(int recordIndex, String message) {}

    record Result(List<org.xbill.DNS.Record> records, List<Finding> findings) {}

    private record RRsetKey(Name name, int type, int dclass) {}

    static Result normalise(List<org.xbill.DNS.Record> records) {
        Map<RRsetKey, Long> lowestTtl = new HashMap<>();
        for (org.xbill.DNS.Record r : records) {
            RRsetKey k = new RRsetKey(r.getName(), r.getType(), r.getDClass());
            lowestTtl.merge(k, r.getTTL(), Math::min);
        }
        // dnsjava's Record.equals compares name, type, class and rdata, not the TTL: what a set means here.
        Map<org.xbill.DNS.Record, Integer> seen = new LinkedHashMap<>();
        List<org.xbill.DNS.Record> out = new ArrayList<>(records.size());
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            org.xbill.DNS.Record r = records.get(i);
            Integer earlier = seen.putIfAbsent(r, i);
            if (earlier != null) {
                findings.add(new Finding(i, "duplicate record " + r.getName() + " " + org.xbill.DNS.Type.string(r.getType()) + " " + r.rdataToString()
                        + " dropped (RFC 2181 §5: an RRset is a set)"));
                continue;
            }
            RRsetKey k = new RRsetKey(r.getName(), r.getType(), r.getDClass());
            long ttl = lowestTtl.get(k);
            if (r.getTTL() != ttl) {
                findings.add(new Finding(i, "TTL " + r.getTTL() + " of " + r.getName() + " " + org.xbill.DNS.Type.string(r.getType())
                        + " differs within its RRset; every record of it is served with the lowest, " + ttl + " (RFC 2181 §5.2)"));
                r = withTtl(r, ttl);
            }
            out.add(r);
        }
        return new Result(List.copyOf(out), List.copyOf(findings));
    }

    private static org.xbill.DNS.Record withTtl(org.xbill.DNS.Record r, long ttl) {
        try {
            // Through the text form: the canonical wire form would lower-case names inside the rdata.
            return org.xbill.DNS.Record.fromString(r.getName(), r.getType(), r.getDClass(), ttl, r.rdataToString(), Name.root);
        } catch (java.io.IOException e) {
            return org.xbill.DNS.Record.newRecord(r.getName(), r.getType(), r.getDClass(), ttl, r.rdataToWireCanonical());
        }
    }
}
