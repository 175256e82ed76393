package io.waymark.dns;

import org.xbill.DNS.Name;

/**
 * What every negative answer of a zone needs: the apex length (to point at the apex inside the
 * query name) and where the snapshot keeps its SOA with the negative TTL, min(SOA minimum, SOA TTL)
 * per RFC 2308 §5. The SOA itself is per snapshot ({@link ServingSnapshot#negativeSoa}): its serial
 * moves with every change, while this value is shared by every node of the zone and never rebuilt.
 */
record ZoneServing(Name origin, int apexLength, int index) {
    ZoneServing {
        if (apexLength != origin.length()) throw new IllegalArgumentException("apex length must be the origin's wire length");
        if (index < 0) throw new IllegalArgumentException("zone index must be non-negative");
    }

    /** Labels of the apex, the root not counted. */
    int apexLabels() {
        return origin.labels() - 1;
    }
}
