package io.waymark.dns;

import org.xbill.DNS.Name;

/**
 * What every negative answer of a zone needs: the apex length (to point at the apex inside the
 * query name) and its SOA with the negative TTL, min(SOA minimum, SOA TTL) per RFC 2308 §5.
 */
record ZoneServing(Name origin, int apexLength, RRsetWire negativeSoa) {
    ZoneServing {
        if (apexLength != origin.length()) throw new IllegalArgumentException("apex length must be the origin's wire length");
        if (negativeSoa.type() != org.xbill.DNS.Type.SOA || negativeSoa.recordCount() != 1) throw new IllegalArgumentException("negative answers carry exactly one SOA");
    }

    /** Labels of the apex, the root not counted. */
    int apexLabels() {
        return origin.labels() - 1;
    }
}
