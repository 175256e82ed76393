package io.waymark.dns;

/**
 * A delegation's answer: the cut's NS RRset (owner written as a pointer to the cut inside the query
 * name) and the glue addresses, kept as complete uncompressed records for the additional section.
 */
record Referral(int cutLength, RRsetWire ns, byte[] glue, int glueCount) {
    Referral {
        if (ns.type() != org.xbill.DNS.Type.NS) throw new IllegalArgumentException("a referral carries an NS RRset");
        if (glueCount < 0 || (glueCount == 0) != (glue.length == 0)) throw new IllegalArgumentException("glue count and bytes disagree");
    }
}
