package io.waymark.dns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The queries the differential test sends, built with dnsjava: every name of the differential zone
 * (and some around it) crossed with the common types and four ways of asking (UDP without EDNS, UDP
 * with EDNS, UDP with DO, TCP with DO and an NSID request), plus queries for the corners: other
 * classes and opcodes, EDNS versions, large queries, zone transfers over UDP, ANY.
 */
final class DifferentialProbes {
    /** How a query is sent; the name appears in probe labels and in the differences file. */
    enum Variant {
        UDP("udp", false, false, false, false),
        UDP_EDNS("udp-edns", false, true, false, false),
        UDP_DO("udp-do", false, true, true, false),
        TCP_DO_NSID("tcp-do-nsid", true, true, true, true);

        final String label;
        final boolean tcp;
        final boolean edns;
        final boolean dnssecOk;
        final boolean nsid;

        Variant(String label, boolean tcp, boolean edns, boolean dnssecOk, boolean nsid) {
            this.label = label;
            this.tcp = tcp;
            this.edns = edns;
            this.dnssecOk = dnssecOk;
            this.nsid = nsid;
        }
    }

    /** One query: its label ({@code qname qtype variant}), whether it goes over TCP, its wire form. */
    record Probe(String qname, String qtype, String variant, boolean tcp, byte[] wire) {
        String label() {
            return qname + " " + qtype + " " + variant;
        }
    }

    static final int EDNS_PAYLOAD = 1232;
    private static final int EDNS_OPTION_PADDING = 12;
    private static final String[] NAMES = {
        "@", "ns1", "ns2", "mail", "www", "WwW", "MIXED", "esc\\.aped", "sp\\032ace", "_sip._tcp", "sip",
        "_443._tcp.www", "c1", "c3", "cw", "cx", "cmail", "loop1", "self", "dangling", "outside", "cdel", "cdn",
        "host.wild", "a.b.wild", "wild", "x.wc", "y.wmx", "a.b.c", "b.c", "c", "sub", "ns.sub", "host.sub", "nog",
        "x.nog", "dn", "x.dn", "a.x.dn", "y.dn", "z.dn", "target", "x.target", "big", "dup", "ttl", "ptr", "hinfo",
        "caa", "sshfp", "naptr", "rp", "txt", "nullmx", "v6only", "nothere", "deep.nothere",
        "sub2", "x.sub2", "x.y.deep.wild2", "deep.wild2", "c.ent", "c.b.ent", "b.ent", "mxc", "upper",
        "ln", "x.ln", "%s.ln".formatted("d".repeat(50)), "%s.ln".formatted("d".repeat(56)),
    };
    private static final String[] OUTSIDE = {"www.elsewhere.invalid.", "test.", "."};
    private static final int[] TYPES = {Type.A, Type.AAAA, Type.MX, Type.TXT, Type.NS, Type.SOA, Type.DS, Type.CNAME, Type.DNAME, Type.SRV};
    private static final int[] OTHER_TYPES = {Type.PTR, Type.HINFO, Type.CAA, Type.SSHFP, Type.NAPTR, Type.RP, Type.TLSA};

    private DifferentialProbes() {}

    static List<Probe> all(Name origin) throws IOException {
        List<Probe> probes = new ArrayList<>();
        int id = 1;
        List<Name> names = new ArrayList<>();
        for (String n : NAMES) names.add(n.equals("@") ? origin : Name.fromString(n, origin));
        for (String n : OUTSIDE) names.add(Name.fromString(n));
        for (Name name : names) {
            for (int type : TYPES) for (Variant v : Variant.values()) probes.add(query(name, type, DClass.IN, v, id++));
        }
        for (int type : OTHER_TYPES) {
            for (Name name : names) {
                if (!name.equals(origin) && !name.toString().startsWith("_443") && !isTypeName(name, type)) continue;
                for (Variant v : Variant.values()) probes.add(query(name, type, DClass.IN, v, id++));
            }
        }
        for (String n : new String[] {"@", "www", "c1", "sub", "nothere", "wild", "host.wild"}) {
            Name name = n.equals("@") ? origin : Name.fromString(n, origin);
            for (Variant v : Variant.values()) probes.add(query(name, Type.ANY, DClass.IN, v, id++));
        }
        probes.addAll(corners(origin, id));
        return probes;
    }

    private static boolean isTypeName(Name name, int type) {
        return name.getLabelString(0).equalsIgnoreCase(Type.string(type));
    }

    private static List<Probe> corners(Name origin, int firstId) throws IOException {
        List<Probe> probes = new ArrayList<>();
        int id = firstId;
        Name www = Name.fromString("www", origin);
        for (String chaos : new String[] {"id.server.", "hostname.bind.", "version.bind.", "authors.bind."}) {
            for (Variant v : new Variant[] {Variant.UDP, Variant.UDP_EDNS, Variant.TCP_DO_NSID}) {
                probes.add(query(Name.fromString(chaos), Type.TXT, DClass.CH, v, id++));
            }
        }
        for (Variant v : Variant.values()) {
            probes.add(query(www, Type.A, DClass.ANY, v, id++));
            probes.add(query(www, Type.A, DClass.CH, v, id++));
            probes.add(query(www, Type.A, DClass.HS, v, id++));
            probes.add(query(www, Type.OPT, DClass.IN, v, id++));
            probes.add(query(origin, Type.AXFR, DClass.IN, v, id++));
            probes.add(query(origin, Type.IXFR, DClass.IN, v, id++));
            probes.add(query(www, Type.MAILA, DClass.IN, v, id++));
            probes.add(query(www, 65_280, DClass.IN, v, id++)); // a private-use type nobody holds
            probes.add(withFlags(www, v, id++, "rd", Flags.RD));
            probes.add(withFlags(www, v, id++, "ad", Flags.AD));
            probes.add(withFlags(www, v, id++, "cd", Flags.CD));
            probes.add(withOpcode(origin, Opcode.NOTIFY, v, id++));
            probes.add(withOpcode(origin, 3, v, id++)); // unassigned opcode
            probes.add(withOpcode(www, Opcode.STATUS, v, id++));
        }
        for (boolean tcp : new boolean[] {false, true}) {
            String t = tcp ? "tcp" : "udp";
            probes.add(ednsVersion(www, 1, tcp, t + "-edns1", id++));
            // Well-formed queries larger than 1232 bytes (EDNS padding, RFC 7830), DO and not.
            probes.add(padded(www, 1400, false, tcp, t + "-padded-1400", id++));
            probes.add(padded(Name.fromString("big", origin), 1400, true, tcp, t + "-padded-1400-do", id++));
            probes.add(padded(www, 4000, false, tcp, t + "-padded-4000", id++));
            probes.add(smallPayload(Name.fromString("big", origin), tcp, t + "-payload-512", id++));
            probes.add(noQuestion(tcp, t + "-no-question", id++));
        }
        return probes;
    }

    static Probe query(Name name, int type, int dclass, Variant v, int id) throws TextParseException {
        Message m = Message.newQuery(org.xbill.DNS.Record.newRecord(name, type, dclass));
        m.getHeader().setID(id & 0xFFFF);
        m.getHeader().unsetFlag(Flags.RD); // as a resolver asks an authoritative server
        if (v.edns) addOpt(m, EDNS_PAYLOAD, 0, v.dnssecOk, v.nsid ? List.of(new NSIDOption(new byte[0])) : List.of());
        String qtype = Type.string(type) + (dclass == DClass.IN ? "" : "/" + DClass.string(dclass));
        return new Probe(asked(name), qtype, v.label, v.tcp, m.toWire());
    }

    private static Probe withFlags(Name name, Variant v, int id, String what, int flag) throws TextParseException {
        Probe p = query(name, Type.A, DClass.IN, v, id);
        Message m = parse(p.wire());
        m.getHeader().setFlag(flag);
        return new Probe(p.qname(), p.qtype(), v.label + "-" + what, v.tcp, m.toWire());
    }

    private static Probe withOpcode(Name name, int opcode, Variant v, int id) throws TextParseException {
        Probe p = query(name, Type.SOA, DClass.IN, v, id);
        Message m = parse(p.wire());
        m.getHeader().setOpcode(opcode);
        return new Probe(p.qname(), p.qtype(), v.label + "-opcode-" + Opcode.string(opcode).toLowerCase(java.util.Locale.ROOT), v.tcp, m.toWire());
    }

    private static Probe ednsVersion(Name name, int version, boolean tcp, String label, int id) {
        Message m = Message.newQuery(org.xbill.DNS.Record.newRecord(name, Type.A, DClass.IN));
        m.getHeader().setID(id);
        m.getHeader().unsetFlag(Flags.RD);
        addOpt(m, EDNS_PAYLOAD, version, false, List.of());
        return new Probe(asked(name), "A", label, tcp, m.toWire());
    }

    /** A query padded with an EDNS padding option to {@code size} bytes in all. */
    private static Probe padded(Name name, int size, boolean dnssecOk, boolean tcp, String label, int id) {
        Message bare = Message.newQuery(org.xbill.DNS.Record.newRecord(name, Type.A, DClass.IN));
        bare.getHeader().setID(id);
        bare.getHeader().unsetFlag(Flags.RD);
        int withoutPadding = bare.toWire().length + 11 + 4;
        Message m = Message.newQuery(org.xbill.DNS.Record.newRecord(name, Type.A, DClass.IN));
        m.getHeader().setID(id);
        m.getHeader().unsetFlag(Flags.RD);
        addOpt(m, EDNS_PAYLOAD, 0, dnssecOk, List.of(new GenericEDNSOption(EDNS_OPTION_PADDING, new byte[size - withoutPadding])));
        byte[] wire = m.toWire();
        if (wire.length != size) throw new IllegalStateException("padded query is " + wire.length + " bytes, meant " + size);
        return new Probe(asked(name), "A", label, tcp, wire);
    }

    private static Probe smallPayload(Name name, boolean tcp, String label, int id) {
        Message m = Message.newQuery(org.xbill.DNS.Record.newRecord(name, Type.A, DClass.IN));
        m.getHeader().setID(id);
        m.getHeader().unsetFlag(Flags.RD);
        addOpt(m, 512, 0, false, List.of());
        return new Probe(asked(name), "A", label, tcp, m.toWire());
    }

    /** A header with QDCOUNT 0 and nothing else. */
    private static Probe noQuestion(boolean tcp, String label, int id) {
        byte[] wire = new byte[12];
        wire[0] = (byte) (id >>> 8);
        wire[1] = (byte) id;
        return new Probe("-", "-", label, tcp, wire);
    }

    private static void addOpt(Message m, int payload, int version, boolean dnssecOk, List<EDNSOption> options) {
        m.addRecord(new OPTRecord(payload, 0, version, dnssecOk ? ExtendedFlags.DO : 0, options), Section.ADDITIONAL);
    }

    private static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException e) {
            throw new IllegalStateException("our own query does not parse", e);
        }
    }

    /** The name as asked (case kept: a mixed-case query is its own probe). */
    private static String asked(Name name) {
        return name.toString();
    }
}
