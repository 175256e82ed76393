package io.waymark.dns;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * Answers RFC 2136 UPDATE messages: checks the form (§3.1 zone section, §3.2.1/§3.2.4 prerequisites,
 * §3.4.1 prescan of the update section), the TSIG signature (RFC 8945) against the one configured key,
 * and hands what passes to the {@link UpdateTarget}, whose verdict becomes the response code. An
 * unsigned UPDATE, or one signed with another key, a wrong MAC or a time outside the fudge, is answered
 * NOTAUTH, logged, and never reaches the target: nothing changes. Replies to verified messages are
 * signed (RFC 8945 §5.3); error replies carry the TSIG error (BADKEY, BADSIG, BADTIME) as §5.2 says.
 * dnsjava parses and builds the messages: UPDATE is not the query path.
 */
final class ZoneUpdates {
    private static final Logger log = LoggerFactory.getLogger(ZoneUpdates.class);
    private static final int HEADER_LENGTH = 12;
    /** The sections of an UPDATE (RFC 2136 §2): zone, prerequisite, update, additional. */
    private static final int ZONE = Section.QUESTION;
    private static final int PREREQUISITES = Section.ANSWER;
    private static final int UPDATES = Section.AUTHORITY;

    /** Refusals logged per second at most; a flood of bad UPDATEs is counted, not written out line by line. */
    static final int REFUSALS_LOGGED_PER_SECOND = 10;

    private final Authority authority;
    private final UpdatePolicy policy;
    private final LogThrottle refusals = new LogThrottle(REFUSALS_LOGGED_PER_SECOND, System::nanoTime);

    ZoneUpdates(Authority authority, UpdatePolicy policy) {
        if (authority == null || policy == null || !policy.enabled()) throw new IllegalArgumentException("UPDATE handling needs an authority and an enabled policy");
        this.authority = authority;
        this.policy = policy;
    }

    private void refusal(boolean warn, String format, Object... args) {
        long dropped = refusals.admit();
        if (dropped < 0) return;
        String line = format + LogThrottle.suffix(dropped);
        if (warn) log.warn(line, args);
        else log.info(line, args);
    }

    /** Whether {@code message} is an UPDATE request (opcode 5, QR clear): a look at the header only. */
    static boolean isUpdate(ByteBuf message) {
        int base = message.readerIndex();
        if (message.writerIndex() - base < HEADER_LENGTH) return false;
        int flags = message.getUnsignedShort(base + 2);
        return (flags & 0x8000) == 0 && ((flags >>> 11) & 0xF) == Opcode.UPDATE;
    }

    /** The reply (wire form); never throws. Returns only once the target's change, if any, is durable. */
    byte[] answer(byte[] wire, InetAddress source) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            refusal(false, "UPDATE from {} refused: FORMERR, not a DNS message ({})", source.getHostAddress(), e.getMessage());
            return headerOnly(wire, Rcode.FORMERR);
        }
        List<Record> zoneSection = query.getSection(ZONE);
        String zoneText = zoneSection.size() == 1 ? zoneSection.get(0).getName().toString() : "(no zone)";
        TSIGRecord queryTsig = query.getTSIG();
        if (queryTsig == null) {
            refusal(false, "UPDATE of {} from {} refused: NOTAUTH, not signed (a TSIG key is required)", zoneText, source.getHostAddress());
            return reply(query, Rcode.NOTAUTH).toWire();
        }
        int verdict = policy.tsig().verify(query, wire, null);
        if (verdict != Rcode.NOERROR) {
            refusal(false, "UPDATE of {} from {} refused: NOTAUTH, TSIG {} (key {})", zoneText, source.getHostAddress(), Rcode.TSIGstring(verdict), queryTsig.getName());
            return tsigError(query, queryTsig, verdict).toWire();
        }
        int rcode;
        String reason;
        try {
            UpdateTarget.Verdict v = check(query, zoneSection, source, queryTsig.getName());
            rcode = v.rcode();
            reason = v.reason();
        } catch (RuntimeException e) {
            // The store failed (or a bug): the outcome of this message is SERVFAIL, the client may retry.
            refusal(true, "UPDATE of {} from {} failed: SERVFAIL ({})", zoneText, source.getHostAddress(), e.toString());
            rcode = Rcode.SERVFAIL;
            reason = "";
        }
        if (rcode != Rcode.NOERROR && !reason.isEmpty()) {
            refusal(false, "UPDATE of {} from {} (key {}) refused: {}, {}", zoneText, source.getHostAddress(), queryTsig.getName(), Rcode.string(rcode), reason);
        }
        Message reply = reply(query, rcode);
        policy.tsig().apply(reply, queryTsig);
        return reply.toWire();
    }

    /** RFC 2136 §3.1, §3.2.1, §3.2.4 and §3.4.1, in that order; then the target decides. */
    private UpdateTarget.Verdict check(Message query, List<Record> zoneSection, InetAddress source, Name key) {
        if (zoneSection.size() != 1 || zoneSection.get(0).getType() != Type.SOA) {
            return UpdateTarget.Verdict.refused(Rcode.FORMERR, "the zone section must hold one SOA question (RFC 2136 §3.1.1)");
        }
        Record z = zoneSection.get(0);
        Name zone = z.getName();
        if (z.getDClass() != DClass.IN || !authority.current().origins().contains(zone)) {
            return UpdateTarget.Verdict.refused(Rcode.NOTAUTH, "not authoritative for zone " + zone + " class " + DClass.string(z.getDClass()));
        }
        List<Record> prerequisites = query.getSection(PREREQUISITES);
        for (Record r : prerequisites) {
            if (!r.getName().subdomain(zone)) return UpdateTarget.Verdict.refused(Rcode.NOTZONE, "prerequisite on " + r.getName() + ", outside zone " + zone);
            String bad = prerequisiteForm(r);
            if (bad != null) return UpdateTarget.Verdict.refused(Rcode.FORMERR, "prerequisite " + r + ": " + bad);
        }
        List<Record> updates = query.getSection(UPDATES);
        for (Record r : updates) {
            if (!r.getName().subdomain(zone)) return UpdateTarget.Verdict.refused(Rcode.NOTZONE, "update of " + r.getName() + ", outside zone " + zone);
            String bad = updateForm(r);
            if (bad != null) return UpdateTarget.Verdict.refused(Rcode.FORMERR, "update " + r + ": " + bad);
        }
        return policy.target().apply(new UpdateTarget.Request(zone, prerequisites, updates, key, source));
    }

    /** RFC 2136 §3.2: the forms a prerequisite may take, or why this one is none of them. */
    private static String prerequisiteForm(Record r) {
        if (r.getTTL() != 0) return "TTL must be 0 (§3.2.1)";
        int c = r.getDClass();
        if (c == DClass.ANY || c == DClass.NONE) return hasRdata(r) ? "RDATA must be empty for class " + DClass.string(c) + " (§3.2.1)" : null;
        if (c == DClass.IN) return metaType(r.getType()) || r.getType() == Type.ANY ? "type " + Type.string(r.getType()) + " cannot be a value prerequisite" : null;
        return "class must be IN, ANY or NONE (§3.2)";
    }

    /** RFC 2136 §3.4.1.3: the prescan of the update section. */
    private static String updateForm(Record r) {
        int c = r.getDClass();
        int t = r.getType();
        boolean meta = metaType(t);
        if (c == DClass.IN) return meta || t == Type.ANY ? "type " + Type.string(t) + " cannot be added" : null;
        if (c == DClass.ANY) return r.getTTL() != 0 || hasRdata(r) || meta ? "a deletion of an RRset has TTL 0, no RDATA and a real type" : null;
        if (c == DClass.NONE) return r.getTTL() != 0 || meta || t == Type.ANY ? "a deletion of one record has TTL 0 and a real type" : null;
        return "class must be IN, ANY or NONE (§3.4.1.3)";
    }

    /** Types that name no data (RFC 6895 §3.1's meta types and QTYPEs other than ANY). */
    private static boolean metaType(int t) {
        return t == Type.AXFR || t == Type.IXFR || t == Type.MAILA || t == Type.MAILB || t == Type.OPT || t == Type.TSIG || t == Type.TKEY;
    }

    private static boolean hasRdata(Record r) {
        return r.rdataToWireCanonical().length > 0;
    }

    /** The reply: same ID and zone section (as BIND and Knot answer), QR set, opcode UPDATE. */
    private static Message reply(Message query, int rcode) {
        Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setOpcode(Opcode.UPDATE);
        m.getHeader().setRcode(rcode);
        for (Record z : query.getSection(ZONE)) m.addRecord(z, ZONE);
        return m;
    }

    /**
     * RFC 8945 §5.2: NOTAUTH with a TSIG record carrying the error, unsigned for BADKEY and BADSIG (we
     * cannot or must not sign), signed with our key and our time for BADTIME (§5.2.3).
     */
    private Message tsigError(Message query, TSIGRecord queryTsig, int error) {
        Message m = reply(query, Rcode.NOTAUTH);
        TSIG signer = policy.tsig();
        if (error != Rcode.BADTIME) {
            try {
                // Named as the client named it, so it can tell which key was refused; nothing is signed with it.
                signer = new TSIG(queryTsig.getAlgorithm(), queryTsig.getName(), new byte[32]);
            } catch (IllegalArgumentException unknownAlgorithm) {
                signer = policy.tsig();
            }
        }
        signer.apply(m, error, queryTsig);
        return m;
    }

    /** A reply for a message we cannot or will not look into: its ID and opcode, and {@code rcode}. */
    static byte[] headerOnly(byte[] query, int rcode) {
        byte[] reply = new byte[HEADER_LENGTH];
        if (query.length >= 3) {
            reply[0] = query[0];
            reply[1] = query[1];
            reply[2] = (byte) (0x80 | (query[2] & 0x78)); // QR, the query's opcode
        } else {
            reply[2] = (byte) 0x80;
        }
        reply[3] = (byte) rcode;
        return reply;
    }
}
