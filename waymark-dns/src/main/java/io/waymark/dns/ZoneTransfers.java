package io.waymark.dns;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
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
 * Answers AXFR (RFC 5936) and IXFR (RFC 1995) over TCP from one snapshot. IXFR has no journal yet:
 * a client with our serial or a later one gets the SOA alone (it is current), any other a full zone
 * in IXFR form (§4 allows it: SOA, the zone, SOA). Large zones go out as several messages, each far
 * under the 64 KiB TCP limit. dnsjava builds the messages: this path is rare, the query path does
 * not pass here.
 */
final class ZoneTransfers {
    private static final Logger log = LoggerFactory.getLogger(ZoneTransfers.class);
    /** Uncompressed record bytes per message: compression only shrinks it, so each stays under 64 KiB with the question and a TSIG. */
    static final int MESSAGE_RECORD_BYTES = 16_000;
    private static final int HEADER_LENGTH = 12;
    private static final int LABELS_MAX = 128;

    private final Authority authority;
    private final TransferPolicy policy;

    ZoneTransfers(Authority authority, TransferPolicy policy) {
        this.authority = authority;
        this.policy = policy;
    }

    /** Whether {@code query} is a standard query for AXFR or IXFR: a look at the question only, no allocation. */
    static boolean isTransfer(ByteBuf query) {
        int base = query.readerIndex();
        int end = query.writerIndex();
        if (end - base < HEADER_LENGTH + 5) return false;
        int flags = query.getUnsignedShort(base + 2);
        if ((flags & 0x8000) != 0 || ((flags >>> 11) & 0xF) != Opcode.QUERY || query.getUnsignedShort(base + 4) != 1) return false;
        int at = base + HEADER_LENGTH;
        for (int labels = 0; labels < LABELS_MAX && at < end; labels++) {
            int len = query.getUnsignedByte(at);
            if ((len & 0xC0) != 0) return false;
            at += len + 1;
            if (len == 0) {
                if (at + 2 > end) return false;
                int type = query.getUnsignedShort(at);
                return type == Type.AXFR || type == Type.IXFR;
            }
        }
        return false;
    }

    /** The reply messages, in order (wire form, without TCP length prefixes); never empty, never throws. */
    List<byte[]> answer(byte[] wire, InetAddress source) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return List.of(headerOnly(wire, Rcode.FORMERR));
        }
        Record question = query.getQuestion();
        if (question == null) return List.of(headerOnly(wire, Rcode.FORMERR));
        Name zoneName = question.getName();
        String kind = Type.string(question.getType());
        if (!policy.allows(source)) {
            log.info("{} of {} from {} refused: source not in transfer allow list", kind, zoneName, source.getHostAddress());
            return List.of(reply(query, Rcode.REFUSED, List.of()).toWire());
        }
        TSIGRecord queryTsig = query.getTSIG();
        if (policy.tsig() != null) {
            int verdict = queryTsig == null ? Rcode.BADKEY : policy.tsig().verify(query, wire, null);
            if (verdict != Rcode.NOERROR) {
                log.info("{} of {} from {} refused: TSIG {}", kind, zoneName, source.getHostAddress(), queryTsig == null ? "missing" : Rcode.TSIGstring(verdict));
                return List.of(reply(query, Rcode.NOTAUTH, List.of()).toWire()); // RFC 8945 §5.2: unsigned NOTAUTH
            }
        }
        ServingSnapshot snapshot = authority.current(); // one snapshot for the whole transfer
        int index = snapshot.origins().contains(zoneName) ? indexOf(snapshot, zoneName) : -1;
        if (index < 0 || question.getDClass() != org.xbill.DNS.DClass.IN) {
            return List.of(signed(reply(query, Rcode.NOTAUTH, List.of()), queryTsig, true).toWire());
        }
        SOARecord soa = snapshot.soa(index);
        if (question.getType() == Type.IXFR && clientCurrent(query, soa)) {
            return List.of(signed(reply(query, Rcode.NOERROR, List.of(soa)), queryTsig, true).toWire());
        }
        List<Record> records = ZoneContent.of(snapshot, index);
        List<byte[]> messages = new ArrayList<>();
        List<Record> chunk = new ArrayList<>();
        int bytes = 0;
        TSIGRecord previous = queryTsig;
        for (int i = 0; i < records.size(); i++) {
            Record r = records.get(i);
            int length = r.toWire(Section.ANSWER).length;
            if (!chunk.isEmpty() && bytes + length > MESSAGE_RECORD_BYTES) {
                Message m = signed(messages.isEmpty() ? reply(query, Rcode.NOERROR, chunk) : continuation(query, chunk), previous, messages.isEmpty());
                messages.add(m.toWire());
                previous = m.getTSIG();
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(r);
            bytes += length;
        }
        Message last = signed(messages.isEmpty() ? reply(query, Rcode.NOERROR, chunk) : continuation(query, chunk), previous, messages.isEmpty());
        messages.add(last.toWire());
        log.info("{} of {} serial {} to {}: {} records in {} messages", kind, zoneName, soa.getSerial(), source.getHostAddress(), records.size(), messages.size());
        return messages;
    }

    private static int indexOf(ServingSnapshot snapshot, Name origin) {
        List<Zone> zones = snapshot.zones();
        for (int i = 0; i < zones.size(); i++) if (zones.get(i).origin().equals(origin)) return i;
        return -1;
    }

    /** RFC 1995 §2: the client's SOA rides in the authority section; its serial at or past ours means it is current. */
    private static boolean clientCurrent(Message query, SOARecord ours) {
        for (Record r : query.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord theirs && theirs.getName().equals(ours.getName())) {
                return theirs.getSerial() == ours.getSerial() || SoaSerial.greater(theirs.getSerial(), ours.getSerial());
            }
        }
        return false;
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
