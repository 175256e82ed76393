package io.waymark.adapters.fs;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One open file of a {@link DataDir}: read and write at an offset, force, truncate, size — nothing
 * more (FoundationDB's {@code IAsyncFile}). There is no file position, so there is no hidden state
 * for a simulated implementation to get wrong.
 *
 * <p>Durability: a write is durable only after a {@link #force} that returned normally. After a
 * {@code force} failed, the written data may be lost although a later {@code force} succeeds (Linux
 * marks the pages clean; PostgreSQL's fsync lesson): callers treat the file as failed and reopen.
 *
 * <p>Implementations: {@link FileDataDir}'s (a {@code FileChannel}) and the simulator's disk.
 */
public interface DataFile extends AutoCloseable {
    /** Reads up to {@code dst.remaining()} bytes at {@code offset}; returns how many, or -1 at end of file. */
    int read(ByteBuffer dst, long offset) throws IOException;

    /** Writes all of {@code src} at {@code offset} (extending the file as needed), or throws. */
    void write(ByteBuffer src, long offset) throws IOException;

    /** Makes every write and truncate so far durable (fsync/fdatasync of the file's data). */
    void force() throws IOException;

    /** Cuts the file to {@code sizeBytes} (not durable until {@link #force}). */
    void truncate(long sizeBytes) throws IOException;

    long size() throws IOException;

    /** Releases the handle. Never throws for a handle whose file already failed. */
    @Override
    void close() throws IOException;

    /** Reads exactly {@code dst.remaining()} bytes at {@code offset}, or throws {@link EOFException}. */
    default void readFully(ByteBuffer dst, long offset) throws IOException {
        long p = offset;
        // Bounded: every iteration reads at least one byte or throws.
        while (dst.hasRemaining()) {
            int n = read(dst, p);
            if (n < 0) throw new EOFException("unexpected end of file at offset " + p);
            if (n == 0) throw new IOException("read made no progress at offset " + p);
            p += n;
        }
    }
}
