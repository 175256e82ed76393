package io.waymark.dns;

/**
 * A delegation's answer: the cut's NS RRset (owner written as a pointer to the cut inside the name
 * asked) whose extras are the glue addresses, each owned by a pointer to its NS target. Glue is part
 * of the referral: when it does not fit, the reply is truncated (RFC 9471). {@code cutLength} is the
 * cut's wire length (a node whose key is that long is the cut itself), {@code cutLabels} its labels.
 */
record Referral(int cutLength, int cutLabels, RRsetWire ns) {
    Referral {
        if (ns.type() != org.xbill.DNS.Type.NS) throw new IllegalArgumentException("a referral carries an NS RRset");
        if (cutLabels < 1) throw new IllegalArgumentException("a cut lies below its zone's apex");
    }
}
