package io.waymark.dns;

import io.netty.buffer.ByteBuf;

/**
 * The packet handler: one DNS query in, one reply (or nothing) out, straight on Netty buffers.
 * It parses the header, the question and the OPT record, looks the name up in the current
 * snapshot and copies prepared wire bytes; it allocates nothing on the way (the rare dangling-CNAME
 * path aside).
 *
 * <p>Not thread-safe (it keeps per-reply scratch state and a random generator for weighted
 * answers): give each event loop or thread its own instance. Instances are cheap.
 */
public final class QueryResponder {
    static final int HEADER_LENGTH = 12;
    private static final int FLAG_QR = 0x8000;
    private static final int FLAG_AA = 0x0400;
    private static final int FLAG_TC = 0x0200;
    private static final int FLAG_RD = 0x0100;

    static final int RCODE_NOERROR = 0;
    static final int RCODE_FORMERR = 1;
    static final int RCODE_NXDOMAIN = 3;
    static final int RCODE_NOTIMP = 4;
    static final int RCODE_REFUSED = 5;
    static final int RCODE_BADVERS = 16; // extended: needs OPT (RFC 6891 §6.1.3)

    private static final int TYPE_CNAME = 5;
    private static final int TYPE_OPT = 41;
    private static final int TYPE_IXFR = 251;
    private static final int TYPE_AXFR = 252;
    private static final int TYPE_MAILB = 253;
    private static final int TYPE_MAILA = 254;
    private static final int TYPE_ANY = 255;
    private static final int CLASS_IN = 1;
    private static final int CLASS_ANY = 255;
    private static final int OPCODE_QUERY = 0;
    private static final int TCP_MESSAGE_MAX = 65_535;
    /** Names have at most 127 labels; a bound for every label walk. */
    private static final int LABELS_MAX = 128;
    /** CNAME hops followed inside our zones before handing the rest to the resolver. */
    private static final int CNAME_HOPS_MAX = 8;
    private static final int POINTER_TARGET_MAX = 0x3FFF;
    /** RFC 8482 §4.2: answer ANY with one synthesized HINFO "RFC8482" instead of every RRset. */
    private static final byte[] ANY_HINFO = {0, 13, 0, 1, 0, 0, 0x0e, 0x10, 0, 9, 7, 'R', 'F', 'C', '8', '4', '8', '2', 0};

    private final Authority authority;
    private int randomState;

    // Scratch state of the reply being written; reset at the start of every reply.
    private int answerCount;
    private int authorityCount;
    private int additionalCount;
    private int rcode;
    private boolean authoritative;
    private int replyStart;
    /** The snapshot this reply is answered from: read once, so one reply never mixes two snapshots. */
    private ServingSnapshot snapshot;
    /** The query name, copied once and lower-cased: hashing and comparing a byte array beats buffer accessors. */
    private final byte[] qname = new byte[WireNames.NAME_LENGTH_MAX];

    public QueryResponder(Authority authority) {
        this(authority, (int) System.nanoTime());
    }

    /** {@code seed} drives the choice among weighted answer variants (any value; 0 is remapped). */
    public QueryResponder(Authority authority, int seed) {
        if (authority == null) throw new IllegalArgumentException("a responder answers for an authority");
        this.authority = authority;
        this.randomState = seed == 0 ? 0x2545F491 : seed;
    }

    /**
     * Answers {@code query} (its readable bytes) by writing a complete DNS message at {@code reply}'s
     * writer index. Returns false, writing nothing, when nothing must be sent: a reply (QR=1) or a
     * packet too short to carry a header. Never throws on any input; the query's indexes are untouched.
     */
    public boolean respond(ByteBuf query, ByteBuf reply, Transport transport) {
        int base = query.readerIndex();
        int end = query.writerIndex();
        if (end - base < HEADER_LENGTH) return false;
        int flags = query.getUnsignedShort(base + 2);
        if ((flags & FLAG_QR) != 0) return false; // never answer an answer: no reflection loops
        int id = query.getUnsignedShort(base);
        int opcode = (flags >>> 11) & 0xF;
        int rd = flags & FLAG_RD;
        replyStart = reply.writerIndex();
        if (opcode != OPCODE_QUERY) return headerOnly(reply, id, opcode, rd, RCODE_NOTIMP);
        if (query.getUnsignedShort(base + 4) != 1) return headerOnly(reply, id, opcode, rd, RCODE_FORMERR);

        // Question name: uncompressed labels (a pointer here could only point into the header).
        int at = base + HEADER_LENGTH;
        int qnameLength = 0;
        for (int labels = 0; ; labels++) {
            if (at >= end || labels >= LABELS_MAX) return headerOnly(reply, id, opcode, rd, RCODE_FORMERR);
            int len = query.getUnsignedByte(at);
            if ((len & 0xC0) != 0) return headerOnly(reply, id, opcode, rd, RCODE_FORMERR);
            at += len + 1;
            qnameLength += len + 1;
            if (qnameLength > WireNames.NAME_LENGTH_MAX) return headerOnly(reply, id, opcode, rd, RCODE_FORMERR);
            if (len == 0) break;
        }
        if (at + 4 > end) return headerOnly(reply, id, opcode, rd, RCODE_FORMERR);
        int qtype = query.getUnsignedShort(at);
        int qclass = query.getUnsignedShort(at + 2);
        int questionEnd = at + 4;

        // Skip answer and authority records (a query has none, but they are legal), then find OPT.
        int p = questionEnd;
        int skipped = query.getUnsignedShort(base + 6) + query.getUnsignedShort(base + 8);
        for (int i = 0; i < skipped && p >= 0; i++) p = skipRecord(query, p, end);
        if (p < 0) return headerOnly(reply, id, opcode, rd, RCODE_FORMERR);
        boolean edns = false;
        int advertised = 0;
        int ednsVersion = 0;
        int additional = query.getUnsignedShort(base + 10);
        for (int i = 0; i < additional; i++) {
            int nameEnd = skipName(query, p, end);
            if (nameEnd < 0 || nameEnd + 10 > end) return headerOnly(reply, id, opcode, rd, RCODE_FORMERR);
            int type = query.getUnsignedShort(nameEnd);
            int next = skipRecord(query, p, end);
            if (next < 0) return headerOnly(reply, id, opcode, rd, RCODE_FORMERR);
            if (type == TYPE_OPT) {
                // RFC 6891 §6.1.1: one OPT, owned by the root; options are skipped but must be well-formed.
                if (edns || nameEnd != p + 1 || !optionsWellFormed(query, nameEnd + 10, next)) {
                    return headerOnly(reply, id, opcode, rd, RCODE_FORMERR);
                }
                edns = true;
                advertised = query.getUnsignedShort(nameEnd + 2);
                ednsVersion = query.getUnsignedByte(nameEnd + 5);
            }
            p = next;
        }

        snapshot = authority.current();
        answerCount = 0;
        authorityCount = 0;
        additionalCount = 0;
        rcode = RCODE_NOERROR;
        authoritative = false;
        reply.writeZero(HEADER_LENGTH);
        reply.writeBytes(query, base + HEADER_LENGTH, questionEnd - base - HEADER_LENGTH);
        int questionLength = questionEnd - base - HEADER_LENGTH;

        if (edns && ednsVersion != 0) {
            rcode = RCODE_BADVERS;
        } else if (qtype == TYPE_OPT) {
            rcode = RCODE_FORMERR;
        } else if (qclass != CLASS_IN && qclass != CLASS_ANY) {
            rcode = RCODE_REFUSED;
        } else if (qtype == TYPE_AXFR || qtype == TYPE_IXFR) {
            rcode = RCODE_REFUSED; // zone transfer is not served (yet)
        } else if (qtype == TYPE_MAILA || qtype == TYPE_MAILB) {
            rcode = RCODE_NOTIMP;
        } else {
            lookUp(query, base + HEADER_LENGTH, qnameLength, qtype, reply);
        }

        int limit = transport == Transport.TCP ? TCP_MESSAGE_MAX
                : edns ? Math.min(Math.max(advertised, ServingOptions.UDP_PAYLOAD_CLASSIC), snapshot.options().udpPayloadMax())
                : ServingOptions.UDP_PAYLOAD_CLASSIC;
        boolean truncated = false;
        int optLength = edns ? 11 : 0;
        if (reply.writerIndex() - replyStart + optLength > limit) {
            // RFC 2181 §9: drop the whole partial answer and set TC; the client retries over TCP.
            truncated = true;
            reply.writerIndex(replyStart + HEADER_LENGTH + questionLength);
            answerCount = 0;
            authorityCount = 0;
            additionalCount = 0;
        }
        if (edns) writeOpt(reply);
        int replyFlags = FLAG_QR | (opcode << 11) | (authoritative ? FLAG_AA : 0) | (truncated ? FLAG_TC : 0) | rd | (rcode & 0xF);
        reply.setShort(replyStart, id);
        reply.setShort(replyStart + 2, replyFlags);
        reply.setShort(replyStart + 4, 1);
        reply.setShort(replyStart + 6, answerCount);
        reply.setShort(replyStart + 8, authorityCount);
        reply.setShort(replyStart + 10, additionalCount);
        snapshot = null; // do not pin an old snapshot between queries
        return true;
    }

    private void lookUp(ByteBuf query, int qnameOffset, int qnameLength, int qtype, ByteBuf reply) {
        NameTable table = snapshot.table();
        query.getBytes(qnameOffset, qname, 0, qnameLength);
        WireNames.lowerInPlace(qname, 0, qnameLength);
        NameNode node = table.find(qname, 0, qnameLength, WireNames.hash(qname, 0, qnameLength));
        if (node == null) {
            // Closest existing ancestor (the closest encloser): it tells referral, NXDOMAIN or REFUSED.
            NameNode encloser = null;
            int suffix = 0;
            for (int labels = 0; labels < LABELS_MAX && encloser == null; labels++) {
                int len = qname[suffix] & 0xff;
                if (len == 0) break;
                suffix += len + 1;
                encloser = table.find(qname, suffix, qnameLength - suffix, WireNames.hash(qname, suffix, qnameLength - suffix));
            }
            if (encloser == null) {
                rcode = RCODE_REFUSED; // not ours: we are no resolver
                return;
            }
            if (encloser.kind() == NameNode.Kind.DELEGATED) {
                writeReferral(encloser.referral(), reply, HEADER_LENGTH, qnameLength);
                return;
            }
            NameNode wildcard = findWildcard(table, qname, suffix, qnameLength - suffix);
            if (wildcard == null || wildcard.kind() != NameNode.Kind.AUTHORITATIVE) {
                authoritative = true;
                rcode = RCODE_NXDOMAIN;
                writeNegativeSoa(encloser.zone(), reply, HEADER_LENGTH, qnameLength);
                return;
            }
            node = wildcard; // RFC 4592: answer with the wildcard's data, owned by the query name
        }
        answer(table, node, qtype, reply, qnameLength);
    }

    private void answer(NameTable table, NameNode first, int qtype, ByteBuf reply, int qnameLength) {
        NameNode node = first;
        int owner = HEADER_LENGTH; // offset in the reply of the name being answered
        int ownerLength = qnameLength;
        for (int hop = 0; hop <= CNAME_HOPS_MAX; hop++) {
            if (node.kind() == NameNode.Kind.DELEGATED) {
                if (hop == 0) writeReferral(node.referral(), reply, owner, ownerLength);
                return; // a CNAME into a delegation: the resolver follows it from here
            }
            authoritative = true;
            RRsetWire cname = node.cname();
            if (qtype == TYPE_ANY) {
                if (cname != null) answerCount += cname.write(reply, owner, 0);
                else if (node.rrsets().length > 0) writeAnyHinfo(reply, owner);
                else writeNegativeSoa(node.zone(), reply, owner, ownerLength);
                return;
            }
            RRsetWire rrset = node.rrset(qtype);
            if (rrset != null) {
                answerCount += rrset.write(reply, owner, nextRandom());
                return;
            }
            if (cname == null || qtype == TYPE_CNAME) {
                writeNegativeSoa(node.zone(), reply, owner, ownerLength); // NODATA
                return;
            }
            int target = reply.writerIndex() - replyStart + 2 + 10; // pointer, then type..rdlength
            answerCount += cname.write(reply, owner, 0);
            byte[] targetKey = node.cnameTarget();
            if (target + targetKey.length > POINTER_TARGET_MAX) return;
            owner = target;
            ownerLength = targetKey.length;
            NameNode next = table.find(targetKey);
            if (next == null) {
                NameNode encloser = closestEncloser(table, targetKey);
                if (encloser != null && encloser.kind() == NameNode.Kind.AUTHORITATIVE) {
                    rcode = RCODE_NXDOMAIN; // RFC 6604: the rcode describes the last name of the chain
                    writeNegativeSoa(encloser.zone(), reply, owner, ownerLength);
                }
                return;
            }
            node = next;
        }
    }

    /** The wildcard {@code *.<encloser>} if it exists; compares in place, no key is built. */
    private static NameNode findWildcard(NameTable table, byte[] name, int encloser, int encloserLength) {
        if (encloserLength + 2 > WireNames.NAME_LENGTH_MAX) return null;
        int h = WireNames.hashStep(WireNames.hashStep(WireNames.hashStart(), (byte) 1), (byte) '*');
        for (int i = 0; i < encloserLength; i++) h = WireNames.hashStep(h, name[encloser + i]);
        h = WireNames.hashFinish(h);
        return table.findWildcard(name, encloser, encloserLength, h);
    }

    private static NameNode closestEncloser(NameTable table, byte[] key) {
        for (int at = WireNames.parentOffset(key, 0); at >= 0; at = WireNames.parentOffset(key, at)) {
            NameNode n = table.find(WireNames.suffix(key, at));
            if (n != null) return n;
        }
        return null;
    }

    private void writeNegativeSoa(ZoneServing zone, ByteBuf reply, int owner, int ownerLength) {
        authoritative = true;
        authorityCount += zone.negativeSoa().write(reply, owner + ownerLength - zone.apexLength(), 0);
    }

    private void writeReferral(Referral referral, ByteBuf reply, int owner, int ownerLength) {
        authoritative = false; // RFC 1034 §4.3.2: a referral is not an authoritative answer
        authorityCount += referral.ns().write(reply, owner + ownerLength - referral.cutLength(), 0);
        reply.writeBytes(referral.glue());
        additionalCount += referral.glueCount();
    }

    private void writeAnyHinfo(ByteBuf reply, int owner) {
        reply.writeShort(0xC000 | owner);
        reply.writeBytes(ANY_HINFO);
        answerCount++;
    }

    private void writeOpt(ByteBuf reply) {
        reply.writeByte(0); // root owner
        reply.writeShort(TYPE_OPT);
        reply.writeShort(snapshot.options().udpPayloadMax());
        reply.writeInt((rcode >>> 4) << 24); // extended rcode high bits, version 0, no flags
        reply.writeShort(0);
        additionalCount++;
    }

    private boolean headerOnly(ByteBuf reply, int id, int opcode, int rd, int code) {
        reply.writerIndex(replyStart);
        reply.writeShort(id);
        reply.writeShort(FLAG_QR | (opcode << 11) | rd | code);
        reply.writeZero(8);
        return true;
    }

    /** Offset after the name at {@code p} (pointers allowed outside the question), or -1 if malformed. */
    private static int skipName(ByteBuf buf, int p, int end) {
        for (int labels = 0; labels < LABELS_MAX; labels++) {
            if (p >= end) return -1;
            int len = buf.getUnsignedByte(p);
            if ((len & 0xC0) == 0xC0) return p + 2 <= end ? p + 2 : -1;
            if ((len & 0xC0) != 0) return -1;
            p += len + 1;
            if (len == 0) return p <= end ? p : -1;
        }
        return -1;
    }

    private static int skipRecord(ByteBuf buf, int p, int end) {
        int q = skipName(buf, p, end);
        if (q < 0 || q + 10 > end) return -1;
        int next = q + 10 + buf.getUnsignedShort(q + 8);
        return next <= end ? next : -1;
    }

    private static boolean optionsWellFormed(ByteBuf buf, int p, int end) {
        while (p < end) { // each option consumes at least 4 bytes: bounded by the rdata length
            if (p + 4 > end) return false;
            p += 4 + buf.getUnsignedShort(p + 2);
        }
        return p == end;
    }

    /** xorshift32: picks a weighted answer variant; quality is ample for spreading traffic. */
    private int nextRandom() {
        int x = randomState;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        randomState = x;
        return (x * 0x9E3779B9) >>> 12;
    }
}
