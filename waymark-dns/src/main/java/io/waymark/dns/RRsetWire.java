package io.waymark.dns;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * One RRset in wire format, prepared when the snapshot is built: each record without its owner
 * name (type, class, TTL, rdata length, uncompressed rdata). At query time the owner is written as a
 * compression pointer to wherever the name already sits in the reply (the question, or a CNAME's
 * rdata), so the same bytes serve any spelling of the query name and any position.
 *
 * <p>With {@code variants} (weighted names) a reply carries one row of the variant table: up to N
 * records drawn by weight, picked per query; without, it carries every record in order.
 */
record RRsetWire(int type, byte[] data, int[] offsets, VariantTable variants) {
    RRsetWire {
        if (offsets.length < 2) throw new IllegalArgumentException("an RRset holds at least one record");
        if (offsets[offsets.length - 1] != data.length) throw new IllegalArgumentException("offsets must end at the data length");
        if (variants != null && variants.addressCount() != offsets.length - 1) throw new IllegalArgumentException("variant table built for another record count");
    }

    static RRsetWire of(int type, List<org.xbill.DNS.Record> records) {
        return of(type, records, -1, null);
    }

    /** {@code ttlOverride} ≥ 0 replaces every record's TTL (negative answers use the SOA minimum). */
    static RRsetWire of(int type, List<org.xbill.DNS.Record> records, long ttlOverride, VariantTable variants) {
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
        return new RRsetWire(type, data, offsets, variants);
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

    int recordCount() {
        return offsets.length - 1;
    }

    /**
     * Writes the records (one variant row when weighted) with their owner as a pointer to
     * {@code ownerOffset} in the reply; {@code pick} is any int (a per-query random) choosing the row.
     * Returns how many records were written.
     */
    int write(ByteBuf out, int ownerOffset, int pick) {
        int pointer = 0xC000 | ownerOffset;
        if (variants == null) {
            int n = recordCount();
            for (int i = 0; i < n; i++) {
                out.writeShort(pointer);
                out.writeBytes(data, offsets[i], offsets[i + 1] - offsets[i]);
            }
            return n;
        }
        int width = variants.width();
        int row = variants.rowStart(pick);
        for (int j = 0; j < width; j++) {
            int i = variants.index(row + j);
            out.writeShort(pointer);
            out.writeBytes(data, offsets[i], offsets[i + 1] - offsets[i]);
        }
        return width;
    }
}
