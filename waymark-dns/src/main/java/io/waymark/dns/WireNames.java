package io.waymark.dns;

import java.nio.charset.StandardCharsets;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Names as lookup keys: uncompressed wire format, ASCII lower-cased (DNS compares names
 * case-insensitively, RFC 4343), hashed the same way from a byte array or straight from a query
 * buffer so that a lookup needs no copy.
 */
final class WireNames {
    static final int NAME_LENGTH_MAX = 255;
    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    private WireNames() {}

    static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }

    static int hashStart() {
        return FNV_OFFSET;
    }

    static int hashStep(int h, byte b) {
        return (h ^ (lower(b) & 0xff)) * FNV_PRIME;
    }

    /** Spreads the FNV state so both the top bits (shard) and bottom bits (slot) are usable. */
    static int hashFinish(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    static int hash(byte[] key) {
        int h = hashStart();
        for (byte b : key) h = hashStep(h, b);
        return hashFinish(h);
    }

    /** Hash of {@code a[offset, offset+length)}; equal to {@link #hash(byte[])} of the same name in any case. */
    static int hash(byte[] a, int offset, int length) {
        int h = hashStart();
        for (int i = 0; i < length; i++) h = hashStep(h, a[offset + i]);
        return hashFinish(h);
    }

    /** Whether {@code key[from..]} equals {@code a[offset, offset+length)}, which must already be lower-case. */
    static boolean equalsLowered(byte[] key, int from, byte[] a, int offset, int length) {
        return key.length - from == length && java.util.Arrays.equals(key, from, key.length, a, offset, offset + length);
    }

    static void lowerInPlace(byte[] a, int offset, int length) {
        for (int i = offset; i < offset + length; i++) a[i] = lower(a[i]);
    }

    static byte[] key(Name name) {
        byte[] wire = name.toWire();
        for (int i = 0; i < wire.length; i++) wire[i] = lower(wire[i]);
        return wire;
    }

    /**
     * Key of a canonical endpoint name (lower-case, absolute). Plain host names take a fast path
     * because converging 100k endpoints builds 100k keys; anything with escapes goes through dnsjava.
     */
    static byte[] key(String absoluteName) {
        if (absoluteName.indexOf('\\') >= 0) {
            try {
                return key(Name.fromString(absoluteName));
            } catch (TextParseException e) {
                throw new IllegalArgumentException("not a DNS name: " + absoluteName, e);
            }
        }
        byte[] text = absoluteName.getBytes(StandardCharsets.US_ASCII);
        if (text.length == 0 || text[text.length - 1] != '.') throw new IllegalArgumentException("not an absolute name: " + absoluteName);
        if (text.length == 1) return new byte[] {0};
        byte[] wire = new byte[text.length + 1];
        int labelStart = 0;
        int out = 0;
        for (int i = 0; i < text.length; i++) {
            if (text[i] == '.') {
                int len = i - labelStart;
                if (len == 0 || len > 63) throw new IllegalArgumentException("bad label length in " + absoluteName);
                wire[out++] = (byte) len;
                for (int j = labelStart; j < i; j++) wire[out++] = lower(text[j]);
                labelStart = i + 1;
            }
        }
        wire[out++] = 0;
        if (out != wire.length || out > NAME_LENGTH_MAX) throw new IllegalArgumentException("not a DNS name: " + absoluteName);
        return wire;
    }

    /** Offset of the parent's key inside {@code key} (skip the first label), or -1 at the root. */
    static int parentOffset(byte[] key, int offset) {
        int len = key[offset] & 0xff;
        return len == 0 ? -1 : offset + 1 + len;
    }

    static byte[] suffix(byte[] key, int offset) {
        byte[] out = new byte[key.length - offset];
        System.arraycopy(key, offset, out, 0, out.length);
        return out;
    }
}
