package io.waymark.dns;

import io.netty.buffer.ByteBuf;

/**
 * The packet handler: one DNS query in, one reply (or nothing) out, straight on Netty buffers.
 * It parses the header, the question and the OPT record, looks the name up in the current
 * snapshot and copies prepared wire bytes; it allocates nothing on the way.
 *
 * <p>One lookup serves the query name and every name a CNAME or DNAME leads to (RFC 1034 §4.3.2):
 * exact match, then the closest encloser decides — a referral at a cut, DNAME synthesis (RFC 6672),
 * a wildcard (RFC 4592), or NXDOMAIN. Each name of a chain is answered once, so a CNAME loop ends
 * with every record of it once.
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
    private static final int FLAG_CD = 0x0010;
    /** The DO bit in the OPT record's TTL field (RFC 3225 §3: copied from query to reply). */
    private static final int EDNS_FLAG_DO = 0x8000;
    private static final int EDNS_OPTION_NSID = 3;

    static final int RCODE_NOERROR = 0;
    static final int RCODE_FORMERR = 1;
    static final int RCODE_NXDOMAIN = 3;
    static final int RCODE_NOTIMP = 4;
    static final int RCODE_REFUSED = 5;
    static final int RCODE_YXDOMAIN = 6;
    static final int RCODE_BADVERS = 16; // extended: needs OPT (RFC 6891 §6.1.3)

    private static final int TYPE_CNAME = 5;
    private static final int TYPE_TXT = 16;
    private static final int TYPE_DS = 43;
    private static final int TYPE_OPT = 41;
    private static final int TYPE_IXFR = 251;
    private static final int TYPE_AXFR = 252;
    private static final int TYPE_MAILB = 253;
    private static final int TYPE_MAILA = 254;
    private static final int TYPE_ANY = 255;
    private static final int CLASS_IN = 1;
    private static final int CLASS_CH = 3;
    private static final int CLASS_ANY = 255;
    private static final int OPCODE_QUERY = 0;
    private static final int TCP_MESSAGE_MAX = 65_535;
    /** Names have at most 127 labels; a bound for every label walk. */
    private static final int LABELS_MAX = 128;
    /** CNAME and DNAME hops followed inside our zones before handing the rest to the resolver. */
    private static final int CNAME_HOPS_MAX = 8;
    private static final int POINTER_TARGET_MAX = 0x3FFF;
    /** Records of one RRset whose targets get additional addresses; beyond this they get none. */
    private static final int TARGETS_MAX = 64;
    /** OPT without options: root owner, type, class, TTL, rdata length. */
    private static final int OPT_LENGTH = 11;
    /** RFC 8482 §4.2: answer ANY with one synthesized HINFO "RFC8482" instead of every RRset. */
    private static final byte[] ANY_HINFO = {0, 13, 0, 1, 0, 0, 0x0e, 0x10, 0, 9, 7, 'R', 'F', 'C', '8', '4', '8', '2', 0};
    /** The CHAOS names that ask a server who it is (RFC 4892 §2), as lower-case keys. */
    private static final byte[] ID_SERVER = {2, 'i', 'd', 6, 's', 'e', 'r', 'v', 'e', 'r', 0};
    private static final byte[] HOSTNAME_BIND = {8, 'h', 'o', 's', 't', 'n', 'a', 'm', 'e', 4, 'b', 'i', 'n', 'd', 0};

    private final Authority authority;
    private int randomState;

    // Scratch state of the reply being written; reset at the start of every reply.
    private int answerCount;
    private int authorityCount;
    private int additionalCount;
    private int rcode;
    private boolean authoritative;
    private int replyStart;
    /** Where optional additional records (addresses of MX, SRV, NS targets) begin, or -1: dropped first when the reply is too large. */
    private int optionalFrom;
    private int additionalBeforeOptional;
    // What the query's OPT asked for.
    private boolean edns;
    private boolean dnssecOk;
    private boolean nsidRequested;
    private int advertised;
    private int ednsVersion;
    /** The snapshot this reply is answered from: read once, so one reply never mixes two snapshots. */
    private ServingSnapshot snapshot;
    /** The query name, copied once and lower-cased: hashing and comparing a byte array beats buffer accessors. */
    private final byte[] qname = new byte[WireNames.NAME_LENGTH_MAX];
    /** The name a DNAME redirected to (RFC 6672 §3.2), built in place. */
    private final byte[] synthesized = new byte[WireNames.NAME_LENGTH_MAX];
    /** The names of the chain answered so far, to answer each once (CNAME loops). */
    private final byte[] chainNames = new byte[WireNames.NAME_LENGTH_MAX * (CNAME_HOPS_MAX + 1)];
    private final int[] chainLengths = new int[CNAME_HOPS_MAX + 1];
    private final int[] targets = new int[TARGETS_MAX];
    /** Where a packed name's RRset is assembled before it goes into the reply in one piece. */
    private final byte[] packedScratch = new byte[PackedNames.SCRATCH_BYTES];
    /** Length of the lower-cased query name in {@link #qname}: RDATA names are also compressed against it. */
    private int qnameLengthNow;

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
        int copied = flags & (FLAG_RD | FLAG_CD); // RFC 1035 §4.1.1 (RD), RFC 6840 §5.9 (CD)
        replyStart = reply.writerIndex();
        edns = false;
        if (query.getUnsignedShort(base + 4) != 1) return headerOnly(reply, id, opcode, copied, RCODE_FORMERR);

        // Question name: uncompressed labels (a pointer here could only point into the header).
        int at = base + HEADER_LENGTH;
        int qnameLength = 0;
        int qnameLabels = 0;
        for (int labels = 0; ; labels++) {
            if (at >= end || labels >= LABELS_MAX) return headerOnly(reply, id, opcode, copied, RCODE_FORMERR);
            int len = query.getUnsignedByte(at);
            if ((len & 0xC0) != 0) return headerOnly(reply, id, opcode, copied, RCODE_FORMERR);
            at += len + 1;
            qnameLength += len + 1;
            if (qnameLength > WireNames.NAME_LENGTH_MAX) return headerOnly(reply, id, opcode, copied, RCODE_FORMERR);
            if (len == 0) break;
            qnameLabels++;
        }
        if (at + 4 > end) return headerOnly(reply, id, opcode, copied, RCODE_FORMERR);
        int qtype = query.getUnsignedShort(at);
        int qclass = query.getUnsignedShort(at + 2);
        int questionEnd = at + 4;
        if (!readOpt(query, base, questionEnd, end)) return headerOnly(reply, id, opcode, copied, RCODE_FORMERR);

        snapshot = authority.current();
        answerCount = 0;
        authorityCount = 0;
        additionalCount = 0;
        optionalFrom = -1;
        rcode = RCODE_NOERROR;
        authoritative = false;
        reply.writeZero(HEADER_LENGTH);
        int questionLength = questionEnd - base - HEADER_LENGTH;
        // Other opcodes: no question in the reply (as BIND), but the OPT when the query had one (RFC 6891 §6.1.1).
        if (opcode != OPCODE_QUERY) {
            rcode = RCODE_NOTIMP;
            return finish(reply, transport, id, opcode, copied, 0, false);
        }
        reply.writeBytes(query, base + HEADER_LENGTH, questionLength);

        if (edns && ednsVersion != 0) {
            rcode = RCODE_BADVERS;
        } else if (qtype == TYPE_OPT) {
            rcode = RCODE_FORMERR;
        } else if (qclass == CLASS_CH) {
            answerChaos(query, base + HEADER_LENGTH, qnameLength, qtype, reply);
        } else if (qclass != CLASS_IN && qclass != CLASS_ANY) {
            rcode = RCODE_REFUSED;
        } else if (qtype == TYPE_AXFR || qtype == TYPE_IXFR) {
            rcode = RCODE_REFUSED; // zone transfer is not served (yet)
        } else if (qtype == TYPE_MAILA || qtype == TYPE_MAILB) {
            rcode = RCODE_NOTIMP;
        } else {
            query.getBytes(base + HEADER_LENGTH, qname, 0, qnameLength);
            WireNames.lowerInPlace(qname, 0, qnameLength);
            qnameLengthNow = qnameLength;
            lookUp(qnameLength, qnameLabels, qtype, reply);
        }
        return finish(reply, transport, id, opcode, copied, questionLength, true);
    }

    /** Sizes the reply for its transport (dropping optional additions, then truncating), adds OPT, writes the header. */
    private boolean finish(ByteBuf reply, Transport transport, int id, int opcode, int copied, int questionLength, boolean question) {
        int limit = transport == Transport.TCP ? TCP_MESSAGE_MAX
                : edns ? Math.min(Math.max(advertised, ServingOptions.UDP_PAYLOAD_CLASSIC), snapshot.options().udpPayloadMax())
                : ServingOptions.UDP_PAYLOAD_CLASSIC;
        int optLength = !edns ? 0 : OPT_LENGTH + (nsidRequested && snapshot.nsidOption() != null ? snapshot.nsidOption().length : 0);
        boolean truncated = false;
        if (reply.writerIndex() - replyStart + optLength > limit && optionalFrom >= 0) {
            // RFC 2181 §9: what is only helpful (addresses of targets) goes before anything is truncated.
            reply.writerIndex(optionalFrom);
            additionalCount = additionalBeforeOptional;
        }
        if (reply.writerIndex() - replyStart + optLength > limit) {
            // RFC 2181 §9: drop the whole partial answer and set TC; the client retries over TCP.
            truncated = true;
            reply.writerIndex(replyStart + HEADER_LENGTH + questionLength);
            answerCount = 0;
            authorityCount = 0;
            additionalCount = 0;
        }
        if (edns) writeOpt(reply);
        int replyFlags = FLAG_QR | (opcode << 11) | (authoritative ? FLAG_AA : 0) | (truncated ? FLAG_TC : 0) | copied | (rcode & 0xF);
        reply.setShort(replyStart, id);
        reply.setShort(replyStart + 2, replyFlags);
        reply.setShort(replyStart + 4, question ? 1 : 0);
        reply.setShort(replyStart + 6, answerCount);
        reply.setShort(replyStart + 8, authorityCount);
        reply.setShort(replyStart + 10, additionalCount);
        snapshot = null; // do not pin an old snapshot between queries
        return true;
    }

    /**
     * Skips answer and authority records (a query has none, but they are legal), then reads the OPT
     * record if any: payload size, version, DO, and whether NSID is asked for. False when malformed.
     */
    private boolean readOpt(ByteBuf query, int base, int questionEnd, int end) {
        int p = questionEnd;
        int skipped = query.getUnsignedShort(base + 6) + query.getUnsignedShort(base + 8);
        for (int i = 0; i < skipped && p >= 0; i++) p = skipRecord(query, p, end);
        if (p < 0) return false;
        dnssecOk = false;
        nsidRequested = false;
        advertised = 0;
        ednsVersion = 0;
        int additional = query.getUnsignedShort(base + 10);
        for (int i = 0; i < additional; i++) {
            int nameEnd = skipName(query, p, end);
            if (nameEnd < 0 || nameEnd + 10 > end) return false;
            int type = query.getUnsignedShort(nameEnd);
            int next = skipRecord(query, p, end);
            if (next < 0) return false;
            if (type == TYPE_OPT) {
                // RFC 6891 §6.1.1: one OPT, owned by the root; options must be well-formed.
                if (edns || nameEnd != p + 1 || !readOptions(query, nameEnd + 10, next)) return false;
                edns = true;
                advertised = query.getUnsignedShort(nameEnd + 2);
                ednsVersion = query.getUnsignedByte(nameEnd + 5);
                dnssecOk = (query.getUnsignedShort(nameEnd + 6) & EDNS_FLAG_DO) != 0;
            }
            p = next;
        }
        return true;
    }

    private void lookUp(int qnameLength, int qnameLabels, int qtype, ByteBuf reply) {
        NameTable table = snapshot.table();
        byte[] name = qname;
        int nameLength = qnameLength;
        int labels = qnameLabels;
        int owner = HEADER_LENGTH; // where the name being answered sits in the reply
        for (int hop = 0; hop <= CNAME_HOPS_MAX; hop++) {
            if (answeredBefore(name, nameLength, hop, qnameLength)) return; // a loop: every record of it is in already
            long found = table.locate(name, 0, nameLength, WireNames.hash(name, 0, nameLength));
            long encloser = found;
            int encloserAt = 0; // offset in name of the closest encloser
            for (int l = 0; encloser == NameTable.ABSENT && l < LABELS_MAX; l++) {
                int len = name[encloserAt] & 0xff;
                if (len == 0) break;
                encloserAt += len + 1;
                encloser = table.locate(name, encloserAt, nameLength - encloserAt, WireNames.hash(name, encloserAt, nameLength - encloserAt));
            }
            if (encloser == NameTable.ABSENT) {
                if (hop == 0) rcode = RCODE_REFUSED; // not ours: we are no resolver
                return; // a chain leaving our zones: the resolver follows it from here
            }
            // Null for a packed name: authoritative, addresses only, no CNAME or DNAME (PackedNames).
            NameNode richEncloser = table.rich(encloser);
            if (richEncloser != null && richEncloser.kind() == NameNode.Kind.DELEGATED) {
                if (found != NameTable.ABSENT && qtype == TYPE_DS && richEncloser.isCut()) answerDs(richEncloser, reply, owner, labels);
                else writeReferral(richEncloser.referral(), reply, owner, labels);
                return;
            }
            authoritative = true;
            if (found == NameTable.ABSENT) {
                RRsetWire dname = richEncloser == null ? null : richEncloser.dname();
                if (dname != null) {
                    int next = synthesize(richEncloser, dname, name, nameLength, encloserAt, labels, owner, reply);
                    if (next < 0 || qtype == TYPE_CNAME) return; // the synthesized CNAME answers a CNAME query
                    name = synthesized;
                    nameLength = encloserAt + richEncloser.dnameTarget().length;
                    labels = labels - labelCount(richEncloser.key()) + labelCount(richEncloser.dnameTarget());
                    owner = next;
                    continue;
                }
                long wildcard = findWildcard(table, name, encloserAt, nameLength - encloserAt);
                NameNode richWildcard = table.rich(wildcard);
                if (wildcard == NameTable.ABSENT || (richWildcard != null && richWildcard.kind() != NameNode.Kind.AUTHORITATIVE)) {
                    rcode = RCODE_NXDOMAIN; // RFC 6604: the rcode describes the last name of a chain
                    writeNegativeSoa(table.zone(encloser), reply, owner, labels);
                    return;
                }
                found = wildcard; // RFC 4592: answer with the wildcard's data, owned by the name asked
            }
            NameNode node = table.rich(found);
            if (node == null) {
                answerPacked(table, found, qtype, reply, owner, labels);
                return;
            }
            int target = answerAt(node, qtype, reply, owner, labels);
            if (target < 0) return;
            name = node.cnameTarget();
            nameLength = name.length;
            labels = labelCount(name);
            owner = target;
        }
    }

    /** {@link #answerAt} for a packed name: its addresses, NODATA, or ANY's minimal answer; it has no CNAME to chase. */
    private void answerPacked(NameTable table, long name, int qtype, ByteBuf reply, int owner, int labels) {
        if (qtype == TYPE_ANY) {
            if (table.hasData(name)) writeAnyHinfo(reply, owner);
            else writeNegativeSoa(table.zone(name), reply, owner, labels);
            return;
        }
        int written = table.writeRRset(name, qtype, reply, owner, packedScratch);
        if (written < 0) {
            writeNegativeSoa(table.zone(name), reply, owner, labels); // NODATA
            return;
        }
        nextRandom(); // as writeAnswer draws for a node's RRset: the weighted picks that follow stay the same
        answerCount += written;
    }

    /**
     * Answers {@code qtype} at an authoritative node (its data, NODATA, or ANY's minimal answer), or
     * writes its CNAME and returns where the CNAME's target sits in the reply, for the chase to go
     * on from there; -1 when the answer is complete.
     */
    private int answerAt(NameNode node, int qtype, ByteBuf reply, int owner, int labels) {
        RRsetWire cname = node.cname();
        if (qtype == TYPE_ANY) {
            if (cname != null) answerCount += cname.write(reply, replyStart, owner, labels, 0, targets, qname, qnameLengthNow);
            else if (node.rrsets().length > 0) writeAnyHinfo(reply, owner);
            else writeNegativeSoa(node.zone(), reply, owner, labels);
            return -1;
        }
        RRsetWire rrset = node.rrset(qtype);
        if (rrset != null) {
            writeAnswer(rrset, reply, owner, labels);
            return -1;
        }
        if (cname == null || qtype == TYPE_CNAME) {
            writeNegativeSoa(node.zone(), reply, owner, labels); // NODATA
            return -1;
        }
        int target = reply.writerIndex() - replyStart + 2 + 10; // pointer, then type..rdlength
        answerCount += cname.write(reply, replyStart, owner, labels, 0, targets, qname, qnameLengthNow);
        return target + node.cnameTarget().length > POINTER_TARGET_MAX ? -1 : target;
    }

    /**
     * Whether the chain has answered {@code name} already (hop 0 is the query name, still in
     * {@link #qname}); records it otherwise. Only CNAME and DNAME chains get past hop 0.
     */
    private boolean answeredBefore(byte[] name, int length, int hop, int qnameLength) {
        if (hop == 0) return false;
        if (qnameLength == length && java.util.Arrays.equals(qname, 0, length, name, 0, length)) return true;
        for (int i = 1; i < hop; i++) {
            int from = i * WireNames.NAME_LENGTH_MAX;
            if (chainLengths[i] == length && java.util.Arrays.equals(chainNames, from, from + length, name, 0, length)) return true;
        }
        chainLengths[hop] = length;
        System.arraycopy(name, 0, chainNames, hop * WireNames.NAME_LENGTH_MAX, length);
        return false;
    }

    /**
     * RFC 6672 §3.2: the DNAME, then a CNAME from the name asked to the name with the DNAME owner's
     * part replaced by its target, built into {@link #synthesized}. Returns where that new name sits
     * in the reply, or -1 when the chase ends here (YXDOMAIN: the new name would be too long).
     */
    private int synthesize(NameNode encloser, RRsetWire dname, byte[] name, int nameLength, int encloserAt, int labels, int owner, ByteBuf reply) {
        byte[] targetKey = encloser.dnameTarget();
        int ownerLabels = labelCount(encloser.key());
        int dnameOwner = RRsetWire.tailOffset(reply, replyStart, owner, labels - ownerLabels);
        int dnameTarget = reply.writerIndex() - replyStart + 2 + 10; // the DNAME's rdata: its target, uncompressed (§2.5)
        answerCount += dname.write(reply, replyStart, dnameOwner, ownerLabels, 0, targets);
        if (encloserAt + targetKey.length > WireNames.NAME_LENGTH_MAX) {
            rcode = RCODE_YXDOMAIN;
            return -1;
        }
        int next = reply.writerIndex() - replyStart + 2 + 10;
        if (next + encloserAt + 2 > POINTER_TARGET_MAX || dnameTarget > POINTER_TARGET_MAX) return -1;
        // The CNAME: owner the name asked, TTL the DNAME's (§3.3), rdata the asked labels then a pointer to the target.
        reply.writeShort(0xC000 | owner);
        reply.writeShort(TYPE_CNAME);
        reply.writeShort(CLASS_IN);
        reply.writeBytes(dname.data(), dname.offsets()[0] + 4, 4);
        reply.writeShort(encloserAt + 2);
        reply.writeBytes(name, 0, encloserAt);
        reply.writeShort(0xC000 | dnameTarget);
        answerCount++;
        if (name != synthesized) System.arraycopy(name, 0, synthesized, 0, encloserAt);
        System.arraycopy(targetKey, 0, synthesized, encloserAt, targetKey.length);
        return next;
    }

    private void writeAnswer(RRsetWire rrset, ByteBuf reply, int owner, int labels) {
        int written = rrset.write(reply, replyStart, owner, labels, nextRandom(), targets, qname, qnameLengthNow);
        answerCount += written;
        if (rrset.extras() != null) {
            optionalFrom = reply.writerIndex();
            additionalBeforeOptional = additionalCount;
            additionalCount += rrset.writeExtras(reply, replyStart, targets, written);
        }
    }

    /** DS at a cut comes from the parent side, authoritatively (RFC 4035 §3.1.4.1): the RRset, or NODATA. */
    private void answerDs(NameNode cut, ByteBuf reply, int owner, int labels) {
        authoritative = true;
        RRsetWire ds = cut.rrset(TYPE_DS);
        if (ds != null) answerCount += ds.write(reply, replyStart, owner, labels, 0, targets);
        else writeNegativeSoa(cut.zone(), reply, owner, labels);
    }

    /** CHAOS TXT id.server. and hostname.bind. answer the configured identity; everything else in CH is refused. */
    private void answerChaos(ByteBuf query, int qnameOffset, int qnameLength, int qtype, ByteBuf reply) {
        byte[] txt = snapshot.identityTxt();
        query.getBytes(qnameOffset, qname, 0, qnameLength);
        WireNames.lowerInPlace(qname, 0, qnameLength);
        boolean identityName = WireNames.equalsLowered(ID_SERVER, 0, qname, 0, qnameLength) || WireNames.equalsLowered(HOSTNAME_BIND, 0, qname, 0, qnameLength);
        if (txt == null || !identityName || (qtype != TYPE_TXT && qtype != TYPE_ANY)) {
            rcode = RCODE_REFUSED;
            return;
        }
        authoritative = true;
        reply.writeShort(0xC000 | HEADER_LENGTH);
        reply.writeBytes(txt);
        answerCount++;
    }

    /** Labels of a lower-cased key, the root not counted. */
    private static int labelCount(byte[] key) {
        int count = 0;
        for (int at = 0; count < LABELS_MAX && (key[at] & 0xff) != 0; at += (key[at] & 0xff) + 1) count++;
        return count;
    }

    /** The wildcard {@code *.<encloser>} if it exists, or {@link NameTable#ABSENT}; compares in place, no key is built. */
    private static long findWildcard(NameTable table, byte[] name, int encloser, int encloserLength) {
        if (encloserLength + 2 > WireNames.NAME_LENGTH_MAX) return NameTable.ABSENT;
        int h = WireNames.hashStep(WireNames.hashStep(WireNames.hashStart(), (byte) 1), (byte) '*');
        for (int i = 0; i < encloserLength; i++) h = WireNames.hashStep(h, name[encloser + i]);
        h = WireNames.hashFinish(h);
        return table.locateWildcard(name, encloser, encloserLength, h);
    }

    private void writeNegativeSoa(ZoneServing zone, ByteBuf reply, int owner, int labels) {
        authoritative = true;
        int apex = RRsetWire.tailOffset(reply, replyStart, owner, labels - zone.apexLabels());
        authorityCount += snapshot.negativeSoa(zone).write(reply, replyStart, apex, zone.apexLabels(), 0, targets, qname, qnameLengthNow);
    }

    /** RFC 1034 §4.3.2: a referral (not authoritative unless a CNAME of ours led here) with its glue. */
    private void writeReferral(Referral referral, ByteBuf reply, int owner, int labels) {
        int cut = RRsetWire.tailOffset(reply, replyStart, owner, labels - referral.cutLabels());
        RRsetWire ns = referral.ns();
        int written = ns.write(reply, replyStart, cut, referral.cutLabels(), 0, targets, qname, qnameLengthNow);
        authorityCount += written;
        additionalCount += ns.writeExtras(reply, replyStart, targets, written);
    }

    private void writeAnyHinfo(ByteBuf reply, int owner) {
        reply.writeShort(0xC000 | owner);
        reply.writeBytes(ANY_HINFO);
        answerCount++;
    }

    private void writeOpt(ByteBuf reply) {
        byte[] nsid = nsidRequested ? snapshot.nsidOption() : null;
        reply.writeByte(0); // root owner
        reply.writeShort(TYPE_OPT);
        reply.writeShort(snapshot.options().udpPayloadMax());
        reply.writeInt(((rcode >>> 4) << 24) | (dnssecOk ? EDNS_FLAG_DO : 0)); // extended rcode, version 0, DO echoed
        if (nsid == null) {
            reply.writeShort(0);
        } else {
            reply.writeShort(nsid.length);
            reply.writeBytes(nsid);
        }
        additionalCount++;
    }

    /** A header and nothing else, for queries too malformed to say more; OPT when the query's was read. */
    private boolean headerOnly(ByteBuf reply, int id, int opcode, int copied, int code) {
        reply.writerIndex(replyStart);
        reply.writeShort(id);
        reply.writeShort(FLAG_QR | (opcode << 11) | copied | code);
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

    /** Checks the options are well-formed and notes an NSID request (RFC 5001 §2.1: an empty option 3). */
    private boolean readOptions(ByteBuf buf, int p, int end) {
        while (p < end) { // each option consumes at least 4 bytes: bounded by the rdata length
            if (p + 4 > end) return false;
            if (buf.getUnsignedShort(p) == EDNS_OPTION_NSID) nsidRequested = true;
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
