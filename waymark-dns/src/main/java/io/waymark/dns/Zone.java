package io.waymark.dns;

import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * One zone as loaded: its origin and every record in it, already checked (one SOA at the apex, NS at
 * the apex, class IN, nothing outside the origin, nothing below a DNAME) and normalised (each RRset a
 * set with one TTL). {@code source} says where it came from, for
 * messages.
 */
public record Zone(Name origin, List<org.xbill.DNS.Record> records, String source) {
    /** Serial, refresh, retry, expire, minimum of the default SOA; minimum = negative TTL (RFC 2308). */
    private static final long DEFAULT_TTL = 3600;
    private static final long DEFAULT_NEGATIVE_TTL = 30;

    public Zone {
        if (origin == null || !origin.isAbsolute()) throw new IllegalArgumentException("zone origin must be an absolute name: " + origin);
        // Duplicates merged, one TTL per RRset (RFC 2181 §5): ZoneFileReader has already warned with file and line.
        records = ZoneNormaliser.normalise(records).records();
        ZoneRules.Problem problem = ZoneRules.check(origin, records);
        if (problem != null) throw new IllegalArgumentException(source + ": " + problem.reason());
    }

    /**
     * A zone holding only a default SOA and NS at its apex: the all-in-one deployment serves its
     * managed names without any zone file. The short SOA minimum keeps negative answers for managed
     * names short-lived (DESIGN.md, Serving).
     */
    public static Zone withDefaults(Name origin) {
        Name ns = concat("ns", origin);
        Name hostmaster = concat("hostmaster", origin);
        SOARecord soa = new SOARecord(origin, DClass.IN, DEFAULT_TTL, ns, hostmaster, 1, 3600, 600, 86400, DEFAULT_NEGATIVE_TTL);
        NSRecord nsRecord = new NSRecord(origin, DClass.IN, DEFAULT_TTL, ns);
        return new Zone(origin, List.of(soa, nsRecord), "default zone " + origin);
    }

    /** {@link #withDefaults(Name)} for an origin given as text, e.g. {@code "waymark.test."}. */
    public static Zone withDefaults(String origin) {
        try {
            return withDefaults(Name.fromString(origin.endsWith(".") ? origin : origin + "."));
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException("not a zone origin: " + origin, e);
        }
    }

    public SOARecord soa() {
        for (org.xbill.DNS.Record r : records) if (r.getType() == Type.SOA) return (SOARecord) r;
        throw new IllegalStateException("zone without SOA passed validation: " + origin);
    }

    private static Name concat(String label, Name origin) {
        try {
            return Name.concatenate(Name.fromString(label), origin);
        } catch (Exception e) {
            throw new IllegalArgumentException("origin too long for a default SOA: " + origin, e);
        }
    }
}
