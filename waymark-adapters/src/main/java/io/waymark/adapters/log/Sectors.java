package io.waymark.adapters.log;

import io.waymark.adapters.fs.DataFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Format 3 of {@link AppendLog}: the file is a sequence of 512-byte sectors, written into space the
 * log zeroed and made durable beforehand, so that an append's fsync flushes data only — no block
 * allocation, no size change, no journal commit (half the fsync time of an append that grows the
 * file, on ext4 here).
 *
 * <p>Why sectors: once the file no longer ends where the data ends, the size cannot tell a torn
 * append from damage, and the page cache writes an overwrite back in any order. What a crash can
 * leave of an unsynced overwrite is, per sector, the old bytes or the new (sectors are written whole;
 * the assumption every log that overwrites in place makes). So every sector checks itself:
 * {@code [u32 crc32c(bytes 4..511)][u32 batch][u16 used][u16 flags][500 bytes of data]}. A batch —
 * the entries of one {@link AppendLog#append}, behind one fsync — fills whole sectors of its own,
 * numbered 1, 2, 3… in the file; its first and last sectors are flagged. Its data is the entries, each
 * {@code [u32 length][payload]}, then {@code [u32 crc32c]} of all of them: sectors that each pass
 * their own checksum can still come from two attempts at one batch (a torn append, cut, then written
 * again, the cut lost with a failed fsync). Offsets are logical: the position in the data areas laid
 * end to end.
 *
 * <p>Recovery, from those rules alone: a crash leaves the unacknowledged batch's sectors each either
 * as they were (zero, or left by an earlier attempt at the same place) or exactly as written, and
 * nothing of a later batch. So the log is the batches that are complete, in sequence; what follows
 * may hold zeros, sectors of the next batch number, and sectors of earlier numbers (left over from
 * attempts that were cut), and is cut as a torn append. A sector that fails its checksum, or a
 * sector of a batch beyond the next behind an incomplete one, no crash produces: the log is damaged
 * and is not changed. The one fault this cannot tell from a torn append is a disk that loses a whole sector
 * of the last acknowledged batch and returns zeros for it — as etcd's WAL cannot either.
 */
final class Sectors {
    static final int BYTES = 512;
    static final int HEAD = 12;
    static final int DATA = BYTES - HEAD;
    private static final int FLAG_LAST = 1;
    /** A batch's first sector says so: salvage can start reading again at the next batch after damage. */
    private static final int FLAG_FIRST = 2;
    /** Entries within a batch: {@code [u32 length]} before each payload. */
    static final int ENTRY_HEAD = 4;
    /** After a batch's entries: {@code [u32 crc32c]} of them. */
    static final int TRAILER = 4;

    private Sectors() {}

    /** The file offset of a logical offset. */
    static long physical(long logical) {
        return BYTES * (1 + logical / DATA) + HEAD + logical % DATA;
    }

    /** The file offset of the sector holding logical offset {@code logical}. */
    static long sectorStart(long logical) {
        return BYTES * (1 + logical / DATA);
    }

    /** How many sectors a batch of {@code streamBytes} (entries with their length fields, and the trailer) fills. */
    static long sectorsFor(long streamBytes) {
        return (streamBytes + DATA - 1) / DATA;
    }

    /** What one sector holds. */
    sealed interface Sector {
        record Zero() implements Sector {}

        record Good(int batch, boolean first, boolean last, ByteBuffer data) implements Sector {}

        record Bad(String reason) implements Sector {}
    }

    private static final Sector ZERO = new Sector.Zero();

    /** Classifies the 512 bytes at {@code s}'s position (not moved). */
    static Sector classify(ByteBuffer s, CRC32C crc) {
        int p = s.position();
        boolean zero = true;
        for (int i = 0; i < BYTES; i += 8) { // bounded: one sector
            if (s.getLong(p + i) != 0) {
                zero = false;
                break;
            }
        }
        if (zero) return ZERO;
        crc.reset();
        crc.update(s.duplicate().position(p + 4).limit(p + BYTES));
        if ((int) crc.getValue() != s.getInt(p)) return new Sector.Bad("sector fails its checksum");
        int batch = s.getInt(p + 4);
        int used = Short.toUnsignedInt(s.getShort(p + 8));
        int flags = Short.toUnsignedInt(s.getShort(p + 10));
        boolean last = (flags & FLAG_LAST) != 0;
        if (batch < 1 || used < 1 || used > DATA || (!last && used != DATA) || (flags & ~(FLAG_LAST | FLAG_FIRST)) != 0) {
            return new Sector.Bad("impossible sector header (batch " + batch + ", " + used + " bytes used, flags " + flags + ")");
        }
        return new Sector.Good(batch, (flags & FLAG_FIRST) != 0, last, s.slice(p + HEAD, used));
    }

    /**
     * Writes a batch's sectors in chunks (of at most {@code chunkBytes}, a multiple of a sector) to
     * {@code file} from {@code physicalStart}; returns the file offset after the last sector.
     */
    static long writeBatch(DataFile file, long physicalStart, int batch, List<byte[]> entries, long streamBytes, int chunkBytes) throws IOException {
        long sectors = sectorsFor(streamBytes);
        int bufBytes = (int) Math.min((long) chunkBytes, sectors * BYTES);
        ByteBuffer buf = ByteBuffer.allocate(bufBytes).order(ByteOrder.BIG_ENDIAN);
        CRC32C crc = new CRC32C();
        long pos = physicalStart;
        long written = 0; // stream bytes placed so far
        long sector = 0;
        byte[] len = new byte[ENTRY_HEAD];
        int inSector = 0; // data bytes of the current sector filled
        int sectorAt = -1; // where the current sector begins in buf
        CRC32C batchCrc = new CRC32C();
        byte[] trailer = new byte[TRAILER];
        for (int i = 0; i <= entries.size(); i++) { // the entries, then the trailer
            byte[] e = i < entries.size() ? entries.get(i) : null;
            if (e != null) {
                ByteBuffer.wrap(len).putInt(e.length);
                batchCrc.update(len);
                batchCrc.update(e);
            } else {
                ByteBuffer.wrap(trailer).putInt((int) batchCrc.getValue());
            }
            for (int part = e == null ? 1 : 0; part < 2; part++) { // the length, then the payload (or the trailer)
                byte[] src = part == 0 ? len : e == null ? trailer : e;
                int off = 0;
                while (off < src.length) { // bounded: each pass places at least one byte
                    if (sectorAt < 0) {
                        if (!buf.hasRemaining()) pos = flush(file, buf, pos);
                        sectorAt = buf.position();
                        buf.position(sectorAt + HEAD);
                        inSector = 0;
                    }
                    int n = Math.min(DATA - inSector, src.length - off);
                    buf.put(src, off, n);
                    off += n;
                    inSector += n;
                    written += n;
                    if (inSector == DATA || written == streamBytes) {
                        sector++;
                        seal(buf, sectorAt, batch, inSector, sector == 1, sector == sectors, crc);
                        sectorAt = -1;
                    }
                }
            }
        }
        if (written != streamBytes || sector != sectors) throw new IllegalStateException("batch of " + streamBytes + " bytes wrote " + written + " in " + sector + " sectors");
        return flush(file, buf, pos);
    }

    private static void seal(ByteBuffer buf, int at, int batch, int used, boolean first, boolean last, CRC32C crc) {
        // Zero padding after the last entry: the buffer is reused across chunks.
        for (int i = at + HEAD + used; i < at + BYTES; i++) buf.put(i, (byte) 0);
        buf.putInt(at + 4, batch).putShort(at + 8, (short) used).putShort(at + 10, (short) ((last ? FLAG_LAST : 0) | (first ? FLAG_FIRST : 0)));
        crc.reset();
        crc.update(buf.duplicate().position(at + 4).limit(at + BYTES));
        buf.putInt(at, (int) crc.getValue());
        buf.position(at + BYTES);
    }

    private static long flush(DataFile file, ByteBuffer buf, long pos) throws IOException {
        buf.flip();
        int n = buf.remaining();
        file.write(buf, pos);
        buf.clear();
        return pos + n;
    }

    /** Writes zeros over {@code [from, to)} of {@code file}, in chunks of at most 1 MiB. */
    static void zero(DataFile file, long from, long to) throws IOException {
        ByteBuffer z = ByteBuffer.allocate((int) Math.min(to - from, 1 << 20));
        for (long p = from; p < to; ) { // bounded by the range
            z.clear().limit((int) Math.min(z.capacity(), to - p));
            file.write(z, p);
            p += z.limit();
        }
    }

    /**
     * Splits a complete batch's data into its entries, or null when its trailer's checksum fails or
     * it does not split exactly: sectors of two attempts at one batch number.
     */
    static List<ByteBuffer> entries(List<ByteBuffer> data, int entryBytesMax) {
        long total = 0;
        for (ByteBuffer b : data) total += b.remaining();
        if (total > Integer.MAX_VALUE - 8) return null;
        if (total < TRAILER) return null;
        ByteBuffer all = ByteBuffer.allocate((int) total);
        for (ByteBuffer b : data) all.put(b.duplicate());
        all.flip();
        CRC32C crc = new CRC32C();
        crc.update(all.duplicate().limit(all.limit() - TRAILER));
        if ((int) crc.getValue() != all.getInt(all.limit() - TRAILER)) return null;
        all.limit(all.limit() - TRAILER);
        List<ByteBuffer> out = new ArrayList<>();
        while (all.hasRemaining()) { // bounded: every entry consumes at least 5 bytes
            if (all.remaining() < ENTRY_HEAD) return null;
            int length = all.getInt();
            if (length < 1 || length > entryBytesMax || length > all.remaining()) return null;
            out.add(all.slice(all.position(), length).asReadOnlyBuffer());
            all.position(all.position() + length);
        }
        return out;
    }

    /** Reads sectors {@code [fromSector, toSector)}, which must lie wholly within the file. */
    static ByteBuffer readSectors(DataFile file, long fromSector, long toSector) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) ((toSector - fromSector) * BYTES)).order(ByteOrder.BIG_ENDIAN);
        file.readFully(b, fromSector * BYTES);
        return b.flip();
    }

    /** What {@link #scan} found: the complete batches, and the torn tail to cut (empty when clean). */
    record Scan(long entries, long logicalEnd, int lastBatch, long tailFrom, long tailTo, String reason) {
        boolean torn() {
            return tailTo > tailFrom;
        }
    }

    /** Read-ahead of the scans: 128 sectors per system call. */
    private static final int WINDOW_SECTORS = 128;

    /** A file's sectors in order, read ahead a window at a time (one system call per window, not per sector). */
    private static final class SectorReader {
        private final DataFile file;
        private final long sectors;
        private final CRC32C crc = new CRC32C();
        private ByteBuffer window = ByteBuffer.allocate(0);
        private long windowFrom;

        SectorReader(DataFile file, long sectors) {
            this.file = file;
            this.sectors = sectors;
        }

        /** Sector {@code k}; a {@link Sector.Good}'s data is valid until the next call that moves the window. */
        Sector at(long k) throws IOException {
            if (k < windowFrom || k >= windowFrom + window.limit() / BYTES) {
                windowFrom = k;
                window = readSectors(file, k, Math.min(sectors, k + WINDOW_SECTORS));
            }
            return classify(window.position((int) ((k - windowFrom) * BYTES)), crc);
        }
    }

    /**
     * Reads every complete batch in sequence, handing its entries to {@code replay} with their logical
     * offsets, and checks that what follows is what a crash can leave (see the class comment).
     * Throws {@link LogDamagedException} for anything else, without changing the file.
     */
    static Scan scan(DataFile file, long fileBytes, int entryBytesMax, String path, AppendLog.Replay replay) throws IOException {
        long sectors = fileBytes / BYTES;
        SectorReader reader = new SectorReader(file, sectors);
        long entries = 0;
        int batch = 0; // the last complete batch
        long batchStartSector = 1;
        List<ByteBuffer> pending = new ArrayList<>();
        for (long k = 1; k < sectors; k++) { // bounded by the file's sectors
            Sector c = reader.at(k);
            if (!(c instanceof Sector.Good g) || g.batch() != batch + 1 || g.first() != pending.isEmpty()) break;
            pending.add(copy(g.data()));
            if (!g.last()) continue;
            List<ByteBuffer> es = entries(pending, entryBytesMax);
            long logical = (batchStartSector - 1) * DATA;
            if (es == null) break; // two attempts at this batch: judged with the tail below
            long at = logical;
            for (ByteBuffer e : es) {
                int length = e.remaining(); // before replay, which may consume the buffer
                replay.accept(at, e);
                at += ENTRY_HEAD + length;
                entries++;
            }
            batch = g.batch();
            batchStartSector = k + 1;
            pending.clear();
        }
        long logicalEnd = (batchStartSector - 1) * DATA;
        // The tail: from the first sector of the incomplete batch (if any) to the end of the file.
        long lastNonZero = -1;
        for (long t = batchStartSector; t < sectors; t++) { // bounded by the file's sectors
            switch (reader.at(t)) {
                case Sector.Zero z -> { }
                case Sector.Bad b -> throw new LogDamagedException(path, logicalEnd, entries, b.reason() + " at file offset " + t * BYTES);
                case Sector.Good g -> {
                    // The next batch torn, or what earlier attempts left (cut, the cut lost): never acknowledged.
                    // A batch beyond the next was written after the next one was complete: that one lost sectors.
                    if (g.batch() > batch + 1) {
                        throw new LogDamagedException(path, logicalEnd, entries, "a sector of batch " + g.batch() + " at file offset " + t * BYTES
                                + " behind batch " + (batch + 1) + ", which is incomplete: an acknowledged batch lost sectors");
                    }
                    lastNonZero = t;
                }
            }
        }
        long tailTo = lastNonZero < 0 ? 0 : (lastNonZero + 1) * BYTES;
        long partial = fileBytes - sectors * BYTES;
        // A file extension torn inside a sector (the header's own sector is written whole before the file gets its name).
        if (sectors >= 1 && partial > 0 && !zeros(file, sectors * BYTES, partial)) tailTo = fileBytes;
        long tailFrom = batchStartSector * BYTES;
        String reason = tailTo > tailFrom ? "torn batch " + (batch + 1) + " (" + (tailTo - tailFrom) + " bytes of it or of the space behind it)" : "clean";
        return new Scan(entries, logicalEnd, batch, tailFrom, Math.max(tailTo, tailFrom), reason);
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate());
        return c.flip();
    }

    /** Whether the {@code n} bytes at {@code from} are all zero (read 64 KiB at a time). */
    static boolean zeros(DataFile file, long from, long n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(n, 64 << 10));
        for (long p = from; p < from + n; ) { // bounded by n
            b.clear().limit((int) Math.min(b.capacity(), from + n - p));
            file.readFully(b, p);
            for (int i = 0; i < b.limit(); i++) if (b.get(i) != 0) return false;
            p += b.limit();
        }
        return true;
    }

    /**
     * The payload of the entry at logical offset {@code offset}, every sector it lies in checked
     * again and required to be of one batch; null when no entry starts there within {@code logicalEnd}.
     */
    static byte[] read(DataFile file, long offset, long logicalEnd, int entryBytesMax, String path) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] head = readStream(file, offset, ENTRY_HEAD, logicalEnd, crc, path);
        int length = ByteBuffer.wrap(head).getInt();
        if (length < 1 || length > entryBytesMax) throw new LogDamagedException(path, offset, "no entry at this offset (length " + Integer.toUnsignedString(length) + ")");
        return readStream(file, offset + ENTRY_HEAD, length, logicalEnd, crc, path);
    }

    private static byte[] readStream(DataFile file, long offset, int n, long logicalEnd, CRC32C crc, String path) throws IOException {
        if (offset + n > logicalEnd) throw new LogDamagedException(path, offset, "an entry read back runs past the end of the log");
        long first = offset / DATA + 1;
        long last = (offset + n - 1) / DATA + 1;
        ByteBuffer s = readSectors(file, first, last + 1);
        byte[] out = new byte[n];
        int batch = -1;
        int done = 0;
        for (long k = first; k <= last; k++) { // bounded by the sectors the range covers
            Sector c = classify(s.position((int) ((k - first) * BYTES)), crc);
            if (!(c instanceof Sector.Good g)) throw new LogDamagedException(path, offset, (c instanceof Sector.Bad b ? b.reason() : "zero sector") + " in an entry read back");
            if (batch >= 0 && g.batch() != batch) throw new LogDamagedException(path, offset, "an entry read back spans two batches");
            batch = g.batch();
            int from = k == first ? (int) (offset % DATA) : 0;
            int m = Math.min(n - done, DATA - from);
            if (from + m > g.data().remaining()) throw new LogDamagedException(path, offset, "an entry read back runs past its batch");
            g.data().get(from, out, done, m);
            done += m;
        }
        return out;
    }

    /**
     * Reads every batch that is whole and whose start is certain (the first sector, or right after
     * another batch's last sector) without changing the file; everything else is reported as damage,
     * except a tail that is only zeros and sectors of the next batch (a torn append).
     */
    static SalvageReport salvage(DataFile file, long fileBytes, int entryBytesMax, String path, java.util.function.Consumer<ByteBuffer> replay) throws IOException {
        long sectors = fileBytes / BYTES;
        SectorReader reader = new SectorReader(file, sectors);
        List<SalvageReport.Damage> damage = new ArrayList<>();
        List<ByteBuffer> run = new ArrayList<>();
        long runStart = -1; // sector where the run of the current batch began, -1 when none
        int runBatch = 0;
        int lastBatch = 0; // the last batch read whole
        long damageFrom = -1; // sector where the current damaged range began
        String damageReason = null;
        long entries = 0;
        for (long k = 1; k < sectors; k++) { // bounded by the file's sectors
            Sector c = reader.at(k);
            String bad = null;
            if (c instanceof Sector.Good g) {
                if (runStart >= 0 && (g.first() || g.batch() != runBatch)) {
                    if (damageFrom < 0) {
                        damageFrom = runStart;
                        damageReason = "batch " + runBatch + " ends without its last sector";
                    }
                    run.clear();
                    runStart = -1;
                }
                if (g.first()) {
                    runStart = k;
                    runBatch = g.batch();
                } else if (runStart < 0) {
                    bad = "a sector of batch " + g.batch() + " whose first sector is lost";
                }
                if (runStart >= 0) {
                    run.add(copy(g.data()));
                    if (g.last()) {
                        List<ByteBuffer> es = entries(run, entryBytesMax);
                        if (es == null) {
                            bad = "batch " + runBatch + " whose entries do not add up";
                        } else {
                            if (damageFrom >= 0) note(damage, damageFrom, runStart, damageReason);
                            damageFrom = -1;
                            for (ByteBuffer e : es) replay.accept(e);
                            entries += es.size();
                            lastBatch = runBatch;
                        }
                        run.clear();
                        runStart = -1;
                    }
                }
            } else {
                bad = c instanceof Sector.Bad b ? b.reason() : "zero sector inside the log";
                if (runStart >= 0) {
                    if (damageFrom < 0) {
                        damageFrom = runStart;
                        damageReason = "batch " + runBatch + " is missing sectors (" + bad + ")";
                    }
                    run.clear();
                    runStart = -1;
                }
            }
            if (bad != null && damageFrom < 0) {
                damageFrom = k;
                damageReason = bad;
            }
        }
        if (runStart >= 0 && damageFrom < 0) {
            damageFrom = runStart;
            damageReason = "batch " + runBatch + " ends without its last sector";
        }
        long torn = 0;
        if (damageFrom >= 0) {
            // Zeros and sectors of the next batch only: what a crash leaves, not damage.
            boolean tornTail = true;
            long end = damageFrom; // after the last sector that is not zero
            for (long t = damageFrom; t < sectors && tornTail; t++) { // bounded by the file's sectors
                Sector c = reader.at(t);
                tornTail = c instanceof Sector.Zero || (c instanceof Sector.Good g && g.batch() == lastBatch + 1);
                if (!(c instanceof Sector.Zero)) end = t + 1;
            }
            if (tornTail) torn = (end - damageFrom) * BYTES;
            else note(damage, damageFrom, sectors, damageReason);
        }
        return new SalvageReport(path, entries, damage, torn);
    }

    private static void note(List<SalvageReport.Damage> damage, long fromSector, long toSector, String reason) {
        if (damage.size() < SalvageReport.DAMAGE_RANGES_MAX) damage.add(new SalvageReport.Damage(fromSector * BYTES, (toSector - fromSector) * BYTES, reason));
    }
}
