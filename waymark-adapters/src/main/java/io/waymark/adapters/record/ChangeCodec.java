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
 * and JSON would cost more than the fsync. Layout (big-endian):
 * <pre>
 * u8 version=1, u32 count, then per change:
 *   u16 nameLength, name (UTF-8), u64 generation,
 *   u8 hashKind: 1 = SHA-256 as 32 raw bytes | 0 = u8 length + text (any other hash text),
 *   u32 ttlSeconds, u16 addressCount, per address: u8 addressLength (4|16), address, u32 weight
 * </pre>
 * A retirement (tombstone) is a change with ttlSeconds 0 and no addresses: a record set is never
 * empty, so older readers never wrote one and the layout needs no new version.
 * The log's CRC already guarantees these bytes are what was written; decoding still checks every
 * bound, because a bug in an older writer must not turn into an out-of-memory at start.
 */
final class ChangeCodec {
    static final byte VERSION = 1;
    private static final byte HASH_TEXT = 0;
    private static final byte HASH_SHA256 = 1;
    private static final int ENTRY_HEADER_BYTES = 1 + 4;
    /** The smallest change: 1-char name, generation, empty text hash, ttl, zero addresses. */
    private static final int CHANGE_BYTES_MIN = 2 + 1 + 8 + 2 + 4 + 2;

    /** Bounds the per-entry cache of decoded record sets. */
    private static final int SHARED_RECORD_SETS_MAX = 1 << 16;

    private ChangeCodec() {}

    /** Splits {@code changes} into entries of at most {@code entryBytesMax} bytes (normally one). */
    static List<byte[]> encode(List<EndpointChange> changes, int entryBytesMax) {
        List<byte[]> entries = new ArrayList<>(1);
        ByteBuffer b = startEntry(Math.min(entryBytesMax, 64 + changes.size() * 96));
        int count = 0;
        Stamp lastStamp = null;
        byte[] lastHash = null;
        for (EndpointChange c : changes) { // bounded by changes.size()
            if (c.stamp() != lastStamp && !c.stamp().equals(lastStamp)) { // a commit group usually carries one plan's stamp: encode it once
                lastStamp = c.stamp();
                lastHash = hashBytes(lastStamp.planHash());
            }
            byte[] name = c.endpoint().name().getBytes(StandardCharsets.UTF_8);
            int bytes = 2 + name.length + 8 + lastHash.length + 4 + 2;
            List<WeightedAddress> addresses = c.isRetirement() ? List.of() : c.records().addresses();
            for (WeightedAddress a : addresses) bytes += 1 + (a.isIpv4() ? 4 : 16) + 4;
            if (ENTRY_HEADER_BYTES + bytes > entryBytesMax) throw new IllegalArgumentException("record set of " + c.endpoint() + " does not fit a log entry of " + entryBytesMax + " bytes");
            if (b.position() + bytes > entryBytesMax) {
                entries.add(finishEntry(b, count));
                b = startEntry(Math.min(entryBytesMax, 64 + (changes.size() - count) * 96));
                count = 0;
            }
            if (b.remaining() < bytes) b = grow(b, bytes, entryBytesMax);
            b.putShort((short) name.length).put(name).putLong(c.stamp().generation().value()).put(lastHash);
            b.putInt(c.isRetirement() ? 0 : c.records().ttlSeconds()).putShort((short) addresses.size());
            for (WeightedAddress a : addresses) {
                byte[] raw = a.address().getAddress();
                b.put((byte) raw.length).put(raw).putInt(a.weight());
            }
            count++;
        }
        if (count > 0) entries.add(finishEntry(b, count));
        return entries;
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

    private static ByteBuffer startEntry(int capacity) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(capacity, ENTRY_HEADER_BYTES + 64));
        b.put(VERSION).putInt(0); // count patched in finishEntry
        return b;
    }

    private static ByteBuffer grow(ByteBuffer b, int needed, int entryBytesMax) {
        long want = Math.max((long) b.capacity() * 2, (long) b.position() + needed);
        ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(want, entryBytesMax));
        b.flip();
        return bigger.put(b);
    }

    private static byte[] finishEntry(ByteBuffer b, int count) {
        b.putInt(1, count);
        return Arrays.copyOf(b.array(), b.position());
    }

    static List<EndpointChange> decode(ByteBuffer b) {
        try {
            byte version = b.get();
            if (version != VERSION) throw new IllegalArgumentException("unknown record log entry version " + version);
            int count = b.getInt();
            if (count < 0 || count > b.remaining() / CHANGE_BYTES_MIN) throw new IllegalArgumentException("impossible change count " + count);
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
                    String text = hash[0] == HASH_SHA256 ? HexFormat.of().formatHex(hash, 1, 33) : new String(hash, 1, hash.length - 1, StandardCharsets.UTF_8);
                    lastStamp = new Stamp(Generation.of(generation), new PlanHash(text));
                    lastHash = hash;
                }
                RecordSet records = readRecordSet(b, shared);
                out.add(new EndpointChange(new Endpoint(new String(name, StandardCharsets.UTF_8)), lastStamp, records));
            }
            if (b.hasRemaining()) throw new IllegalArgumentException(b.remaining() + " trailing bytes after " + count + " changes");
            return out;
        } catch (BufferUnderflowException | UnknownHostException e) {
            throw new IllegalArgumentException("malformed record log entry", e);
        }
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
