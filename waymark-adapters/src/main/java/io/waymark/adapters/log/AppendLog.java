package io.waymark.adapters.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
 * {@link FileChannel#force} before returning, so callers batch many entries behind one fsync (group
 * commit). Nothing is acknowledged by this class; the caller acknowledges after append returns.
 *
 * <p>Recovery: {@link #open} scans every frame; the first frame that is torn (shorter than its length),
 * has an impossible length or fails its checksum ends the log. Everything from there on is cut off
 * (the file is truncated and fsynced) and a warning says how many bytes were cut and where. Entries
 * after a corrupt one are not trusted: with a prefix-only rule recovery is simple and never resurrects
 * an entry whose predecessor was lost.
 *
 * <p>Not thread-safe: one writer at a time (the stores serialize their commits).
 */
public final class AppendLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AppendLog.class);
    static final byte[] HEADER = "WMLOG1\n\0".getBytes(StandardCharsets.US_ASCII);
    static final int FRAME_OVERHEAD_BYTES = 8;
    /** Java arrays cap a single entry anyway; keep well below that. */
    public static final int ENTRY_BYTES_LIMIT = 1 << 30;

    private final Path path;
    private final int entryBytesMax;
    private FileChannel channel;
    private long sizeBytes;
    private long entries;
    private final Recovery recovery;

    private AppendLog(Path path, int entryBytesMax, FileChannel channel, long sizeBytes, long entries, Recovery recovery) {
        this.path = path;
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
        if (entryBytesMax < 1 || entryBytesMax > ENTRY_BYTES_LIMIT) throw new IllegalArgumentException("entryBytesMax must be in 1.." + ENTRY_BYTES_LIMIT);
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean created = !Files.exists(path);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (created || ch.size() < HEADER.length) {
                // A crash while creating the file leaves a torn header: nothing was ever acknowledged in it.
                long torn = ch.size();
                if (torn > 0) LOG.warn("log {}: cut {} bytes of a torn header at offset 0 after 0 good entries", path, torn);
                ch.truncate(0);
                writeFully(ch, ByteBuffer.wrap(HEADER), 0);
                ch.force(true);
                fsyncDirectory(dir); // the new file's name must survive a crash too
                return new AppendLog(path, entryBytesMax, ch, HEADER.length, 0, torn > 0 ? new Recovery(0, HEADER.length, torn, "torn header") : Recovery.clean(0, HEADER.length));
            }
            Recovery r = scan(ch, path, entryBytesMax, replay);
            if (r.cut()) {
                ch.truncate(r.bytesKept());
                ch.force(true);
                LOG.warn("log {}: cut {} bytes at offset {} after {} good entries ({}); those writes were never acknowledged",
                        path, r.bytesCut(), r.bytesKept(), r.entriesKept(), r.reason());
            }
            return new AppendLog(path, entryBytesMax, ch, r.bytesKept(), r.entriesKept(), r);
        } catch (IOException | RuntimeException | Error e) {
            ch.close();
            throw e;
        }
    }

    private static Recovery scan(FileChannel ch, Path path, int entryBytesMax, Consumer<ByteBuffer> replay) throws IOException {
        long fileBytes = ch.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER.length);
        readFully(ch, header, 0);
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
            readFully(ch, frameHeader, pos);
            int length = frameHeader.getInt(0);
            int storedCrc = frameHeader.getInt(4);
            if (length < 1 || length > entryBytesMax) return new Recovery(entries, pos, remaining, "impossible entry length " + Integer.toUnsignedString(length));
            if (remaining - FRAME_OVERHEAD_BYTES < length) return new Recovery(entries, pos, remaining, "torn entry (" + length + " bytes announced, " + (remaining - FRAME_OVERHEAD_BYTES) + " present)");
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(ch, payload, pos + FRAME_OVERHEAD_BYTES);
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
        channel.force(false);
        if (pos != sizeBytes + total) throw new IllegalStateException("log " + path + ": wrote " + (pos - sizeBytes) + " bytes, expected " + total);
        sizeBytes = pos;
        entries += batch.size();
    }

    private long flush(ByteBuffer buf, long pos) throws IOException {
        buf.flip();
        int n = buf.remaining();
        writeFully(channel, buf, pos);
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
        Path tmp = path.resolveSibling(path.getFileName() + ".compact");
        Files.deleteIfExists(tmp);
        AppendLog fresh = open(tmp, entryBytesMax, b -> {
            throw new IllegalStateException("fresh compaction file is not empty: " + tmp);
        });
        try {
            fresh.append(live);
        } catch (IOException | RuntimeException e) {
            fresh.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
        fresh.channel.close();
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot compact " + path + ": the file system has no atomic rename", e);
        }
        fsyncDirectory(path.toAbsolutePath().getParent());
        FileChannel old = channel;
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
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

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) { // FileChannel writes to regular files complete in one call; bounded anyway by progress
            int n = ch.write(buf, p);
            if (n <= 0) throw new IOException("write made no progress at offset " + p);
            p += n;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) throw new IOException("unexpected end of file at offset " + p);
            p += n;
        }
    }

    /** On Linux a directory opened read-only can be fsynced; that makes a create or rename durable. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
