package io.waymark.dns;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * Answers AXFR (RFC 5936) and IXFR (RFC 1995) from one snapshot. IXFR: a client at our serial gets
 * (or past it) the SOA alone; one whose serial the snapshot's {@link TransferJournal} can take to ours gets the
 * condensed difference; any other (too old, unknown, or after a restart) the full zone
 * in IXFR form (§4 allows it: SOA, the zone, SOA). Large transfers go out as several messages, each far
 * under the 64 KiB TCP limit. dnsjava builds the messages: this path is rare, the query path does
 * not pass here.
 */
final class ZoneTransfers {
    private static final Logger log = LoggerFactory.getLogger(ZoneTransfers.class);
    /** Uncompressed record bytes per message: compression only shrinks it, so each stays under 64 KiB with the question and a TSIG. */
    static final int MESSAGE_RECORD_BYTES = 16_000;
    private static final int HEADER_LENGTH = 12;
    private static final int LABELS_MAX = 128;
    /** RFC 1035 §4.2.1: a datagram without EDNS carries at most 512 bytes. */
    private static final int UDP_SIZE_PLAIN = 512;

    private final Authority authority;
    private final TransferPolicy policy;

    ZoneTransfers(Authority authority, TransferPolicy policy) {
        this.authority = authority;
        this.policy = policy;
    }

    /** Whether {@code query} is a standard query for AXFR or IXFR: a look at the question only, no allocation. */
    static boolean isTransfer(ByteBuf query) {
        int type = transferType(query);
        return type == Type.AXFR || type == Type.IXFR;
    }

    /** Whether {@code query} is a standard query for IXFR (the only transfer UDP carries, RFC 1995 §2). */
    static boolean isIxfr(ByteBuf query) {
        return transferType(query) == Type.IXFR;
    }

    /** The question's type when it is a standard query with one question, else -1; no allocation. */
    private static int transferType(ByteBuf query) {
        int base = query.readerIndex();
        int end = query.writerIndex();
        if (end - base < HEADER_LENGTH + 5) return -1;
        int flags = query.getUnsignedShort(base + 2);
        if ((flags & 0x8000) != 0 || ((flags >>> 11) & 0xF) != Opcode.QUERY || query.getUnsignedShort(base + 4) != 1) return -1;
        int at = base + HEADER_LENGTH;
        for (int labels = 0; labels < LABELS_MAX && at < end; labels++) {
            int len = query.getUnsignedByte(at);
            if ((len & 0xC0) != 0) return -1;
            at += len + 1;
            if (len == 0) return at + 2 > end ? -1 : query.getUnsignedShort(at);
        }
        return -1;
    }

    /** The reply messages, in order (wire form, without TCP length prefixes); never empty, never throws. */
    List<byte[]> answer(byte[] wire, InetAddress source) {
        List<byte[]> out = new ArrayList<>();
        answer(wire, source, out::add);
        return out;
    }

    /**
     * As {@link #answer(byte[], InetAddress)}, handing each message to {@code sink} as soon as it is
     * built: the secondary reads the first part of a large zone while the rest is still being built.
     */
    void answer(byte[] wire, InetAddress source, java.util.function.Consumer<byte[]> sink) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            sink.accept(headerOnly(wire, Rcode.FORMERR));
            return;
        }
        Record question = query.getQuestion();
        if (question == null) {
            sink.accept(headerOnly(wire, Rcode.FORMERR));
            return;
        }
        Name zoneName = question.getName();
        String kind = Type.string(question.getType());
        if (!policy.allows(source)) {
            log.info("{} of {} from {} refused: source not in transfer allow list", kind, zoneName, source.getHostAddress());
            sink.accept(reply(query, Rcode.REFUSED, List.of()).toWire());
            return;
        }
        TSIGRecord queryTsig = query.getTSIG();
        if (policy.tsig() != null) {
            int verdict = queryTsig == null ? Rcode.BADKEY : policy.tsig().verify(query, wire, null);
            if (verdict != Rcode.NOERROR) {
                log.info("{} of {} from {} refused: TSIG {}", kind, zoneName, source.getHostAddress(), queryTsig == null ? "missing" : Rcode.TSIGstring(verdict));
                sink.accept(reply(query, Rcode.NOTAUTH, List.of()).toWire()); // RFC 8945 §5.2: unsigned NOTAUTH
                return;
            }
        }
        ServingSnapshot snapshot = authority.current(); // one snapshot for the whole transfer
        int index = snapshot.origins().contains(zoneName) ? indexOf(snapshot, zoneName) : -1;
        if (index < 0 || question.getDClass() != org.xbill.DNS.DClass.IN) {
            sink.accept(signed(reply(query, Rcode.NOTAUTH, List.of()), queryTsig, true).toWire());
            return;
        }
        SOARecord soa = snapshot.soa(index);
        if (question.getType() == Type.IXFR) {
            Long client = clientSerial(query, soa.getName());
            if (client != null && atOrAhead(client, soa.getSerial())) {
                sink.accept(signed(reply(query, Rcode.NOERROR, List.of(soa)), queryTsig, true).toWire());
                return;
            }
            Optional<List<TransferJournal.Version>> chain = client == null ? Optional.empty() : snapshot.journal().chain(index, client, soa.getSerial());
            if (chain.isPresent()) {
                List<Record> difference = difference(TransferJournal.condensed(chain.get()), client, soa);
                int messages = inMessages(query, queryTsig, difference, sink);
                log.info("IXFR of {} from serial {} to {} for {}: {} versions, {} records in {} messages",
                        zoneName, client, soa.getSerial(), source.getHostAddress(), chain.get().size(), difference.size(), messages);
                return;
            }
            // RFC 1995 §4: a serial the journal cannot take to ours (too old, unknown) gets the whole zone.
            log.info("IXFR of {} from serial {} to {}: not in the journal, sending the full zone", zoneName, client, source.getHostAddress());
        }
        List<Record> records = ZoneContent.of(snapshot, index);
        int messages = inMessages(query, queryTsig, records, sink);
        log.info("{} of {} serial {} to {}: {} records in {} messages", kind, zoneName, soa.getSerial(), source.getHostAddress(), records.size(), messages);
    }

    /**
     * An IXFR over UDP (RFC 1995 §2): the condensed difference when it fits in the client's datagram
     * size (512 bytes, or its EDNS payload size), else (or when the journal cannot serve the client's serial) our SOA alone, which tells the client
     * to ask again over TCP. Null when the query is not for a zone we may transfer to {@code source}:
     * the caller then answers it as any other query (REFUSED).
     */
    byte[] answerUdp(byte[] wire, InetAddress source) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return null;
        }
        Record question = query.getQuestion();
        if (question == null || question.getType() != Type.IXFR || !policy.allows(source) || query.getTSIG() != null || policy.tsig() != null) return null;
        ServingSnapshot snapshot = authority.current();
        int index = snapshot.origins().contains(question.getName()) ? indexOf(snapshot, question.getName()) : -1;
        if (index < 0 || question.getDClass() != org.xbill.DNS.DClass.IN) return null;
        int sizeMax = query.getOPT() == null ? UDP_SIZE_PLAIN : Math.max(UDP_SIZE_PLAIN, query.getOPT().getPayloadSize());
        SOARecord soa = snapshot.soa(index);
        byte[] soaOnly = reply(query, Rcode.NOERROR, List.of(soa)).toWire();
        Long client = clientSerial(query, soa.getName());
        if (client == null || atOrAhead(client, soa.getSerial())) return soaOnly;
        Optional<List<TransferJournal.Version>> chain = snapshot.journal().chain(index, client, soa.getSerial());
        // The estimate over-counts (object overhead): a chain estimated above the datagram is never built.
        if (chain.isEmpty() || TransferJournal.bytesOf(chain.get()) > (long) sizeMax * 8) return soaOnly;
        byte[] whole = reply(query, Rcode.NOERROR, difference(TransferJournal.condensed(chain.get()), client, soa)).toWire();
        return whole.length <= sizeMax ? whole : soaOnly;
    }

    /** RFC 1995 §4: our SOA, the client's SOA, deletions, our SOA, additions, our SOA. */
    private static List<Record> difference(TransferJournal.Difference d, long clientSerial, SOARecord ours) {
        List<Record> out = new ArrayList<>(d.deleted().size() + d.added().size() + 4);
        out.add(ours);
        out.add(new SOARecord(ours.getName(), ours.getDClass(), ours.getTTL(), ours.getHost(), ours.getAdmin(), clientSerial, ours.getRefresh(), ours.getRetry(), ours.getExpire(), ours.getMinimum()));
        out.addAll(d.deleted());
        out.add(ours);
        out.addAll(d.added());
        out.add(ours);
        return out;
    }

    /** {@code records} as reply messages to {@code sink}, each under {@link #MESSAGE_RECORD_BYTES} of records, TSIG-chained when a key is set; returns how many. */
    private int inMessages(Message query, TSIGRecord queryTsig, List<Record> records, java.util.function.Consumer<byte[]> sink) {
        int messages = 0;
        List<Record> chunk = new ArrayList<>();
        int bytes = 0;
        TSIGRecord previous = queryTsig;
        for (Record r : records) {
            int length = r.toWire(Section.ANSWER).length;
            if (!chunk.isEmpty() && bytes + length > MESSAGE_RECORD_BYTES) {
                Message m = signed(messages == 0 ? reply(query, Rcode.NOERROR, chunk) : continuation(query, chunk), previous, messages == 0);
                sink.accept(m.toWire());
                messages++;
                previous = m.getTSIG();
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(r);
            bytes += length;
        }
        Message last = signed(messages == 0 ? reply(query, Rcode.NOERROR, chunk) : continuation(query, chunk), previous, messages == 0);
        sink.accept(last.toWire());
        return messages + 1;
    }

    private static int indexOf(ServingSnapshot snapshot, Name origin) {
        List<Zone> zones = snapshot.zones();
        for (int i = 0; i < zones.size(); i++) if (zones.get(i).origin().equals(origin)) return i;
        return -1;
    }

    /**
     * A client at our serial or past it gets the SOA alone, as from BIND: clients (dnsjava, Knot) take
     * a first SOA at or below their own serial as "up to date", so a full zone after it would be an
     * error to them, and could not move them back anyway.
     */
    private static boolean atOrAhead(long client, long ours) {
        return client == ours || SoaSerial.greater(client, ours);
    }

    /** RFC 1995 §2: the client's SOA rides in the authority section; null when it sent none. */
    private static Long clientSerial(Message query, Name zone) {
        for (Record r : query.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord theirs && theirs.getName().equals(zone)) return theirs.getSerial();
        }
        return null;
    }

    /** The first reply message: header and question copied from the query, AA set. */
    private static Message reply(Message query, int rcode, List<Record> answers) {
        Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        if (rcode == Rcode.NOERROR || rcode == Rcode.NOTAUTH) m.getHeader().setFlag(Flags.AA);
        m.getHeader().setOpcode(Opcode.QUERY);
        m.getHeader().setRcode(rcode);
        m.addRecord(query.getQuestion(), Section.QUESTION);
        for (Record r : answers) m.addRecord(r, Section.ANSWER);
        return m;
    }

    /** Later messages of a transfer carry no question (RFC 5936 §2.2.1 allows either). */
    private static Message continuation(Message query, List<Record> answers) {
        Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        for (Record r : answers) m.addRecord(r, Section.ANSWER);
        return m;
    }

    /** Signs every message when a key is configured: the first against the query's MAC, later ones chained (RFC 8945 §5.3.1). */
    private Message signed(Message m, TSIGRecord previous, boolean first) {
        if (policy.tsig() != null && previous != null) policy.tsig().apply(m, previous, first);
        return m;
    }

    private static byte[] headerOnly(byte[] query, int rcode) {
        byte[] reply = new byte[HEADER_LENGTH];
        if (query.length >= 2) System.arraycopy(query, 0, reply, 0, 2);
        reply[2] = (byte) 0x80;
        reply[3] = (byte) rcode;
        return reply;
    }
}
