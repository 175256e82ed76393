package io.waymark.adapters.log;

import io.waymark.adapters.fs.DataDir;
import io.waymark.adapters.fs.DataFile;
import io.waymark.adapters.fs.FileDataDir;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable append-only log of byte entries. A new log is format 3 ({@code "WMLOG3\n\0"} in a sector
 * of its own, then 512-byte self-checking sectors in space zeroed ahead of the appends: see
 * {@link Sectors}), so that an append's fsync writes data only, never the file's size or its block
 * map. Logs of format 2 (an 8-byte header {@code "WMLOG2\n\0"}, then frames
 * {@code [u32 length][u32 crc32c(payload)][u32 crc32c(length ++ payload crc)][payload]}, big-endian,
 * the file ending where the data ends) and format 1 ({@code "WMLOG1\n\0"}, frames
 * {@code [u32 length][u32 crc32c(length ++ payload)][payload]}) are still read and appended to, and
 * become format 3 at their next compaction.
 *
 * <p>Why format 2's frame header has its own checksum: without it, a flipped bit that makes the last
 * entry's length larger looks exactly like a torn append and would be cut — losing an acknowledged
 * entry. Format 3 checks every sector instead, and numbers its batches, for the same reason.
 *
 * <p>Durability: {@link #append} writes all given entries with one write and then ONE
 * {@link DataFile#force} before returning, so callers batch many entries behind one fsync (group
 * commit). Nothing is acknowledged by this class; the caller acknowledges after append returns.
 *
 * <p>Recovery: {@link #open} scans every frame (see {@link FrameReader} for the rules). Only a torn
 * tail — what a crash during an unacknowledged append leaves — is cut (truncated and fsynced, with a
 * warning). Any other damage — a complete entry failing its checksum, garbage followed by data — is
 * corruption, and open refuses with {@link LogDamagedException} (file, offset, reason, what to do)
 * without changing the file: corruption is never truncation. {@link #salvage} reads past damage for
 * callers whose entries are self-contained.
 *
 * <p>After a failed append the log cuts its file back to the last durable size before reporting the
 * failure, because after a failed fsync the kernel may still show the unsynced bytes to a reader
 * that will never see them on disk (PostgreSQL's fsync lesson); a log that cannot even do that stays
 * failed. Not thread-safe: one writer at a time (the stores serialize their commits). All I/O goes
 * through the {@link DataDir} port, so the simulator runs this very class over a disk that tears.
 */
public final class AppendLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AppendLog.class);
    static final byte[] HEADER_V1 = "WMLOG1\n\0".getBytes(StandardCharsets.US_ASCII);
    static final byte[] HEADER_V2 = "WMLOG2\n\0".getBytes(StandardCharsets.US_ASCII);
    static final byte[] HEADER = "WMLOG3\n\0".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT = 3;
    /** How far ahead of the appends a format-3 log zeroes its file: at least this, at most {@link #ZEROED_AHEAD_MAX}. */
    static final int ZEROED_AHEAD_MIN = 16 << 10;
    /** A quarter of the file, up to this: one append in this many bytes pays for growing the file. */
    static final int ZEROED_AHEAD_MAX = 1 << 20;
    /** Java arrays cap a single entry anyway; keep well below that. */
    public static final int ENTRY_BYTES_LIMIT = 1 << 30;
    /** One buffer per batch keeps an append one system call; larger batches go in chunks of this. */
    private static final int WRITE_CHUNK_BYTES = 16 << 20;

    private final DataDir dir;
    private final String name;
    /** The file's full location, for messages. */
    private final String path;
    private final int entryBytesMax;
    // Volatile: read() runs on reader threads while the one writer appends or rewrites.
    private volatile int format;
    private volatile DataFile channel;
    /** Formats 1 and 2: the file's size. Format 3: the logical end (the data areas of the sectors in use). */
    private volatile long sizeBytes;
    /** Format 3: the last batch written (batches are numbered 1, 2, 3… in a file). */
    private int lastBatch;
    /** Format 3: the file offset up to which the file is durably zero beyond the last batch. */
    private long zeroedTo;
    private long entries;
    private final Recovery recovery;
    /** Set when the file's tail or handle is in doubt: every further append is refused until reopened. */
    private IOException failure;

    private AppendLog(DataDir dir, String name, int entryBytesMax, int format, DataFile channel, long sizeBytes, long entries, Recovery recovery, int lastBatch, long zeroedTo) {
        this.dir = dir;
        this.name = name;
        this.path = dir.describe(name);
        this.entryBytesMax = entryBytesMax;
        this.format = format;
        this.channel = channel;
        this.sizeBytes = sizeBytes;
        this.entries = entries;
        this.recovery = recovery;
        this.lastBatch = lastBatch;
        this.zeroedTo = zeroedTo;
    }

    /**
     * Opens (or creates) the log, hands every good entry to {@code replay} in order, cuts a torn tail,
     * and returns the log positioned for appending. Refuses a damaged log with
     * {@link LogDamagedException}, leaving it as it is. The buffers given to {@code replay} are
     * read-only views valid only during the call.
     */
    public static AppendLog open(Path path, int entryBytesMax, Consumer<ByteBuffer> replay) throws IOException {
        Path abs = path.toAbsolutePath();
        return open(FileDataDir.open(abs.getParent()), abs.getFileName().toString(), entryBytesMax, replay);
    }

    /** As {@link #open(Path, int, Consumer)}, for the file {@code name} of {@code dir}. */
    public static AppendLog open(DataDir dir, String name, int entryBytesMax, Consumer<ByteBuffer> replay) throws IOException {
        return open(dir, name, entryBytesMax, (Replay) (offset, payload) -> replay.accept(payload));
    }

    /** Receives each good entry at open, with the offset {@link #read} takes to read it again. */
    @FunctionalInterface
    public interface Replay {
        void accept(long offset, ByteBuffer payload);
    }

    /** As {@link #open(DataDir, String, int, Consumer)}, telling {@code replay} where each entry lies. */
    public static AppendLog open(DataDir dir, String name, int entryBytesMax, Replay replay) throws IOException {
        return open(dir, name, entryBytesMax, replay, FORMAT);
    }

    /** As {@link #open(DataDir, String, int, Replay)}, creating a missing file in {@code newFileFormat} (2 or 3; 2 for tests of old logs). */
    static AppendLog open(DataDir dir, String name, int entryBytesMax, Replay replay, int newFileFormat) throws IOException {
        if (newFileFormat != 2 && newFileFormat != 3) throw new IllegalArgumentException("new logs are format 2 or 3, not " + newFileFormat);
        checkLimit(entryBytesMax);
        String path = dir.describe(name);
        long tornHeaderBytes = 0;
        if (dir.exists(name)) {
            DataFile ch = dir.open(name);
            try {
                long fileBytes = ch.size();
                int format = headerFormat(ch, fileBytes, path);
                if (format != 0) {
                    // The name itself may still be an unsynced create or rename (a compaction that failed
                    // at its directory fsync): make it durable before anything appended to it is acknowledged.
                    dir.sync();
                    AppendLog log = recover(dir, name, entryBytesMax, format, ch, fileBytes, replay);
                    removeLeftovers(dir, name);
                    return log;
                }
                tornHeaderBytes = fileBytes;
            } catch (IOException | RuntimeException | Error e) {
                ch.close();
                throw e;
            }
            ch.close();
            // A crash while creating the file leaves a torn header: nothing was ever acknowledged in it.
            LOG.warn("log {}: cut {} bytes of a torn header at offset 0 after 0 good entries", path, tornHeaderBytes);
        }
        DataFile ch = create(dir, name, newFileFormat);
        long empty = newFileFormat == 3 ? 0 : HEADER.length;
        Recovery r = tornHeaderBytes > 0 ? new Recovery(0, empty, tornHeaderBytes, "torn header") : Recovery.clean(0, empty);
        return new AppendLog(dir, name, entryBytesMax, newFileFormat, ch, empty, 0, r, 0, Sectors.BYTES);
    }

    /**
     * Deletes what a crash left of a creation or a compaction that never reached its rename: this log
     * is the current one, so they hold nothing that is not in it (or was never acknowledged).
     */
    private static void removeLeftovers(DataDir dir, String name) throws IOException {
        List<String> leftovers = List.of(name + ".new", name + ".compact", name + ".compact.new");
        for (String n : dir.list()) { // bounded by the directory's size
            if (!leftovers.contains(n)) continue;
            dir.delete(n);
            LOG.info("log {}: removed {} left by an interrupted creation or compaction", dir.describe(name), n);
        }
    }

    /**
     * Creates an empty log atomically: header sector written to a temporary file, fsynced, renamed
     * into place, directory fsynced. So the name only ever points at a durable header — never at one a
     * failed fsync left in the page cache only.
     */
    private static DataFile create(DataDir dir, String name, int format) throws IOException {
        String tmp = name + ".new";
        dir.delete(tmp);
        try (DataFile t = dir.open(tmp)) {
            t.write(ByteBuffer.wrap(format == 3 ? Arrays.copyOf(HEADER, Sectors.BYTES) : HEADER_V2), 0);
            t.force();
        } catch (IOException e) {
            try {
                dir.delete(tmp); // never leave a half-made file behind
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        dir.rename(tmp, name);
        dir.sync(); // the new file's name must survive a crash too
        return dir.open(name);
    }

    private static AppendLog recover(DataDir dir, String name, int entryBytesMax, int format, DataFile ch, long fileBytes, Replay replay) throws IOException {
        String path = dir.describe(name);
        if (format == 3) return recoverSectors(dir, name, entryBytesMax, ch, fileBytes, replay);
        Recovery r = scan(new FrameReader(ch, fileBytes, format, entryBytesMax), fileBytes, path, replay);
        if (r.cut()) {
            ch.truncate(r.bytesKept());
            ch.force();
            LOG.warn("log {}: cut {} bytes at offset {} after {} good entries ({}); those writes were never acknowledged",
                    path, r.bytesCut(), r.bytesKept(), r.entriesKept(), r.reason());
        }
        return new AppendLog(dir, name, entryBytesMax, format, ch, r.bytesKept(), r.entriesKept(), r, 0, 0);
    }

    private static AppendLog recoverSectors(DataDir dir, String name, int entryBytesMax, DataFile ch, long fileBytes, Replay replay) throws IOException {
        String path = dir.describe(name);
        Sectors.Scan scan = Sectors.scan(ch, fileBytes, entryBytesMax, path, replay);
        Recovery r = Recovery.clean(scan.entries(), scan.logicalEnd());
        long zeroedTo = Math.max(scan.tailFrom(), fileBytes / Sectors.BYTES * Sectors.BYTES);
        if (scan.torn()) {
            // Cut, as a failed append is (see failed): the next append grows the file again.
            ch.truncate(scan.tailFrom());
            ch.force();
            zeroedTo = scan.tailFrom();
            r = new Recovery(scan.entries(), scan.logicalEnd(), scan.tailTo() - scan.tailFrom(), scan.reason());
            LOG.warn("log {}: cut {} bytes at file offset {} after {} good entries ({}); those writes were never acknowledged",
                    path, r.bytesCut(), scan.tailFrom(), r.entriesKept(), r.reason());
        }
        return new AppendLog(dir, name, entryBytesMax, 3, ch, scan.logicalEnd(), scan.entries(), r, scan.lastBatch(), zeroedTo);
    }

    private static void checkLimit(int entryBytesMax) {
        if (entryBytesMax < 1 || entryBytesMax > ENTRY_BYTES_LIMIT) throw new IllegalArgumentException("entryBytesMax must be in 1.." + ENTRY_BYTES_LIMIT);
    }

    /**
     * The file's format from its header, or 0 when the header is torn: the file is shorter than a
     * header and a prefix of one, or at most a header's worth of zeros (the header is fsynced before
     * any entry is appended, so no entry was ever acknowledged behind a torn one). Anything else is
     * not ours, or damaged.
     */
    private static int headerFormat(DataFile ch, long fileBytes, String path) throws IOException {
        int n = (int) Math.min(fileBytes, HEADER.length);
        ByteBuffer header = ByteBuffer.allocate(n);
        ch.readFully(header, 0);
        byte[] h = header.array();
        if (n == HEADER.length && Arrays.equals(h, HEADER)) return 3;
        if (n == HEADER.length && Arrays.equals(h, HEADER_V2)) return 2;
        if (n == HEADER.length && Arrays.equals(h, HEADER_V1)) return 1;
        for (byte[] known : List.of(HEADER, HEADER_V2, HEADER_V1)) {
            if (n < HEADER.length && Arrays.equals(h, Arrays.copyOf(known, n))) return 0;
        }
        // Zeros only where a header write's size reached the disk without its data. A longer file of
        // zeros is damage: a header is fsynced before the file gets its name, so entries behind it
        // may have been acknowledged.
        if (fileBytes <= HEADER.length && Sectors.zeros(ch, 0, fileBytes)) return 0;
        throw new LogDamagedException(path, 0, 0, "not a Waymark log (bad header)");
    }

    private static Recovery scan(FrameReader reader, long fileBytes, String path, Replay replay) throws IOException {
        long pos = HEADER.length;
        long entries = 0;
        // Bounded: every good frame consumes at least its overhead of a finite file.
        while (pos < fileBytes) {
            FrameReader.Frame f = reader.at(pos);
            switch (f) {
                case FrameReader.Frame.Good g -> {
                    replay.accept(g.offset(), g.payload());
                    entries++;
                    pos = g.next();
                }
                case FrameReader.Frame.Torn t -> {
                    return new Recovery(entries, pos, fileBytes - pos, t.reason());
                }
                case FrameReader.Frame.Damaged d -> throw new LogDamagedException(path, pos, entries, d.reason());
            }
        }
        return Recovery.clean(entries, pos);
    }

    /**
     * Reads a possibly damaged log without changing it: every frame that passes its checksums goes to
     * {@code replay}, in file order; damaged ranges are skipped (the reader resynchronizes on the next
     * frame whose checksums pass) and reported, and a torn tail is reported as such. For logs whose
     * entries are self-contained, so that serving what is readable beats serving nothing.
     */
    public static SalvageReport salvage(DataDir dir, String name, int entryBytesMax, Consumer<ByteBuffer> replay) throws IOException {
        checkLimit(entryBytesMax);
        String path = dir.describe(name);
        if (!dir.exists(name)) return new SalvageReport(path, 0, List.of(), 0);
        try (DataFile ch = dir.open(name)) {
            long fileBytes = ch.size();
            int format;
            try {
                format = headerFormat(ch, fileBytes, path);
            } catch (LogDamagedException e) {
                // A damaged file header alone: what follows may still be good. Its layout tells the format.
                format = fileBytes >= 2L * Sectors.BYTES
                        && Sectors.classify(Sectors.readSectors(ch, 1, 2), new java.util.zip.CRC32C()) instanceof Sectors.Sector.Good ? 3 : 2;
            }
            if (format == 0) return new SalvageReport(path, 0, List.of(), fileBytes);
            if (format == 3) return Sectors.salvage(ch, fileBytes, entryBytesMax, path, replay);
            FrameReader reader = new FrameReader(ch, fileBytes, format, entryBytesMax);
            List<SalvageReport.Damage> damage = new ArrayList<>();
            long entries = 0;
            long pos = HEADER.length;
            while (pos < fileBytes) { // bounded: pos strictly increases
                FrameReader.Frame f = reader.at(pos);
                if (f instanceof FrameReader.Frame.Good g) {
                    replay.accept(g.payload());
                    entries++;
                    pos = g.next();
                    continue;
                }
                long next = resync(reader, pos + 1, fileBytes);
                if (next == fileBytes && f instanceof FrameReader.Frame.Torn) return new SalvageReport(path, entries, damage, fileBytes - pos);
                String reason = f instanceof FrameReader.Frame.Damaged d ? d.reason() : ((FrameReader.Frame.Torn) f).reason() + ", then good frames";
                if (damage.size() < SalvageReport.DAMAGE_RANGES_MAX) damage.add(new SalvageReport.Damage(pos, next - pos, reason));
                pos = next;
            }
            return new SalvageReport(path, entries, damage, 0);
        }
    }

    /** The first offset at or after {@code from} where a good frame starts, or the end of the file. */
    private static long resync(FrameReader reader, long from, long fileBytes) throws IOException {
        for (long q = from; q < fileBytes; q++) { // bounded by the file size
            if (reader.goodAt(q)) return q;
        }
        return fileBytes;
    }

    /**
     * Appends all entries with one write and makes them durable with one fsync. On IOException
     * nothing of the batch is acknowledged; the log tries to cut its file back to the last durable
     * size and then refuses further appends: the caller must treat its state as failed and reopen.
     */
    public List<Long> append(List<byte[]> batch) throws IOException {
        if (failure != null) throw new IOException("log " + path + " failed earlier; reopen it", failure);
        if (batch.isEmpty()) return List.of();
        if (format == 3) return appendSectors(batch);
        long total = 0;
        List<Long> offsets = new ArrayList<>(batch.size());
        for (byte[] e : batch) {
            checkEntry(e);
            offsets.add(sizeBytes + total);
            total += FrameReader.overheadBytes(format) + e.length;
        }
        long pos;
        try {
            pos = writeFrames(batch, total);
            channel.force();
        } catch (IOException e) {
            failed(e, sizeBytes);
            throw e;
        }
        if (pos != sizeBytes + total) throw new IllegalStateException("log " + path + ": wrote " + (pos - sizeBytes) + " bytes, expected " + total);
        sizeBytes = pos;
        entries += batch.size();
        return offsets;
    }

    private List<Long> appendSectors(List<byte[]> batch) throws IOException {
        if (lastBatch == Integer.MAX_VALUE) throw new IOException("log " + path + ": batch numbers exhausted; compact it");
        long stream = 0;
        List<Long> offsets = new ArrayList<>(batch.size());
        for (byte[] e : batch) {
            checkEntry(e);
            offsets.add(sizeBytes + stream);
            stream += Sectors.ENTRY_HEAD + e.length;
        }
        stream += Sectors.TRAILER;
        long start = Sectors.sectorStart(sizeBytes);
        long end = start + Sectors.sectorsFor(stream) * Sectors.BYTES;
        long zeroTo = zeroedTo;
        try {
            Sectors.writeBatch(channel, start, lastBatch + 1, batch, stream, WRITE_CHUNK_BYTES);
            if (end > zeroedTo) {
                // Grow ahead, behind the same fsync: the appends after this one overwrite durable zeros.
                long ahead = Math.clamp(end / 4, ZEROED_AHEAD_MIN, ZEROED_AHEAD_MAX);
                zeroTo = (end + ahead + Sectors.BYTES - 1) / Sectors.BYTES * Sectors.BYTES;
                Sectors.zero(channel, end, zeroTo);
            }
            channel.force();
        } catch (IOException e) {
            failed(e, start);
            throw e;
        }
        sizeBytes += Sectors.sectorsFor(stream) * Sectors.DATA;
        lastBatch++;
        zeroedTo = Math.max(zeroedTo, zeroTo);
        entries += batch.size();
        return offsets;
    }

    /**
     * The payload of the entry at {@code offset} (as given by {@link #append}, {@link #rewrite} or
     * the replay at open), checked against its checksums again. Safe on reader threads while the one
     * writer appends. An offset from before a {@link #rewrite} names nothing (or another entry) in the
     * new file: callers verify what they decode and look the offset up again.
     */
    public byte[] read(long offset) throws IOException {
        long size = sizeBytes;
        int f0 = format;
        long first = f0 == 3 ? 0 : HEADER.length; // format 3 counts offsets in the sectors' data
        if (offset < first || offset >= size) throw new IOException("log " + path + ": no entry at offset " + offset + " (size " + size + ")");
        if (f0 == 3) {
            try (DataFile ch = dir.open(name)) {
                return Sectors.read(ch, offset, size, entryBytesMax, path);
            }
        }
        // A handle of its own: a FileChannel closes for everyone when a thread blocked in it is
        // interrupted, and a reader thread (an HTTP request timing out) must never close the writer's.
        try (DataFile ch = dir.open(name)) {
            FrameReader.Frame f = new FrameReader(ch, Math.min(size, ch.size()), f0, entryBytesMax).at(offset);
            return switch (f) {
                case FrameReader.Frame.Good g -> {
                    byte[] b = new byte[g.payload().remaining()];
                    g.payload().get(b);
                    yield b;
                }
                case FrameReader.Frame.Torn t -> throw new LogDamagedException(path, offset, t.reason() + " in an entry read back");
                case FrameReader.Frame.Damaged d -> throw new LogDamagedException(path, offset, d.reason() + " in an entry read back");
            };
        }
    }


    /**
     * Best effort: cut the file where the failed batch began (format 2: the durable size; format 3:
     * the batch's first sector, zeroed space ahead included), so that a reopen cannot replay what was
     * never durable. A cut, not zeros written over it: truncation drops the page cache's copy even
     * when its own fsync fails, and zeros could be lost the way the batch was.
     */
    private void failed(IOException e, long cutTo) {
        failure = e;
        try {
            channel.truncate(cutTo);
            channel.force();
        } catch (IOException | RuntimeException cut) {
            e.addSuppressed(cut);
            LOG.error("log {}: after a failed write, cutting the file back to offset {} failed too; a reopen may see bytes the disk never got", path, cutTo);
        }
    }

    private long writeFrames(List<byte[]> batch, long total) throws IOException {
        // One buffer per batch keeps the write a single system call in the common case; batches
        // larger than the chunk are written in chunks, still behind one fsync.
        int overhead = FrameReader.overheadBytes(format);
        int chunkBytes = (int) Math.min(total, WRITE_CHUNK_BYTES);
        ByteBuffer buf = ByteBuffer.allocate(Math.max(chunkBytes, overhead)).order(ByteOrder.BIG_ENDIAN);
        CRC32C crc = new CRC32C();
        byte[] head = new byte[8];
        long pos = sizeBytes;
        for (byte[] e : batch) {
            crc.reset();
            if (format == 1) {
                ByteBuffer.wrap(head).putInt(e.length);
                crc.update(head, 0, 4);
            }
            crc.update(e);
            int payloadCrc = (int) crc.getValue();
            if (buf.remaining() < overhead) pos = flush(buf, pos);
            buf.putInt(e.length).putInt(payloadCrc);
            if (format == 2) {
                ByteBuffer.wrap(head).putInt(e.length).putInt(payloadCrc);
                crc.reset();
                crc.update(head, 0, 8);
                buf.putInt((int) crc.getValue());
            }
            int off = 0;
            while (off < e.length) { // bounded by e.length / buffer size
                if (!buf.hasRemaining()) pos = flush(buf, pos);
                int n = Math.min(buf.remaining(), e.length - off);
                buf.put(e, off, n);
                off += n;
            }
        }
        return flush(buf, pos);
    }

    private long flush(ByteBuffer buf, long pos) throws IOException {
        buf.flip();
        int n = buf.remaining();
        channel.write(buf, pos);
        buf.clear();
        return pos + n;
    }

    /**
     * Replaces the whole log with {@code live} (a snapshot of the state the caller rebuilds from), so
     * that the file stops growing with history. Crash-safe: the new file is written beside the old one,
     * fsynced, renamed over it atomically, and the directory is fsynced; a crash at any point leaves
     * either the old or the new log, both complete.
     *
     * <p>A failure BEFORE the rename leaves this log intact and usable: the temporary file is removed
     * (best effort) and the exception says so ({@link CompactionFailedException}). A failure after
     * the rename leaves the handle in doubt: the log then refuses appends until reopened. Returns the
     * offsets of the new entries, in order.
     */
    public List<Long> rewrite(List<byte[]> live) throws IOException {
        if (failure != null) throw new IOException("log " + path + " failed earlier; reopen it", failure);
        for (byte[] e : live) checkEntry(e);
        String tmp = name + ".compact";
        AppendLog fresh = null;
        List<Long> offsets;
        try {
            dir.delete(tmp);
            fresh = open(dir, tmp, entryBytesMax, b -> {
                throw new IllegalStateException("fresh compaction file is not empty: " + dir.describe(tmp));
            });
            offsets = fresh.append(live);
            fresh.channel.close();
        } catch (IOException e) {
            if (fresh != null) fresh.channel.close();
            try {
                dir.delete(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new CompactionFailedException("log " + path + ": compaction failed before its rename; the log is intact and still in use", e);
        }
        try {
            dir.rename(tmp, name);
            dir.sync();
            DataFile old = channel;
            DataFile next = dir.open(name);
            format = fresh.format;
            lastBatch = fresh.lastBatch;
            zeroedTo = fresh.zeroedTo;
            sizeBytes = fresh.sizeBytes;
            channel = next;
            old.close();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        entries = live.size();
        LOG.info("log {}: compacted to {} entries, {} bytes", path, entries, sizeBytes);
        return offsets;
    }

    private void checkEntry(byte[] e) {
        if (e == null || e.length < 1) throw new IllegalArgumentException("log entries must not be empty");
        if (e.length > entryBytesMax) throw new IllegalArgumentException("log entry of " + e.length + " bytes exceeds the limit of " + entryBytesMax + " bytes for " + path);
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public long entries() {
        return entries;
    }

    public int entryBytesMax() {
        return entryBytesMax;
    }

    /** What {@link #open} found and cut. */
    public Recovery recovery() {
        return recovery;
    }

    /** The file's name in its directory. */
    public String name() {
        return name;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
