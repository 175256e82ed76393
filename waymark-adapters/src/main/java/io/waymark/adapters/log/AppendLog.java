package io.waymark.adapters.log;

import io.waymark.adapters.fs.DataDir;
import io.waymark.adapters.fs.DataFile;
import io.waymark.adapters.fs.FileDataDir;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable append-only log of byte entries. File layout: an 8-byte header {@code "WMLOG1\n\0"},
 * then frames {@code [u32 length][u32 crc32c(length bytes ++ payload)][payload]}, big-endian.
 *
 * <p>Why the checksum also covers the length: a flipped bit in a length field would otherwise make
 * the scanner skip a wrong number of bytes and misread everything after it as frames.
 *
 * <p>Durability: {@link #append} writes all given entries with one write and then ONE
 * {@link DataFile#force} before returning, so callers batch many entries behind one fsync (group
 * commit). Nothing is acknowledged by this class; the caller acknowledges after append returns.
 *
 * <p>Recovery: {@link #open} scans every frame; the first frame that is torn (shorter than its length),
 * has an impossible length or fails its checksum ends the log. Everything from there on is cut off
 * (the file is truncated and fsynced) and a warning says how many bytes were cut and where. Entries
 * after a corrupt one are not trusted: with a prefix-only rule recovery is simple and never resurrects
 * an entry whose predecessor was lost.
 *
 * <p>Not thread-safe: one writer at a time (the stores serialize their commits). All I/O goes through
 * the {@link DataDir} port, so the simulator runs this very class over a disk that tears and drops.
 */
public final class AppendLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AppendLog.class);
    static final byte[] HEADER = "WMLOG1\n\0".getBytes(StandardCharsets.US_ASCII);
    static final int FRAME_OVERHEAD_BYTES = 8;
    /** Java arrays cap a single entry anyway; keep well below that. */
    public static final int ENTRY_BYTES_LIMIT = 1 << 30;

    private final DataDir dir;
    private final String name;
    /** The file's full location, for messages. */
    private final String path;
    private final int entryBytesMax;
    private DataFile channel;
    private long sizeBytes;
    private long entries;
    private final Recovery recovery;

    private AppendLog(DataDir dir, String name, int entryBytesMax, DataFile channel, long sizeBytes, long entries, Recovery recovery) {
        this.dir = dir;
        this.name = name;
        this.path = dir.describe(name);
        this.entryBytesMax = entryBytesMax;
        this.channel = channel;
        this.sizeBytes = sizeBytes;
        this.entries = entries;
        this.recovery = recovery;
    }

    /**
     * Opens (or creates) the log, hands every good entry to {@code replay} in order, cuts a bad tail,
     * and returns the log positioned for appending. The buffers given to {@code replay} are read-only
     * views valid only during the call.
     */
    public static AppendLog open(Path path, int entryBytesMax, Consumer<ByteBuffer> replay) throws IOException {
        Path abs = path.toAbsolutePath();
        return open(FileDataDir.open(abs.getParent()), abs.getFileName().toString(), entryBytesMax, replay);
    }

    /** As {@link #open(Path, int, Consumer)}, for the file {@code name} of {@code dir}. */
    public static AppendLog open(DataDir dir, String name, int entryBytesMax, Consumer<ByteBuffer> replay) throws IOException {
        if (entryBytesMax < 1 || entryBytesMax > ENTRY_BYTES_LIMIT) throw new IllegalArgumentException("entryBytesMax must be in 1.." + ENTRY_BYTES_LIMIT);
        String path = dir.describe(name);
        boolean created = !dir.exists(name);
        DataFile ch = dir.open(name);
        try {
            if (created || ch.size() < HEADER.length) {
                // A crash while creating the file leaves a torn header: nothing was ever acknowledged in it.
                long torn = ch.size();
                if (torn > 0) LOG.warn("log {}: cut {} bytes of a torn header at offset 0 after 0 good entries", path, torn);
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(HEADER), 0);
                ch.force();
                dir.sync(); // the new file's name must survive a crash too
                return new AppendLog(dir, name, entryBytesMax, ch, HEADER.length, 0, torn > 0 ? new Recovery(0, HEADER.length, torn, "torn header") : Recovery.clean(0, HEADER.length));
            }
            Recovery r = scan(ch, path, entryBytesMax, replay);
            if (r.cut()) {
                ch.truncate(r.bytesKept());
                ch.force();
                LOG.warn("log {}: cut {} bytes at offset {} after {} good entries ({}); those writes were never acknowledged",
                        path, r.bytesCut(), r.bytesKept(), r.entriesKept(), r.reason());
            }
            return new AppendLog(dir, name, entryBytesMax, ch, r.bytesKept(), r.entriesKept(), r);
        } catch (IOException | RuntimeException | Error e) {
            ch.close();
            throw e;
        }
    }

    private static Recovery scan(DataFile ch, String path, int entryBytesMax, Consumer<ByteBuffer> replay) throws IOException {
        long fileBytes = ch.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER.length);
        ch.readFully(header, 0);
        if (!Arrays.equals(header.array(), HEADER)) throw new LogCorruptException("not a Waymark log (bad header): " + path);
        long pos = HEADER.length;
        long entries = 0;
        ByteBuffer frameHeader = ByteBuffer.allocate(FRAME_OVERHEAD_BYTES).order(ByteOrder.BIG_ENDIAN);
        CRC32C crc = new CRC32C();
        // Bounded: every iteration consumes at least FRAME_OVERHEAD_BYTES of a finite file.
        while (pos < fileBytes) {
            long remaining = fileBytes - pos;
            if (remaining < FRAME_OVERHEAD_BYTES) return new Recovery(entries, pos, remaining, "torn frame header");
            frameHeader.clear();
            ch.readFully(frameHeader, pos);
            int length = frameHeader.getInt(0);
            int storedCrc = frameHeader.getInt(4);
            if (length < 1 || length > entryBytesMax) return new Recovery(entries, pos, remaining, "impossible entry length " + Integer.toUnsignedString(length));
            if (remaining - FRAME_OVERHEAD_BYTES < length) return new Recovery(entries, pos, remaining, "torn entry (" + length + " bytes announced, " + (remaining - FRAME_OVERHEAD_BYTES) + " present)");
            ByteBuffer payload = ByteBuffer.allocate(length);
            ch.readFully(payload, pos + FRAME_OVERHEAD_BYTES);
            crc.reset();
            crc.update(frameHeader.array(), 0, 4);
            crc.update(payload.array(), 0, length);
            if ((int) crc.getValue() != storedCrc) return new Recovery(entries, pos, remaining, "checksum mismatch");
            payload.flip();
            replay.accept(payload.asReadOnlyBuffer());
            entries++;
            pos += FRAME_OVERHEAD_BYTES + length;
        }
        return Recovery.clean(entries, pos);
    }

    /**
     * Appends all entries with one write and makes them durable with one fsync. On IOException the
     * log's on-disk tail is unknown (some entries may be durable): the caller must treat its state as
     * failed and reopen, which will recover a consistent prefix.
     */
    public void append(List<byte[]> batch) throws IOException {
        if (batch.isEmpty()) return;
        long total = 0;
        for (byte[] e : batch) {
            checkEntry(e);
            total += FRAME_OVERHEAD_BYTES + e.length;
        }
        // One buffer per batch keeps the write a single system call in the common case; batches
        // larger than the chunk are written in chunks, still behind one fsync.
        int chunkBytes = (int) Math.min(total, 16L << 20);
        ByteBuffer buf = ByteBuffer.allocate(Math.max(chunkBytes, FRAME_OVERHEAD_BYTES)).order(ByteOrder.BIG_ENDIAN);
        CRC32C crc = new CRC32C();
        byte[] lengthBytes = new byte[4];
        long pos = sizeBytes;
        for (byte[] e : batch) {
            ByteBuffer.wrap(lengthBytes).putInt(e.length);
            crc.reset();
            crc.update(lengthBytes);
            crc.update(e);
            if (buf.remaining() < FRAME_OVERHEAD_BYTES) pos = flush(buf, pos);
            buf.putInt(e.length).putInt((int) crc.getValue());
            int off = 0;
            while (off < e.length) { // bounded by e.length / buffer size
                if (!buf.hasRemaining()) pos = flush(buf, pos);
                int n = Math.min(buf.remaining(), e.length - off);
                buf.put(e, off, n);
                off += n;
            }
        }
        pos = flush(buf, pos);
        channel.force();
        if (pos != sizeBytes + total) throw new IllegalStateException("log " + path + ": wrote " + (pos - sizeBytes) + " bytes, expected " + total);
        sizeBytes = pos;
        entries += batch.size();
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
     */
    public void rewrite(List<byte[]> live) throws IOException {
        for (byte[] e : live) checkEntry(e);
        String tmp = name + ".compact";
        dir.delete(tmp);
        AppendLog fresh = open(dir, tmp, entryBytesMax, b -> {
            throw new IllegalStateException("fresh compaction file is not empty: " + dir.describe(tmp));
        });
        try {
            fresh.append(live);
        } catch (IOException | RuntimeException e) {
            fresh.close();
            dir.delete(tmp);
            throw e;
        }
        fresh.channel.close();
        dir.rename(tmp, name);
        dir.sync();
        DataFile old = channel;
        channel = dir.open(name);
        old.close();
        sizeBytes = fresh.sizeBytes;
        entries = live.size();
        LOG.info("log {}: compacted to {} entries, {} bytes", path, entries, sizeBytes);
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
