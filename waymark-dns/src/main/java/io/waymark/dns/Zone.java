package io.waymark.dns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One zone as loaded: its origin and every record in it, already checked (one SOA at the apex, NS at
 * the apex, class IN, nothing outside the origin, nothing below a DNAME) and normalised (each RRset a
 * set with one TTL). {@code source} says where it came from, for messages.
 *
 * <p>Every snapshot keeps its zones for the whole life of the server (zone transfers send the file's
 * records), so the records are held packed, not as dnsjava objects: each in its uncompressed wire form
 * (case kept), the owner written only when it differs from the previous record's, and type, class,
 * TTL and RDATA length only when they differ too (the records of an RRset share them). An A record of
 * a large zone then costs 5 bytes here instead of about 60 of {@code Record}, {@code Name} and array
 * objects (bench/dns-memory). {@link #records()} decodes them again: it is called when a snapshot is
 * first built and per zone transfer, never on the query path.
 */
public final class Zone {
    /** Serial, refresh, retry, expire, minimum of the default SOA; minimum = negative TTL (RFC 2308). */
    private static final long DEFAULT_TTL = 3600;
    private static final long DEFAULT_NEGATIVE_TTL = 30;
    /** Packed bytes per chunk: big enough that chunk overhead is nothing, small enough to allocate anywhere. */
    private static final int CHUNK_BYTES = 1 << 16;
    /** Marks before each packed record: what follows it (owner, fixed part, RDATA) and what is the previous record's. */
    private static final byte SAME_OWNER_AND_FIXED = 0;
    private static final byte SAME_OWNER = 1;
    private static final byte OWNER_FOLLOWS = 2;
    /** Type, class, TTL and RDATA length: the fixed part of a record after its owner. */
    private static final int FIXED_BYTES = 10;

    private final Name origin;
    private final String source;
    private final SOARecord soa;
    private final int recordCount;
    private final byte[][] chunks;
    private final int[] chunkLengths;

    /** Normalises (RFC 2181 §5: duplicates merged, one TTL per RRset) and checks {@code records}. */
    public Zone(Name origin, List<org.xbill.DNS.Record> records, String source) {
        this(ZoneNormaliser.normalise(requireOrigin(origin, records)).records(), origin, source);
    }

    /** {@code records} already normalised (ZoneFileReader did it and warned with file and line); checked again here. */
    static Zone normalised(Name origin, List<org.xbill.DNS.Record> records, String source) {
        return new Zone(requireOrigin(origin, records), origin, source);
    }

    private Zone(List<org.xbill.DNS.Record> records, Name origin, String source) {
        ZoneRules.Problem problem = ZoneRules.check(origin, records);
        if (problem != null) throw new IllegalArgumentException(source + ": " + problem.reason());
        this.origin = origin;
        this.source = source;
        this.soa = findSoa(origin, records);
        this.recordCount = records.size();
        Packer packer = new Packer();
        for (org.xbill.DNS.Record r : records) packer.add(r);
        this.chunks = packer.chunks();
        this.chunkLengths = packer.lengths();
    }

    private static List<org.xbill.DNS.Record> requireOrigin(Name origin, List<org.xbill.DNS.Record> records) {
        if (origin == null || !origin.isAbsolute()) throw new IllegalArgumentException("zone origin must be an absolute name: " + origin);
        if (records == null) throw new IllegalArgumentException("records must not be null");
        return records;
    }

    private static SOARecord findSoa(Name origin, List<org.xbill.DNS.Record> records) {
        for (org.xbill.DNS.Record r : records) if (r.getType() == Type.SOA) return (SOARecord) r;
        throw new IllegalStateException("zone without SOA passed validation: " + origin);
    }

    /**
     * A zone holding only a default SOA and NS at its apex: the all-in-one deployment serves its
     * managed names without any zone file. The short SOA minimum keeps negative answers for managed
     * names short-lived (DESIGN.md, Serving).
     */
    public static Zone withDefaults(Name origin) {
        Name ns = concat("ns", origin);
        Name hostmaster = concat("hostmaster", origin);
        SOARecord soa = new SOARecord(origin, DClass.IN, DEFAULT_TTL, ns, hostmaster, 1, 3600, 600, 86400, DEFAULT_NEGATIVE_TTL);
        NSRecord nsRecord = new NSRecord(origin, DClass.IN, DEFAULT_TTL, ns);
        return new Zone(origin, List.of(soa, nsRecord), "default zone " + origin);
    }

    /** {@link #withDefaults(Name)} for an origin given as text, e.g. {@code "waymark.test."}. */
    public static Zone withDefaults(String origin) {
        try {
            return withDefaults(Name.fromString(origin.endsWith(".") ? origin : origin + "."));
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException("not a zone origin: " + origin, e);
        }
    }

    /**
     * The same zone holding only {@code subset} of its records (in their order): a snapshot whose name
     * table holds a name's addresses keeps no second copy of them (TableAddresses). Checked again, so
     * a subset without the SOA or the apex NS is refused here.
     */
    Zone keeping(List<org.xbill.DNS.Record> subset) {
        if (subset.size() > recordCount) throw new IllegalArgumentException("more records than the zone holds: not a subset of " + this);
        return subset.size() == recordCount ? this : new Zone(subset, origin, source);
    }

    public Name origin() {
        return origin;
    }

    public String source() {
        return source;
    }

    public SOARecord soa() {
        return soa;
    }

    public int recordCount() {
        return recordCount;
    }

    /** Every record, in the order given, decoded from the packed form: a new list per call. */
    public List<org.xbill.DNS.Record> records() {
        List<org.xbill.DNS.Record> out = new ArrayList<>(recordCount);
        byte[] owner = null;
        byte[] fixed = new byte[FIXED_BYTES];
        for (int c = 0; c < chunks.length; c++) {
            byte[] chunk = chunks[c];
            int at = 0;
            while (at < chunkLengths[c]) { // each step consumes at least the mark byte
                byte mark = chunk[at++];
                if (mark == OWNER_FOLLOWS) {
                    int length = nameLength(chunk, at);
                    owner = Arrays.copyOfRange(chunk, at, at + length);
                    at += length;
                }
                if (mark != SAME_OWNER_AND_FIXED) {
                    System.arraycopy(chunk, at, fixed, 0, FIXED_BYTES);
                    at += FIXED_BYTES;
                }
                int rdataLength = (fixed[8] & 0xff) << 8 | (fixed[9] & 0xff);
                out.add(decode(owner, fixed, chunk, at, rdataLength));
                at += rdataLength;
            }
        }
        if (out.size() != recordCount) throw new IllegalStateException("packed zone " + origin + " decoded to " + out.size() + " records, not " + recordCount + " (bug)");
        return out;
    }

    private org.xbill.DNS.Record decode(byte[] owner, byte[] fixed, byte[] chunk, int at, int rdataLength) {
        byte[] wire = new byte[owner.length + FIXED_BYTES + rdataLength];
        System.arraycopy(owner, 0, wire, 0, owner.length);
        System.arraycopy(fixed, 0, wire, owner.length, FIXED_BYTES);
        System.arraycopy(chunk, at, wire, owner.length + FIXED_BYTES, rdataLength);
        try {
            return org.xbill.DNS.Record.fromWire(wire, Section.ANSWER);
        } catch (IOException e) {
            throw new IllegalStateException("packed record of zone " + origin + " does not decode (bug)", e);
        }
    }

    /** Length of the uncompressed wire name starting at {@code at}: labels up to and including the root. */
    private static int nameLength(byte[] a, int at) {
        int p = at;
        for (int labels = 0; labels <= WireNames.NAME_LENGTH_MAX; labels++) {
            int len = a[p] & 0xff;
            p += len + 1;
            if (len == 0) return p - at;
        }
        throw new IllegalStateException("packed owner name without its root label (bug)");
    }

    @Override
    public String toString() {
        return "Zone[" + origin + ", " + recordCount + " records from " + source + "]";
    }

    private static Name concat(String label, Name origin) {
        try {
            return Name.concatenate(Name.fromString(label), origin);
        } catch (Exception e) {
            throw new IllegalArgumentException("origin too long for a default SOA: " + origin, e);
        }
    }

    /** Appends records in their packed form to chunks of {@link #CHUNK_BYTES}; a record never spans two chunks. */
    private static final class Packer {
        private final List<byte[]> chunks = new ArrayList<>();
        private final List<Integer> lengths = new ArrayList<>();
        private byte[] current = new byte[0];
        private int used;
        private byte[] previousOwner;
        private final byte[] previousFixed = new byte[FIXED_BYTES];

        void add(org.xbill.DNS.Record r) {
            byte[] wire = r.toWire(Section.ANSWER); // uncompressed, names as spelled
            int ownerLength = r.getName().length();
            // Byte for byte, not Name.equals: a different spelling of the same name keeps its case.
            boolean sameOwner = previousOwner != null && Arrays.equals(previousOwner, 0, previousOwner.length, wire, 0, ownerLength);
            boolean sameFixed = sameOwner && Arrays.equals(previousFixed, 0, FIXED_BYTES, wire, ownerLength, ownerLength + FIXED_BYTES);
            int skip = sameFixed ? ownerLength + FIXED_BYTES : sameOwner ? ownerLength : 0;
            if (used + 1 + wire.length - skip > current.length) {
                finish();
                current = new byte[Math.max(CHUNK_BYTES, 1 + wire.length)];
                // A chunk starts with a record written out whole, so each chunk decodes on its own.
                sameOwner = false;
                sameFixed = false;
                skip = 0;
            }
            current[used++] = sameFixed ? SAME_OWNER_AND_FIXED : sameOwner ? SAME_OWNER : OWNER_FOLLOWS;
            System.arraycopy(wire, skip, current, used, wire.length - skip);
            used += wire.length - skip;
            if (!sameOwner) previousOwner = Arrays.copyOf(wire, ownerLength);
            System.arraycopy(wire, ownerLength, previousFixed, 0, FIXED_BYTES);
        }

        private void finish() {
            if (used == 0) return;
            chunks.add(Arrays.copyOf(current, used)); // trimmed: the slack of the last chunk is not kept
            lengths.add(used);
            used = 0;
        }

        byte[][] chunks() {
            finish();
            return chunks.toArray(new byte[0][]);
        }

        int[] lengths() {
            return lengths.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
