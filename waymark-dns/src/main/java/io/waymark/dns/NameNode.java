package io.waymark.dns;

import io.waymark.core.model.RecordSet;

/**
 * Everything served at one name of one snapshot, in wire form. {@code rrsets} is tiny (a name holds
 * a handful of types), so a linear scan beats a map. {@code managed} is the record set an enactor
 * published for this name, if any, kept so it can be read back. {@code cnameTarget} and
 * {@code dnameTarget} are the lower-cased keys of the CNAME and DNAME targets, when the name has one.
 * A delegated node at the cut itself holds the cut's DS RRset, answered from the parent side.
 */
record NameNode(byte[] key, int hash, ZoneServing zone, Kind kind, RRsetWire[] rrsets, byte[] cnameTarget, byte[] dnameTarget, Referral referral, RecordSet managed) {
    enum Kind {
        /** Inside the zone's authority: answer, NODATA or CNAME. */
        AUTHORITATIVE,
        /** At or below a zone cut: the answer is a referral to the child's name servers. */
        DELEGATED
    }

    private static final RRsetWire[] NO_RRSETS = new RRsetWire[0];

    NameNode {
        if (key == null || key.length == 0 || key.length > WireNames.NAME_LENGTH_MAX) throw new IllegalArgumentException("bad name key");
        if (zone == null || kind == null) throw new IllegalArgumentException("a name belongs to a zone and has a kind");
        if (kind == Kind.DELEGATED && referral == null) throw new IllegalArgumentException("a delegated name needs its referral");
        if (rrsets == null) rrsets = NO_RRSETS;
        hash = WireNames.hash(key); // derived, never trusted from the caller; computed once per node
    }

    NameNode(byte[] key, ZoneServing zone, Kind kind, RRsetWire[] rrsets, byte[] cnameTarget, byte[] dnameTarget, Referral referral, RecordSet managed) {
        this(key, 0, zone, kind, rrsets, cnameTarget, dnameTarget, referral, managed);
    }

    static NameNode emptyNonTerminal(byte[] key, ZoneServing zone, Kind kind, Referral referral) {
        return new NameNode(key, zone, kind, NO_RRSETS, null, null, referral, null);
    }

    /** A delegated node at the cut (not below it): DS is answered here, from the parent side (RFC 4035 §3.1.4.1). */
    boolean isCut() {
        return kind == Kind.DELEGATED && key.length == referral.cutLength();
    }

    RRsetWire rrset(int type) {
        for (RRsetWire r : rrsets) if (r.type() == type) return r;
        return null;
    }

    RRsetWire cname() {
        return cnameTarget == null ? null : rrset(org.xbill.DNS.Type.CNAME);
    }

    RRsetWire dname() {
        return dnameTarget == null ? null : rrset(org.xbill.DNS.Type.DNAME);
    }
}
