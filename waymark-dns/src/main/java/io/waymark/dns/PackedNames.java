package io.waymark.dns;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.xbill.DNS.Type;

/**
 * The packed form of a plain name: one run of bytes in a shard's arena instead of a {@link NameNode},
 * its key array, an {@link RRsetWire} and a data array per RRset and the array holding those. Most
 * names of a large zone are plain (authoritative, nothing but unweighted A and AAAA RRsets, not
 * managed), and as objects they cost about 300 bytes each; packed, about 70 (bench/dns-memory).
 *
 * <p>Layout at {@code at}: prefix length L, the L bytes of the key (lower-cased wire name) before the
 * zone's apex (every name of a zone ends with it: stored once per zone, in {@code apexKeys}, by zone
 * index), the zone's index (2 bytes), the RRset count, then per RRset its record count n, the fixed
 * part every record of it shares (type, class, TTL, RDATA length: 10 bytes) and n RDATAs of that
 * length. Replies are built from it byte for byte as {@link RRsetWire#write} builds them from the
 * unpacked form.
 */
final class PackedNames {
    /** Type, class, TTL and RDATA length: the part of a record after its owner and before its RDATA. */
    private static final int FIXED = 10;
    private static final int RECORDS_MAX = 0xFF;
    private static final int ZONE_INDEX_MAX = 0xFFFF;
    private static final int RRSETS_MAX = 2; // one A and one AAAA
    private static final int KEY_AT = 1;
    /** The largest packed RRset as written: its records, each a 2-byte owner pointer, the fixed part and an AAAA's RDATA. */
    static final int SCRATCH_BYTES = RECORDS_MAX * (2 + FIXED + 16);

    private PackedNames() {}

    /** Whether {@code node} has a packed form that answers exactly as it does. */
    static boolean packable(NameNode node) {
        if (node.kind() != NameNode.Kind.AUTHORITATIVE || node.managed() != null || node.referral() != null) return false;
        if (node.cnameTarget() != null || node.dnameTarget() != null || node.zone().index() > ZONE_INDEX_MAX) return false;
        if (node.rrsets().length > RRSETS_MAX) return false;
        for (RRsetWire r : node.rrsets()) if (!packable(r)) return false;
        return true;
    }

    /** Unweighted A or AAAA, of evenly sized records sharing one fixed part: nothing lost by storing that part once. */
    private static boolean packable(RRsetWire r) {
        if (r.type() != Type.A && r.type() != Type.AAAA) return false;
        if (r.variants() != null || r.compressed() != null || r.extras() != null) return false;
        int n = r.recordCount();
        int rdataLength = r.type() == Type.A ? 4 : 16;
        int stride = FIXED + rdataLength;
        byte[] d = r.data();
        if (n > RECORDS_MAX || d.length != n * stride) return false;
        if (uint16(d, 0) != r.type() || uint16(d, 8) != rdataLength) return false;
        int[] offsets = r.offsets();
        for (int i = 0; i < n; i++) {
            if (offsets[i] != i * stride || !Arrays.equals(d, i * stride, i * stride + FIXED, d, 0, FIXED)) return false;
        }
        return true;
    }

    /** Bytes the packed form of {@code node} takes; {@code node} must be {@link #packable}. */
    static int length(NameNode node) {
        int length = KEY_AT + node.key().length - node.zone().apexLength() + 2 + 1;
        for (RRsetWire r : node.rrsets()) length += 1 + FIXED + r.recordCount() * (r.data().length / r.recordCount() - FIXED);
        return length;
    }

    /** Bytes of the packed name at {@code at}, read from the arena. */
    static int length(byte[] arena, int at) {
        int p = rrsetsAt(arena, at);
        int count = arena[p - 1] & 0xff;
        for (int i = 0; i < count; i++) p = nextRRset(arena, p);
        return p - at;
    }

    /** Writes the packed form of {@code node} at {@code at}, its zone's apex key {@code apexKey}; returns where it ends. */
    static int write(NameNode node, byte[] apexKey, byte[] arena, int at) {
        if (!packable(node)) throw new IllegalArgumentException("not a plain name (bug): " + ZoneContent.name(node.key()));
        byte[] key = node.key();
        int prefix = key.length - apexKey.length;
        if (prefix < 0 || !Arrays.equals(key, prefix, key.length, apexKey, 0, apexKey.length)) {
            throw new IllegalArgumentException("name " + ZoneContent.name(key) + " lies outside its zone's apex (bug)");
        }
        int p = at;
        arena[p++] = (byte) prefix;
        System.arraycopy(key, 0, arena, p, prefix);
        p += prefix;
        arena[p++] = (byte) (node.zone().index() >>> 8);
        arena[p++] = (byte) node.zone().index();
        arena[p++] = (byte) node.rrsets().length;
        for (RRsetWire r : node.rrsets()) {
            int n = r.recordCount();
            int stride = r.data().length / n;
            arena[p++] = (byte) n;
            System.arraycopy(r.data(), 0, arena, p, FIXED);
            p += FIXED;
            for (int i = 0; i < n; i++, p += stride - FIXED) System.arraycopy(r.data(), i * stride + FIXED, arena, p, stride - FIXED);
        }
        if (p - at != length(node) || length(arena, at) != p - at) throw new IllegalStateException("packed name of the wrong length (bug)");
        return p;
    }

    /** Whether the packed name at {@code at} is the lower-cased name at {@code a[offset, offset+length)}. */
    static boolean keyEquals(byte[] arena, int at, byte[][] apexKeys, byte[] a, int offset, int length) {
        int prefix = arena[at] & 0xff;
        byte[] apex = apexKeys[zoneIndex(arena, at)];
        return prefix + apex.length == length && Arrays.equals(arena, at + KEY_AT, at + KEY_AT + prefix, a, offset, offset + prefix)
                && Arrays.equals(apex, 0, apex.length, a, offset + prefix, offset + length);
    }

    /** Whether the packed name at {@code at} is {@code *.} followed by the lower-cased name at {@code a[offset, offset+length)}. */
    static boolean wildcardEquals(byte[] arena, int at, byte[][] apexKeys, byte[] a, int offset, int length) {
        int prefix = arena[at] & 0xff;
        int k = at + KEY_AT;
        if (prefix < 2 || arena[k] != 1 || arena[k + 1] != '*') return false;
        byte[] apex = apexKeys[zoneIndex(arena, at)];
        int rest = prefix - 2; // the wildcard's labels between '*' and the apex
        return rest + apex.length == length && Arrays.equals(arena, k + 2, k + prefix, a, offset, offset + rest)
                && Arrays.equals(apex, 0, apex.length, a, offset + rest, offset + length);
    }

    static int zoneIndex(byte[] arena, int at) {
        return uint16(arena, at + KEY_AT + (arena[at] & 0xff));
    }

    /** Whether the name holds any RRset (an empty non-terminal holds none). */
    static boolean hasData(byte[] arena, int at) {
        return arena[rrsetsAt(arena, at) - 1] != 0;
    }

    /** Where the RRset of {@code type} starts (its record count), or -1 when the name has none. */
    static int rrset(byte[] arena, int at, int type) {
        int p = rrsetsAt(arena, at);
        int count = arena[p - 1] & 0xff;
        for (int i = 0; i < count; i++, p = nextRRset(arena, p)) if (uint16(arena, p + 1) == type) return p;
        return -1;
    }

    /**
     * Writes the RRset at {@code rrset} (from {@link #rrset}) with its owner a pointer to
     * {@code ownerOffset}, as {@link RRsetWire#write} writes an unweighted RRset; returns the record
     * count. The records are assembled in {@code scratch} (at least {@link #SCRATCH_BYTES}) and handed
     * to the buffer in one call: three buffer calls per record cost more than the whole answer (JMH).
     */
    static int writeRRset(byte[] arena, int rrset, ByteBuf out, int ownerOffset, byte[] scratch) {
        if (scratch.length < SCRATCH_BYTES) throw new IllegalArgumentException("scratch of " + scratch.length + " bytes, below " + SCRATCH_BYTES);
        int n = arena[rrset] & 0xff;
        int fixed = rrset + 1;
        int rdataLength = uint16(arena, fixed + 8);
        byte pointerHigh = (byte) (0xC0 | (ownerOffset >>> 8));
        byte pointerLow = (byte) ownerOffset;
        int p = 0;
        // Byte loops, not System.arraycopy: for 10 and 4 bytes the call costs more than the copy.
        for (int i = 0, rdata = fixed + FIXED; i < n; i++, rdata += rdataLength) {
            scratch[p++] = pointerHigh;
            scratch[p++] = pointerLow;
            for (int b = 0; b < FIXED; b++) scratch[p++] = arena[fixed + b];
            for (int b = 0; b < rdataLength; b++) scratch[p++] = arena[rdata + b];
        }
        out.writeBytes(scratch, 0, p);
        return n;
    }

    /** The packed name at {@code at} as a node again (off the query path: updates, transfers, reads). */
    static NameNode node(byte[] arena, int at, ZoneServing[] zones, byte[][] apexKeys) {
        int prefix = arena[at] & 0xff;
        int zoneIndex = zoneIndex(arena, at);
        ZoneServing zone = zoneIndex < zones.length ? zones[zoneIndex] : null;
        if (zone == null) throw new IllegalStateException("packed name of an unknown zone " + zoneIndex + " (bug)");
        byte[] apex = apexKeys[zoneIndex];
        byte[] key = Arrays.copyOf(Arrays.copyOfRange(arena, at + KEY_AT, at + KEY_AT + prefix), prefix + apex.length);
        System.arraycopy(apex, 0, key, prefix, apex.length);
        int p = rrsetsAt(arena, at);
        RRsetWire[] rrsets = new RRsetWire[arena[p - 1] & 0xff];
        for (int r = 0; r < rrsets.length; r++, p = nextRRset(arena, p)) rrsets[r] = unpack(arena, p);
        return new NameNode(key, zone, NameNode.Kind.AUTHORITATIVE, rrsets, null, null, null, null);
    }

    private static RRsetWire unpack(byte[] arena, int rrset) {
        int n = arena[rrset] & 0xff;
        int fixed = rrset + 1;
        int rdataLength = uint16(arena, fixed + 8);
        int stride = FIXED + rdataLength;
        byte[] data = new byte[n * stride];
        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++) {
            offsets[i] = i * stride;
            System.arraycopy(arena, fixed, data, i * stride, FIXED);
            System.arraycopy(arena, fixed + FIXED + i * rdataLength, data, i * stride + FIXED, rdataLength);
        }
        offsets[n] = data.length;
        return new RRsetWire(uint16(arena, fixed), data, RRsetWire.shareable(offsets), null);
    }

    /** Where the first RRset starts: after the key's prefix, zone index and the RRset count (the byte before it). */
    private static int rrsetsAt(byte[] arena, int at) {
        return at + KEY_AT + (arena[at] & 0xff) + 2 + 1;
    }

    private static int nextRRset(byte[] arena, int rrset) {
        return rrset + 1 + FIXED + (arena[rrset] & 0xff) * uint16(arena, rrset + 1 + 8);
    }

    private static int uint16(byte[] a, int at) {
        return ((a[at] & 0xff) << 8) | (a[at + 1] & 0xff);
    }
}
