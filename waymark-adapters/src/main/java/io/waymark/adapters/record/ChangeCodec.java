package io.waymark.adapters.record;

import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Generation;
import io.waymark.core.model.PlanHash;
import io.waymark.core.model.RecordSet;
import io.waymark.core.model.Stamp;
import io.waymark.core.model.WeightedAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Compact binary form of a group of {@link EndpointChange}s: one log entry per commit group.
 * Binary rather than JSON because converging 100k endpoints writes 100k changes behind one fsync,
 * and JSON would cost more than the fsync. Layout of version 2 (big-endian), written since 2026-12:
 * <pre>
 * u8 version=2, u16 stampCount, per stamp: u64 generation, hash,
 * u32 count, then per change:
 *   u16 nameLength, name (UTF-8), u16 stampIndex (into the stamps above),
 *   u32 ttlSeconds, u16 addressCount, per address: u8 addressLength (4|16), address, u32 weight
 * hash: u8 hashKind: 1 = SHA-256 as 32 raw bytes | 0 = u8 length + text (any other hash text)
 * </pre>
 * Why a table of stamps: every plan restamps every endpoint, so a commit group nearly always carries
 * one stamp for all of its changes, and version 1 repeated it (41 of a change's ~80 bytes). Half the
 * bytes is half the pages each fsync writes, and that fsync is on the path from a plan to DNS.
 * Version 1 (the stamp in every change: u16 nameLength, name, u64 generation, hash, then the record
 * set as above, after u8 version=1, u32 count) is still read.
 *
 * <p>A retirement (tombstone) is a change with ttlSeconds 0 and no addresses: a record set is never
 * empty, so it needs no flag of its own. The log's CRC already guarantees these bytes are what was
 * written; decoding still checks every bound, because a bug in an older writer must not turn into an
 * out-of-memory at start.
 */
final class ChangeCodec {
    static final byte VERSION = 2;
    static final byte VERSION_1 = 1;
    private static final byte HASH_TEXT = 0;
    private static final byte HASH_SHA256 = 1;
    /** Version, stamp count, change count. */
    private static final int ENTRY_HEADER_BYTES = 1 + 2 + 4;
    /** The smallest change: 1-char name, stamp index (v2) or generation and empty text hash (v1), ttl, zero addresses. */
    private static final int CHANGE_BYTES_MIN = 2 + 1 + 2 + 4 + 2;
    /** The smallest stamp: generation and an empty text hash. */
    private static final int STAMP_BYTES_MIN = 8 + 2;
    /** Stamps per entry at most (a u16 index); a group holding more distinct stamps spans several entries. */
    static final int STAMPS_PER_ENTRY_MAX = 0xffff;

    /** Bounds the per-entry cache of decoded record sets. */
    private static final int SHARED_RECORD_SETS_MAX = 1 << 16;

    private ChangeCodec() {}

    /** Splits {@code changes} into entries of at most {@code entryBytesMax} bytes (normally one). */
    static List<byte[]> encode(List<EndpointChange> changes, int entryBytesMax) {
        List<byte[]> entries = new ArrayList<>(1);
        int from = 0;
        // Bounded: every entry takes at least one change (or the change alone is refused as too large).
        while (from < changes.size()) {
            Entry e = entry(changes, from, entryBytesMax);
            entries.add(e.bytes);
            from = e.end;
        }
        return entries;
    }

    private record Entry(byte[] bytes, int end) {}

    /** One entry of the changes from {@code from} on: as many as fit in {@code entryBytesMax} bytes. */
    private static Entry entry(List<EndpointChange> changes, int from, int entryBytesMax) {
        // First pass: the stamps (in order of first use) and where the entry ends.
        Map<Stamp, Integer> index = new HashMap<>();
        List<byte[]> stampBytes = new ArrayList<>();
        List<byte[]> names = new ArrayList<>();
        // Sized to what one entry can hold, not to every change left: a group split into many entries
        // would otherwise allocate the rest of the group once per entry.
        int[] stampOf = new int[(int) Math.min(changes.size() - from, (long) entryBytesMax / CHANGE_BYTES_MIN + 1)];
        long bytes = ENTRY_HEADER_BYTES;
        Stamp lastStamp = null;
        int lastIndex = -1;
        int end = from;
        for (; end < changes.size(); end++) { // bounded by changes.size()
            EndpointChange c = changes.get(end);
            int stampAt;
            long stampCost = 0;
            byte[] hash = null;
            if (c.stamp() == lastStamp || c.stamp().equals(lastStamp)) { // a group usually carries one plan's stamp
                stampAt = lastIndex;
            } else {
                Integer known = index.get(c.stamp());
                if (known != null) {
                    stampAt = known;
                } else {
                    if (index.size() == STAMPS_PER_ENTRY_MAX) break;
                    hash = hashBytes(c.stamp().planHash());
                    stampAt = index.size();
                    stampCost = 8 + hash.length;
                }
            }
            byte[] name = c.endpoint().name().getBytes(StandardCharsets.UTF_8);
            long changeCost = 2 + name.length + 2 + 4 + 2;
            for (WeightedAddress a : c.isRetirement() ? List.<WeightedAddress>of() : c.records().addresses()) changeCost += 1 + (a.isIpv4() ? 4 : 16) + 4;
            if (ENTRY_HEADER_BYTES + stampCost + changeCost > entryBytesMax) {
                throw new IllegalArgumentException("record set of " + c.endpoint() + " does not fit a log entry of " + entryBytesMax + " bytes");
            }
            if (bytes + stampCost + changeCost > entryBytesMax) break;
            if (hash != null) {
                index.put(c.stamp(), stampAt);
                ByteBuffer sb = ByteBuffer.allocate(8 + hash.length).putLong(c.stamp().generation().value()).put(hash);
                stampBytes.add(sb.array());
            }
            lastStamp = c.stamp();
            lastIndex = stampAt;
            stampOf[end - from] = stampAt;
            names.add(name);
            bytes += stampCost + changeCost;
        }
        ByteBuffer b = ByteBuffer.allocate((int) bytes);
        b.put(VERSION).putShort((short) stampBytes.size());
        for (byte[] sb : stampBytes) b.put(sb);
        b.putInt(end - from);
        for (int i = from; i < end; i++) {
            EndpointChange c = changes.get(i);
            byte[] name = names.get(i - from);
            List<WeightedAddress> addresses = c.isRetirement() ? List.of() : c.records().addresses();
            b.putShort((short) name.length).put(name).putShort((short) stampOf[i - from]);
            b.putInt(c.isRetirement() ? 0 : c.records().ttlSeconds()).putShort((short) addresses.size());
            for (WeightedAddress a : addresses) {
                byte[] raw = a.address().getAddress();
                b.put((byte) raw.length).put(raw).putInt(a.weight());
            }
        }
        if (b.hasRemaining()) throw new IllegalStateException("record log entry sized " + bytes + " bytes, wrote " + b.position());
        return new Entry(b.array(), end);
    }

    private static byte[] hashBytes(PlanHash hash) {
        if (hash.isWellFormed()) {
            byte[] out = new byte[1 + 32];
            out[0] = HASH_SHA256;
            System.arraycopy(HexFormat.of().parseHex(hash.hex()), 0, out, 1, 32);
            return out;
        }
        byte[] text = hash.hex().getBytes(StandardCharsets.UTF_8);
        if (text.length > 255) throw new IllegalArgumentException("plan hash text longer than 255 bytes");
        byte[] out = new byte[2 + text.length];
        out[0] = HASH_TEXT;
        out[1] = (byte) text.length;
        System.arraycopy(text, 0, out, 2, text.length);
        return out;
    }

    static List<EndpointChange> decode(ByteBuffer b) {
        try {
            byte version = b.get();
            if (version == VERSION_1) return decodeV1(b);
            if (version != VERSION) throw new IllegalArgumentException("unknown record log entry version " + version);
            int stampCount = Short.toUnsignedInt(b.getShort());
            if (stampCount > b.remaining() / STAMP_BYTES_MIN) throw new IllegalArgumentException("impossible stamp count " + stampCount);
            Stamp[] stamps = new Stamp[stampCount];
            for (int i = 0; i < stampCount; i++) stamps[i] = stamp(b.getLong(), readHash(b));
            int count = b.getInt();
            if (count < 0 || count > b.remaining() / CHANGE_BYTES_MIN) throw new IllegalArgumentException("impossible change count " + count);
            List<EndpointChange> out = new ArrayList<>(count);
            Map<ByteBuffer, RecordSet> shared = new HashMap<>();
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(name);
                int stampAt = Short.toUnsignedInt(b.getShort());
                if (stampAt >= stampCount) throw new IllegalArgumentException("change " + i + " names stamp " + stampAt + " of " + stampCount);
                RecordSet records = readRecordSet(b, shared);
                out.add(new EndpointChange(new Endpoint(new String(name, StandardCharsets.UTF_8)), stamps[stampAt], records));
            }
            if (b.hasRemaining()) throw new IllegalArgumentException(b.remaining() + " trailing bytes after " + count + " changes");
            return out;
        } catch (BufferUnderflowException | UnknownHostException e) {
            throw new IllegalArgumentException("malformed record log entry", e);
        }
    }

    /** Version 1: the stamp in every change. */
    private static List<EndpointChange> decodeV1(ByteBuffer b) throws UnknownHostException {
        int count = b.getInt();
        if (count < 0 || count > b.remaining() / (CHANGE_BYTES_MIN + STAMP_BYTES_MIN)) throw new IllegalArgumentException("impossible change count " + count);
        List<EndpointChange> out = new ArrayList<>(count);
        Stamp lastStamp = null;
        byte[] lastHash = new byte[0];
        Map<ByteBuffer, RecordSet> shared = new HashMap<>();
        for (int i = 0; i < count; i++) {
            byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
            b.get(name);
            long generation = b.getLong();
            byte[] hash = readHash(b);
            // Reuse the previous stamp when it repeats: building a Stamp validates its hash text.
            if (lastStamp == null || lastStamp.generation().value() != generation || !Arrays.equals(hash, lastHash)) {
                lastStamp = stamp(generation, hash);
                lastHash = hash;
            }
            RecordSet records = readRecordSet(b, shared);
            out.add(new EndpointChange(new Endpoint(new String(name, StandardCharsets.UTF_8)), lastStamp, records));
        }
        if (b.hasRemaining()) throw new IllegalArgumentException(b.remaining() + " trailing bytes after " + count + " changes");
        return out;
    }

    private static Stamp stamp(long generation, byte[] hash) {
        String text = hash[0] == HASH_SHA256 ? HexFormat.of().formatHex(hash, 1, 33) : new String(hash, 1, hash.length - 1, StandardCharsets.UTF_8);
        return new Stamp(Generation.of(generation), new PlanHash(text));
    }

    /**
     * Reads one record set (null for a retirement: no addresses), reusing an identical one decoded earlier in the same entry: many endpoints
     * usually point at the same pool of targets, and building a RecordSet (sorting, validating) costs
     * far more than comparing its bytes. Sharing also keeps one copy in memory instead of thousands.
     */
    private static RecordSet readRecordSet(ByteBuffer b, Map<ByteBuffer, RecordSet> shared) throws UnknownHostException {
        int start = b.position();
        int ttl = b.getInt();
        int addressCount = Short.toUnsignedInt(b.getShort());
        if (addressCount > RecordSet.ADDRESSES_MAX) throw new IllegalArgumentException("record set of " + addressCount + " addresses");
        if (addressCount == 0) {
            if (ttl != 0) throw new IllegalArgumentException("a retirement carries ttl 0, not " + ttl);
            return null;
        }
        for (int j = 0; j < addressCount; j++) { // first pass: find the end, to look the bytes up
            int len = Byte.toUnsignedInt(b.get());
            if (len != 4 && len != 16) throw new IllegalArgumentException("address of " + len + " bytes");
            b.position(b.position() + len + 4);
        }
        ByteBuffer key = b.slice(start, b.position() - start);
        RecordSet known = shared.get(key);
        if (known != null) return known;
        int end = b.position();
        b.position(start + 4 + 2);
        List<WeightedAddress> addresses = new ArrayList<>(addressCount);
        for (int j = 0; j < addressCount; j++) {
            byte[] raw = new byte[Byte.toUnsignedInt(b.get())];
            b.get(raw);
            addresses.add(new WeightedAddress(InetAddress.getByAddress(raw), b.getInt()));
        }
        if (b.position() != end) throw new IllegalStateException("record set decoding went astray");
        RecordSet records = new RecordSet(addresses, ttl);
        if (shared.size() < SHARED_RECORD_SETS_MAX) shared.put(key, records);
        return records;
    }

    /** The hash field as written, kind byte first (so equal fields compare equal as arrays). */
    private static byte[] readHash(ByteBuffer b) {
        byte kind = b.get();
        if (kind == HASH_SHA256) {
            byte[] h = new byte[33];
            h[0] = HASH_SHA256;
            b.get(h, 1, 32);
            return h;
        }
        if (kind != HASH_TEXT) throw new IllegalArgumentException("unknown hash kind " + kind);
        int len = Byte.toUnsignedInt(b.get());
        byte[] h = new byte[1 + len];
        h[0] = HASH_TEXT;
        b.get(h, 1, len);
        return h;
    }
}
