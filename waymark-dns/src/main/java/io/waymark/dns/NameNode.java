package io.waymark.dns;

import io.waymark.core.model.RecordSet;

/**
 * Everything served at one name of one snapshot, in wire form. {@code rrsets} is tiny (a name holds
 * a handful of types), so a linear scan beats a map. {@code managed} is the record set an enactor
 * published for this name, if any, kept so it can be read back.
 */
record NameNode(byte[] key, int hash, ZoneServing zone, Kind kind, RRsetWire[] rrsets, byte[] cnameTarget, Referral referral, RecordSet managed) {
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

    NameNode(byte[] key, ZoneServing zone, Kind kind, RRsetWire[] rrsets, byte[] cnameTarget, Referral referral, RecordSet managed) {
        this(key, 0, zone, kind, rrsets, cnameTarget, referral, managed);
    }

    static NameNode emptyNonTerminal(byte[] key, ZoneServing zone, Kind kind, Referral referral) {
        return new NameNode(key, zone, kind, NO_RRSETS, null, referral, null);
    }

    RRsetWire rrset(int type) {
        for (RRsetWire r : rrsets) if (r.type() == type) return r;
        return null;
    }

    RRsetWire cname() {
        return cnameTarget == null ? null : rrset(org.xbill.DNS.Type.CNAME);
    }
}
