package io.waymark.dns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * A reply reduced to what the differential test compares: opcode, rcode (extended included), the
 * header flags, the question, and the three sections as sorted record texts with names lower-cased
 * (RFC 4343: names compare case-insensitively; the order of records within a section carries no
 * meaning an authoritative answer promises). The OPT record is reduced to its presence, version, DO
 * bit and NSID; other options (cookies, extended errors, padding) and the advertised payload size are
 * each server's own. A truncated reply (TC=1) keeps only its header: RFC 2181 §9 leaves what a
 * truncated reply carries to the server. {@code size} is the raw length, compared separately.
 */
record NormalisedReply(String text, boolean truncated, int size) {
    static final NormalisedReply NO_REPLY = new NormalisedReply("(no reply)", false, 0);

    static NormalisedReply of(byte[] wire) {
        Message m;
        try {
            m = new Message(wire);
        } catch (IOException e) {
            return new NormalisedReply("(unparseable: " + e.getMessage() + ")", false, wire.length);
        }
        Header h = m.getHeader();
        StringBuilder b = new StringBuilder();
        b.append(Opcode.string(h.getOpcode())).append(' ').append(Rcode.string(m.getRcode()));
        for (int flag : new int[] {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.AD, Flags.CD}) {
            if (h.getFlag(flag)) b.append(' ').append(Flags.string(flag));
        }
        b.append('\n').append(opt(m.getOPT()));
        boolean truncated = h.getFlag(Flags.TC);
        b.append("\nquestion: ").append(m.getQuestion() == null ? "-" : m.getQuestion().toString());
        if (!truncated) {
            section(b, "answer", m, Section.ANSWER);
            section(b, "authority", m, Section.AUTHORITY);
            section(b, "additional", m, Section.ADDITIONAL);
        }
        return new NormalisedReply(b.toString(), truncated, wire.length);
    }

    private static String opt(OPTRecord opt) {
        if (opt == null) return "opt: none";
        StringBuilder b = new StringBuilder("opt: version ").append(opt.getVersion());
        if ((opt.getFlags() & ExtendedFlags.DO) != 0) b.append(" do");
        for (EDNSOption o : opt.getOptions()) {
            if (o.getCode() == EDNSOption.Code.NSID) b.append(" nsid=").append(HexFormat.of().formatHex(o.toWire()));
        }
        return b.toString();
    }

    private static void section(StringBuilder b, String title, Message m, int section) {
        List<String> records = new ArrayList<>();
        for (org.xbill.DNS.Record r : m.getSection(section)) {
            if (r instanceof OPTRecord) continue;
            records.add(r.toString().toLowerCase(Locale.ROOT));
        }
        records.sort(null);
        b.append('\n').append(title).append(':');
        for (String r : records) b.append("\n  ").append(r);
    }
}
