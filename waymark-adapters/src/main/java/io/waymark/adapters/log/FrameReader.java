package io.waymark.adapters.log;

import io.waymark.adapters.fs.DataFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Reads one frame of an {@link AppendLog} at an offset and tells a torn tail from damage, under the
 * crash model of appends: unsynced appends reach the disk as a prefix (the last one torn at any byte),
 * or the file's size reaches it before the data (zeros). So a frame is TORN when its header or its
 * payload runs past the end of the file, or when the file is all zeros from the frame on; any other
 * failure — a complete entry that fails its checksum, a header that fails its checksum with non-zero
 * bytes after it — is DAMAGED: no crash produces it.
 *
 * <p>Format 2 frames carry a checksum of their header (TigerBeetle's redundant headers), so a flipped
 * bit in the length of the last entry is damage, not a "torn" frame that would be cut. Format 1 frames
 * cannot tell that case apart; they are still read, and rewritten as format 2 at the next compaction.
 */
final class FrameReader {
    /** Read-ahead window: scanning never issues one system call per frame header. */
    private static final int WINDOW_BYTES = 64 << 10;

    sealed interface Frame {
        long offset();

        record Good(long offset, ByteBuffer payload, long next) implements Frame {}

        record Torn(long offset, String reason) implements Frame {}

        record Damaged(long offset, String reason) implements Frame {}
    }

    private static final Frame BAD = new Frame.Damaged(-1, "not a frame");
    private final DataFile file;
    private final long fileBytes;
    private final int format;
    private final int entryBytesMax;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer window = ByteBuffer.allocate(0);
    private long windowStart;

    FrameReader(DataFile file, long fileBytes, int format, int entryBytesMax) {
        if (format != 1 && format != 2) throw new IllegalArgumentException("unknown log format " + format);
        this.file = file;
        this.fileBytes = fileBytes;
        this.format = format;
        this.entryBytesMax = entryBytesMax;
    }

    static int overheadBytes(int format) {
        return format == 1 ? 8 : 12;
    }

    Frame at(long pos) throws IOException {
        return read(pos, true);
    }

    /** Whether a good frame starts at {@code pos} (cheap: no scan for zeros, for resynchronizing). */
    boolean goodAt(long pos) throws IOException {
        return read(pos, false) instanceof Frame.Good;
    }

    private Frame read(long pos, boolean classify) throws IOException {
        int overhead = overheadBytes(format);
        long remaining = fileBytes - pos;
        if (remaining < overhead) return new Frame.Torn(pos, "torn frame header (" + remaining + " of " + overhead + " bytes)");
        ByteBuffer h = bytes(pos, overhead);
        int length = h.getInt(0);
        int payloadCrc = h.getInt(4);
        if (format == 2) {
            crc.reset();
            crc.update(h.array(), h.arrayOffset(), 8);
            if ((int) crc.getValue() != h.getInt(8)) return classify ? zerosOrDamage(pos, "frame header fails its checksum") : BAD;
        } else if (length == 0 && payloadCrc == 0) {
            return classify ? zerosOrDamage(pos, "zero frame header") : BAD;
        }
        if (length < 1 || length > entryBytesMax) return new Frame.Damaged(pos, "impossible entry length " + Integer.toUnsignedString(length) + " (limit " + entryBytesMax + ")");
        if (remaining - overhead < length) return new Frame.Torn(pos, "torn entry (" + length + " bytes announced, " + (remaining - overhead) + " present)");
        ByteBuffer payload = bytes(pos + overhead, length);
        crc.reset();
        if (format == 1) crc.update(h.array(), h.arrayOffset(), 4);
        crc.update(payload.duplicate());
        if ((int) crc.getValue() != payloadCrc) return new Frame.Damaged(pos, "complete entry of " + length + " bytes fails its checksum");
        return new Frame.Good(pos, payload.asReadOnlyBuffer(), pos + overhead + length);
    }

    private Frame zerosOrDamage(long pos, String reason) throws IOException {
        return allZeroFrom(pos) ? new Frame.Torn(pos, "all zeros to the end of the file (the size reached the disk, the data did not)") : new Frame.Damaged(pos, reason);
    }

    private boolean allZeroFrom(long pos) throws IOException {
        // Bounded: each iteration consumes up to a window of a finite file.
        for (long p = pos; p < fileBytes; ) {
            int n = (int) Math.min(WINDOW_BYTES, fileBytes - p);
            ByteBuffer b = bytes(p, n);
            for (int i = 0; i < n; i++) if (b.get(i) != 0) return false;
            p += n;
        }
        return true;
    }

    /** {@code length} bytes at {@code pos}, from the read-ahead window when they fit in one. */
    private ByteBuffer bytes(long pos, int length) throws IOException {
        if (length > WINDOW_BYTES) {
            ByteBuffer big = ByteBuffer.allocate(length);
            file.readFully(big, pos);
            return big.flip();
        }
        if (pos < windowStart || pos + length > windowStart + window.limit()) {
            int n = (int) Math.min(WINDOW_BYTES, fileBytes - pos);
            window = ByteBuffer.allocate(n);
            file.readFully(window, pos);
            window.flip();
            windowStart = pos;
        }
        return window.slice((int) (pos - windowStart), length);
    }
}
