package io.waymark.dns;

import io.netty.buffer.ByteBuf;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * One RRset in wire format, prepared when the snapshot is built: each record without its owner
 * name (type, class, TTL, rdata length, uncompressed rdata). At query time the owner is written as a
 * compression pointer to wherever the name already sits in the reply (the question, or a CNAME's
 * rdata), so the same bytes serve any spelling of the query name and any position.
 *
 * <p>With {@code variants} (weighted names) a reply carries one row of the variant table: up to N
 * records drawn by weight, picked per query; without, it carries every record in order.
 *
 * <p>{@code compressed} (NS, CNAME, SOA, MX, PTR: the RFC 1035 types whose RDATA names may be
 * compressed, RFC 3597 §4) holds each record's RDATA as literal pieces and names, a name's tail shared
 * with the owner written as a pointer into the owner as it sits in the reply. {@code extras} (MX, SRV,
 * NS) holds, per record, the addresses of its target for the additional section, each written with
 * its owner pointing at the target name inside the record just written.
 */
record RRsetWire(int type, byte[] data, int[] offsets, VariantTable variants, CompressedRdata[] compressed, RRsetWire[] extras) {
    /** Bytes of type, class and TTL: the part of a record before its rdata length. */
    private static final int TYPE_CLASS_TTL = 8;
    private static final int LABELS_MAX = 128;
    /** Record lengths of A and AAAA (fixed part + 4 or 16 bytes of address): most RRsets are one of these. */
    private static final int[] SHARED_STRIDES = {10 + 4, 10 + 16};
    /** Up to this many records, RRsets of a shared stride share one offsets array per count. */
    private static final int SHARED_COUNT_MAX = 64;
    /**
     * Offsets arrays of evenly spaced records, built once and never written: a zone of a million
     * addresses holds hundreds of thousands of RRsets whose offsets are the same few arrays, which
     * would otherwise cost about 10 bytes per record (bench/dns-memory).
     */
    private static final int[][][] SHARED_OFFSETS = sharedOffsets();

    RRsetWire {
        if (offsets.length < 2) throw new IllegalArgumentException("an RRset holds at least one record");
        if (offsets[offsets.length - 1] != data.length) throw new IllegalArgumentException("offsets must end at the data length");
        if (variants != null && variants.addressCount() != offsets.length - 1) throw new IllegalArgumentException("variant table built for another record count");
        if (compressed != null && (variants != null || compressed.length != offsets.length - 1)) throw new IllegalArgumentException("compressed rdata is per record and never weighted");
        if (extras != null && (variants != null || extras.length != offsets.length - 1)) throw new IllegalArgumentException("extras are per record and never weighted");
    }

    RRsetWire(int type, byte[] data, int[] offsets, VariantTable variants) {
        this(type, data, offsets, variants, null, null);
    }

    /**
     * One record's RDATA for compression: {@code literals[0]}, name 0, {@code literals[1]}, name 1, …,
     * last literal. Name j is {@code names[j]} (uncompressed, case as in the zone file; {@code keys[j]}
     * lower-cased) whose last {@code sharedLabels[j]} labels are the owner's last labels: those are
     * written as a pointer into the owner, the first {@code prefixLengths[j]} bytes as they are —
     * unless the question holds a longer tail of the name, which is then pointed at instead.
     */
    record CompressedRdata(byte[][] literals, byte[][] names, byte[][] keys, int[] sharedLabels, int[] prefixLengths) {
        CompressedRdata {
            if (literals.length != names.length + 1 || keys.length != names.length || sharedLabels.length != names.length || prefixLengths.length != names.length) {
                throw new IllegalArgumentException("pieces do not line up");
            }
        }
    }

    private static int[][][] sharedOffsets() {
        int[][][] out = new int[SHARED_STRIDES.length][SHARED_COUNT_MAX + 1][];
        for (int s = 0; s < SHARED_STRIDES.length; s++) {
            for (int n = 1; n <= SHARED_COUNT_MAX; n++) {
                int[] offsets = new int[n + 1];
                for (int i = 0; i <= n; i++) offsets[i] = i * SHARED_STRIDES[s];
                out[s][n] = offsets;
            }
        }
        return out;
    }

    /**
     * {@code offsets} itself, or the shared array equal to it when its records are evenly spaced at a
     * shared stride. Callers hand over {@code offsets} and never write it afterwards (nor the result).
     */
    static int[] shareable(int[] offsets) {
        int n = offsets.length - 1;
        if (n < 1 || n > SHARED_COUNT_MAX || offsets[0] != 0) return offsets;
        int stride = offsets[1];
        int s = java.util.Arrays.binarySearch(SHARED_STRIDES, stride);
        if (s < 0) return offsets;
        for (int i = 2; i <= n; i++) if (offsets[i] != i * stride) return offsets;
        return SHARED_OFFSETS[s][n];
    }

    static RRsetWire of(int type, List<org.xbill.DNS.Record> records) {
        return of(type, records, -1, null, null);
    }

    /** {@code ttlOverride} ≥ 0 replaces every record's TTL (negative answers use the SOA minimum). */
    static RRsetWire of(int type, List<org.xbill.DNS.Record> records, long ttlOverride, VariantTable variants) {
        return of(type, records, ttlOverride, variants, null);
    }

    /** As above, with {@code extras} (per record, or null) for the additional section. */
    static RRsetWire of(int type, List<org.xbill.DNS.Record> records, long ttlOverride, VariantTable variants, RRsetWire[] extras) {
        byte[][] rests = new byte[records.size()][];
        int total = 0;
        for (int i = 0; i < rests.length; i++) {
            rests[i] = withoutOwner(records.get(i), ttlOverride);
            total += rests[i].length;
        }
        byte[] data = new byte[total];
        int[] offsets = new int[rests.length + 1];
        int at = 0;
        for (int i = 0; i < rests.length; i++) {
            offsets[i] = at;
            System.arraycopy(rests[i], 0, data, at, rests[i].length);
            at += rests[i].length;
        }
        offsets[rests.length] = at;
        CompressedRdata[] compressed = null;
        if (variants == null && compressible(type)) {
            compressed = new CompressedRdata[records.size()];
            for (int i = 0; i < compressed.length; i++) compressed[i] = compress(records.get(i));
        }
        return new RRsetWire(type, data, shareable(offsets), variants, compressed, extras);
    }

    /**
     * The records of this RRset at {@code owner}, back as dnsjava records (zone transfers; never the
     * query path). Only for types without compressed or weighted rdata, which is what is stored as written.
     */
    List<org.xbill.DNS.Record> records(org.xbill.DNS.Name owner) {
        if (compressed != null || variants != null) throw new IllegalStateException("records() reads plain RRsets only");
        List<org.xbill.DNS.Record> out = new java.util.ArrayList<>(offsets.length - 1);
        for (int i = 0; i + 1 < offsets.length; i++) {
            int at = offsets[i];
            int t = ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
            int c = ((data[at + 2] & 0xff) << 8) | (data[at + 3] & 0xff);
            long ttl = ((long) (data[at + 4] & 0xff) << 24) | ((data[at + 5] & 0xff) << 16) | ((data[at + 6] & 0xff) << 8) | (data[at + 7] & 0xff);
            byte[] rdata = java.util.Arrays.copyOfRange(data, at + 10, offsets[i + 1]);
            out.add(org.xbill.DNS.Record.newRecord(owner, t, c, ttl, rdata));
        }
        return out;
    }

    /** RFC 3597 §4: only the RFC 1035 types may carry compressed names in their RDATA. */
    static boolean compressible(int type) {
        return type == Type.NS || type == Type.CNAME || type == Type.SOA || type == Type.MX || type == Type.PTR;
    }

    /** Where the target name starts in the RDATA of a type whose target gets additional addresses, or -1. */
    static int targetOffset(int type) {
        return switch (type) {
            case Type.NS -> 0;
            case Type.MX -> 2;
            case Type.SRV -> 6;
            default -> -1;
        };
    }

    /** The record's wire form after its owner name: uncompressed, so it can be copied anywhere. */
    static byte[] withoutOwner(org.xbill.DNS.Record r, long ttlOverride) {
        byte[] full = r.toWire(org.xbill.DNS.Section.ANSWER);
        int ownerLength = r.getName().length();
        byte[] rest = new byte[full.length - ownerLength];
        System.arraycopy(full, ownerLength, rest, 0, rest.length);
        if (ttlOverride >= 0) {
            rest[4] = (byte) (ttlOverride >>> 24);
            rest[5] = (byte) (ttlOverride >>> 16);
            rest[6] = (byte) (ttlOverride >>> 8);
            rest[7] = (byte) ttlOverride;
        }
        return rest;
    }

    /** Splits the rdata of an NS, CNAME, PTR, MX or SOA record into literals and names sharing the owner's tail. */
    private static CompressedRdata compress(org.xbill.DNS.Record r) {
        Name owner = r.getName();
        int ownerLabels = owner.labels() - 1;
        // A wildcard owner is replaced by the query name in replies: only the labels after '*' are shared.
        if (owner.isWild()) ownerLabels--;
        Name[] names;
        byte[] head = new byte[0];
        byte[] tail = new byte[0];
        if (r instanceof org.xbill.DNS.MXRecord mx) {
            head = new byte[] {(byte) (mx.getPriority() >>> 8), (byte) mx.getPriority()};
            names = new Name[] {mx.getTarget()};
        } else if (r instanceof org.xbill.DNS.SOARecord soa) {
            names = new Name[] {soa.getHost(), soa.getAdmin()};
            tail = java.nio.ByteBuffer.allocate(20).putInt((int) soa.getSerial()).putInt((int) soa.getRefresh())
                    .putInt((int) soa.getRetry()).putInt((int) soa.getExpire()).putInt((int) soa.getMinimum()).array();
        } else if (r instanceof org.xbill.DNS.NSRecord ns) {
            names = new Name[] {ns.getTarget()};
        } else if (r instanceof org.xbill.DNS.CNAMERecord cname) {
            names = new Name[] {cname.getTarget()};
        } else if (r instanceof org.xbill.DNS.PTRRecord ptr) {
            names = new Name[] {ptr.getTarget()};
        } else {
            throw new IllegalArgumentException("not a compressible record: " + r);
        }
        byte[][] literals = new byte[names.length + 1][];
        byte[][] wires = new byte[names.length][];
        byte[][] keys = new byte[names.length][];
        int[] shared = new int[names.length];
        int[] prefixLengths = new int[names.length];
        for (int j = 0; j <= names.length; j++) literals[j] = new byte[0];
        literals[0] = head;
        literals[names.length] = tail;
        for (int j = 0; j < names.length; j++) {
            Name n = names[j];
            int common = commonTailLabels(n, owner, ownerLabels);
            shared[j] = common;
            wires[j] = n.toWire();
            keys[j] = WireNames.key(n);
            // The prefix is the name's labels before the shared tail; with nothing shared, the whole name.
            int prefixLabels = n.labels() - 1 - common;
            int cut = 0;
            for (int l = 0; l < prefixLabels; l++) cut += (wires[j][cut] & 0xff) + 1;
            prefixLengths[j] = common == 0 ? wires[j].length : cut;
        }
        return new CompressedRdata(literals, wires, keys, shared, prefixLengths);
    }

    /** Labels (root not counted) that {@code n} and the last {@code ownerLabels} labels of {@code owner} share at their end. */
    private static int commonTailLabels(Name n, Name owner, int ownerLabels) {
        int nl = n.labels() - 1;
        int ol = owner.labels() - 1;
        int common = 0;
        while (common < nl && common < ownerLabels) {
            Name a = new Name(n, nl - common - 1);
            Name b = new Name(owner, ol - common - 1);
            if (!a.equals(b)) break;
            common++;
        }
        return common;
    }

    int recordCount() {
        return offsets.length - 1;
    }

    /**
     * Writes the records (one variant row when weighted) with their owner as a pointer to
     * {@code ownerOffset} in the message starting at {@code messageStart}; the owner has
     * {@code ownerLabels} labels (compressed RDATA names point into them). {@code pick} is any int (a
     * per-query random) choosing the row. When the RRset has extras, {@code targets[i]} receives
     * where record i's target name sits in the message (up to {@code targets.length} records).
     * Returns how many records were written.
     */
    int write(ByteBuf out, int messageStart, int ownerOffset, int ownerLabels, int pick, int[] targets) {
        return write(out, messageStart, ownerOffset, ownerLabels, pick, targets, null, 0);
    }

    /** As above; {@code question} (the lower-cased query name at offset 12, or null) is a further compression target. */
    int write(ByteBuf out, int messageStart, int ownerOffset, int ownerLabels, int pick, int[] targets, byte[] question, int questionLength) {
        int pointer = 0xC000 | ownerOffset;
        if (variants != null) {
            int width = variants.width();
            int row = variants.rowStart(pick);
            for (int j = 0; j < width; j++) {
                int i = variants.index(row + j);
                out.writeShort(pointer);
                out.writeBytes(data, offsets[i], offsets[i + 1] - offsets[i]);
            }
            return width;
        }
        int n = recordCount();
        int targetAt = extras == null ? -1 : targetOffset(type);
        for (int i = 0; i < n; i++) {
            out.writeShort(pointer);
            int rdataStart = out.writerIndex() + TYPE_CLASS_TTL + 2 - messageStart;
            if (compressed == null) {
                out.writeBytes(data, offsets[i], offsets[i + 1] - offsets[i]);
            } else {
                writeCompressed(out, messageStart, i, ownerOffset, ownerLabels, question, questionLength);
            }
            if (targetAt >= 0 && i < targets.length) targets[i] = rdataStart + targetAt;
        }
        return n;
    }

    private void writeCompressed(ByteBuf out, int messageStart, int i, int ownerOffset, int ownerLabels, byte[] question, int questionLength) {
        out.writeBytes(data, offsets[i], TYPE_CLASS_TTL);
        int lengthAt = out.writerIndex();
        out.writeShort(0);
        CompressedRdata c = compressed[i];
        for (int j = 0; j < c.names().length; j++) {
            out.writeBytes(c.literals()[j]);
            int prefix = c.prefixLengths()[j];
            int pointer = c.sharedLabels()[j] > 0 ? tailOffset(out, messageStart, ownerOffset, ownerLabels - c.sharedLabels()[j]) : -1;
            int inQuestion = question == null ? -1 : longestTailInQuestion(c.keys()[j], question, questionLength);
            if (inQuestion >= 0 && c.keys()[j].length - (questionLength - inQuestion) < prefix) {
                prefix = c.keys()[j].length - (questionLength - inQuestion);
                pointer = QueryResponder.HEADER_LENGTH + inQuestion;
            }
            out.writeBytes(c.names()[j], 0, prefix);
            if (pointer >= 0) out.writeShort(0xC000 | pointer);
        }
        out.writeBytes(c.literals()[c.names().length]);
        out.setShort(lengthAt, out.writerIndex() - lengthAt - 2);
    }

    /**
     * Offset in {@code question} of the longest tail (at label boundaries of both) that {@code key}
     * ends with, or -1 when they share only the root. Walks at most the labels of both names.
     */
    private static int longestTailInQuestion(byte[] key, byte[] question, int questionLength) {
        for (int q = 0, steps = 0; q < questionLength - 1 && steps < LABELS_MAX; q += (question[q] & 0xff) + 1, steps++) {
            int tail = questionLength - q;
            int k = key.length - tail;
            if (k < 0) continue;
            if (!isLabelStart(key, k)) continue;
            if (java.util.Arrays.equals(key, k, key.length, question, q, questionLength)) return q;
        }
        return -1;
    }

    private static boolean isLabelStart(byte[] key, int offset) {
        for (int at = 0, steps = 0; at <= offset && steps < LABELS_MAX; at += (key[at] & 0xff) + 1, steps++) {
            if (at == offset) return true;
            if (key[at] == 0) return false;
        }
        return false;
    }

    /** Writes each record's extras after the records {@link #write} placed (targets from it); returns how many. */
    int writeExtras(ByteBuf out, int messageStart, int[] targets, int written) {
        if (extras == null) return 0;
        int count = 0;
        for (int i = 0; i < Math.min(written, targets.length); i++) {
            RRsetWire e = extras[i];
            if (e != null) count += e.write(out, messageStart, targets[i], 0, 0, targets);
        }
        return count;
    }

    /**
     * Offset in the message of the name that remains of the name at {@code at} after skipping
     * {@code skip} labels, following compression pointers. Bounded by the label limit.
     */
    static int tailOffset(ByteBuf out, int messageStart, int at, int skip) {
        int p = at;
        for (int steps = 0; steps < 2 * LABELS_MAX; steps++) {
            int len = out.getUnsignedByte(messageStart + p);
            if ((len & 0xC0) == 0xC0) {
                p = out.getUnsignedShort(messageStart + p) & 0x3FFF;
                continue;
            }
            if (skip == 0) return p;
            if (len == 0) break;
            p += len + 1;
            skip--;
        }
        throw new IllegalStateException("name at " + at + " has fewer labels than the shared tail needs");
    }
}
