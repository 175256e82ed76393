package io.waymark.adapters.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * A real directory whose writes and fsyncs fail on demand (ENOSPC, EIO), for tests of what a store
 * does after an I/O error. The simulator's disk does this at random; this one does it when told.
 */
public final class FaultyDir implements DataDir {
    private final FileDataDir real;
    /** Files whose name ends with this fail every write while set. */
    private volatile String failWritesToSuffix;
    private volatile int forcesToFail;
    private volatile boolean full;
    private final java.util.concurrent.atomic.AtomicLong renames = new java.util.concurrent.atomic.AtomicLong();

    public FaultyDir(Path dir) throws IOException {
        this.real = FileDataDir.open(dir);
    }

    public void failWritesTo(String suffix) {
        failWritesToSuffix = suffix;
    }

    public void failNextForces(int n) {
        forcesToFail = n;
    }

    public void full(boolean isFull) {
        full = isFull;
    }

    /** Renames so far (each atomic replace of a file is one). */
    public long renames() {
        return renames.get();
    }

    @Override
    public DataFile open(String name) throws IOException {
        DataFile f = real.open(name);
        return new DataFile() {
            @Override
            public int read(ByteBuffer dst, long offset) throws IOException {
                return f.read(dst, offset);
            }

            @Override
            public void write(ByteBuffer src, long offset) throws IOException {
                String suffix = failWritesToSuffix;
                if (full || (suffix != null && name.endsWith(suffix))) throw new IOException("No space left on device (test) writing " + name);
                f.write(src, offset);
            }

            @Override
            public void force() throws IOException {
                if (forcesToFail > 0) {
                    forcesToFail--;
                    throw new IOException("Input/output error (test) in fsync of " + name);
                }
                f.force();
            }

            @Override
            public void truncate(long sizeBytes) throws IOException {
                f.truncate(sizeBytes);
            }

            @Override
            public long size() throws IOException {
                return f.size();
            }

            @Override
            public void close() throws IOException {
                f.close();
            }
        };
    }

    @Override
    public boolean exists(String name) throws IOException {
        return real.exists(name);
    }

    @Override
    public void delete(String name) throws IOException {
        real.delete(name);
    }

    @Override
    public void rename(String from, String to) throws IOException {
        renames.incrementAndGet();
        real.rename(from, to);
    }

    @Override
    public List<String> list() throws IOException {
        return real.list();
    }

    @Override
    public void sync() throws IOException {
        real.sync();
    }

    @Override
    public String describe(String name) {
        return real.describe(name);
    }
}
