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
import java.util.List;

/**
 * Compact binary form of a group of {@link EndpointChange}s: one log entry per commit group.
 * Binary rather than JSON because converging 100k endpoints writes 100k changes behind one fsync,
 * and JSON would cost more than the fsync. Layout (big-endian):
 * <pre>
 * u8 version=1, u32 count, then per change:
 *   u16 nameLength, name (UTF-8), u64 generation, u8 hashLength, hash (ASCII hex),
 *   u32 ttlSeconds, u16 addressCount, per address: u8 addressLength (4|16), address, u32 weight
 * </pre>
 * The log's CRC already guarantees these bytes are what was written; decoding still checks every
 * bound, because a bug in an older writer must not turn into an out-of-memory at start.
 */
final class ChangeCodec {
    static final byte VERSION = 1;

    private ChangeCodec() {}

    static int encodedBytes(EndpointChange c) {
        int n = 2 + utf8(c.endpoint().name()).length + 8 + 1 + c.stamp().planHash().hex().length() + 4 + 2;
        for (WeightedAddress a : c.records().addresses()) n += 1 + a.address().getAddress().length + 4;
        return n;
    }

    /** Splits {@code changes} into entries of at most {@code entryBytesMax} bytes (normally one). */
    static List<byte[]> encode(List<EndpointChange> changes, int entryBytesMax) {
        List<byte[]> entries = new ArrayList<>(1);
        int from = 0;
        while (from < changes.size()) { // bounded: each round consumes at least one change
            int bytes = 1 + 4;
            int to = from;
            while (to < changes.size()) {
                int b = encodedBytes(changes.get(to));
                if (bytes + b > entryBytesMax) break;
                bytes += b;
                to++;
            }
            if (to == from) throw new IllegalArgumentException("record set of " + changes.get(from).endpoint() + " does not fit a log entry of " + entryBytesMax + " bytes");
            entries.add(encodeOne(changes.subList(from, to), bytes));
            from = to;
        }
        return entries;
    }

    private static byte[] encodeOne(List<EndpointChange> changes, int bytes) {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        b.put(VERSION).putInt(changes.size());
        for (EndpointChange c : changes) {
            byte[] name = utf8(c.endpoint().name());
            b.putShort((short) name.length).put(name);
            b.putLong(c.stamp().generation().value());
            byte[] hash = c.stamp().planHash().hex().getBytes(StandardCharsets.US_ASCII);
            b.put((byte) hash.length).put(hash);
            b.putInt(c.records().ttlSeconds());
            b.putShort((short) c.records().addresses().size());
            for (WeightedAddress a : c.records().addresses()) {
                byte[] raw = a.address().getAddress();
                b.put((byte) raw.length).put(raw).putInt(a.weight());
            }
        }
        if (b.hasRemaining()) throw new IllegalStateException("change encoding size mismatch: " + b.remaining() + " bytes left");
        return b.array();
    }

    static List<EndpointChange> decode(ByteBuffer b) {
        try {
            byte version = b.get();
            if (version != VERSION) throw new IllegalArgumentException("unknown record log entry version " + version);
            int count = b.getInt();
            // Each change takes at least 20 bytes: refuse counts the entry cannot hold before allocating.
            if (count < 0 || count > b.remaining() / 20) throw new IllegalArgumentException("impossible change count " + count);
            List<EndpointChange> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(name);
                long generation = b.getLong();
                byte[] hash = new byte[Byte.toUnsignedInt(b.get())];
                b.get(hash);
                int ttl = b.getInt();
                int addressCount = Short.toUnsignedInt(b.getShort());
                List<WeightedAddress> addresses = new ArrayList<>(addressCount);
                for (int j = 0; j < addressCount; j++) {
                    int len = Byte.toUnsignedInt(b.get());
                    if (len != 4 && len != 16) throw new IllegalArgumentException("address of " + len + " bytes");
                    byte[] raw = new byte[len];
                    b.get(raw);
                    addresses.add(new WeightedAddress(InetAddress.getByAddress(raw), b.getInt()));
                }
                Stamp stamp = new Stamp(Generation.of(generation), new PlanHash(new String(hash, StandardCharsets.US_ASCII)));
                out.add(new EndpointChange(new Endpoint(new String(name, StandardCharsets.UTF_8)), stamp, new RecordSet(addresses, ttl)));
            }
            if (b.hasRemaining()) throw new IllegalArgumentException(b.remaining() + " trailing bytes after " + count + " changes");
            return out;
        } catch (BufferUnderflowException | UnknownHostException e) {
            throw new IllegalArgumentException("malformed record log entry", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
