package io.waymark.server.daemon;

import io.waymark.server.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process per data directory (DESIGN.md, "Corruption is never truncation"; issue 7, defect 10):
 * two daemons on one directory both ran, handed out the same generations and corrupted the logs.
 *
 * <p>An exclusive OS lock ({@link FileChannel#tryLock}, fcntl/flock under the hood) on
 * {@value #FILE} in the directory, held for the whole life of the daemon. The OS drops it when the
 * process dies, even by SIGKILL, so a crash never leaves a stale lock behind; the file itself stays
 * (deleting it would let a third process lock a new file while the second still holds the old one).
 * The holder's pid is written into the file for the refusal message only; it is never trusted for
 * the decision. A second daemon in the SAME JVM gets {@link OverlappingFileLockException} instead of
 * a null lock, and is refused the same way.
 */
public final class DataDirLock implements AutoCloseable {
    public static final String FILE = "waymark.lock";
    /** A pid line is short; a larger file is not ours to trust. */
    private static final int HOLDER_BYTES_MAX = 64;

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dataDir} (which must exist) or refuses, naming the directory and the holder's pid when known. */
    public static DataDirLock acquire(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM (another daemon instance)
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder = holder(channel);
            channel.close();
            throw new ConfigException("data directory " + dataDir + " is in use by another waymark process"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")") + ", which holds the lock on " + file
                    + ": one process per data directory; stop that process, or give this one another data directory (dataDir, --data-dir)");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw e;
        }
        return new DataDirLock(channel, lock);
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(HOLDER_BYTES_MAX);
            channel.read(buf, 0);
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
            return text.matches("[0-9]{1,19}") ? text : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Releases the lock (the file stays: see the class comment). */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) lock.release();
        } finally {
            channel.close();
        }
    }
}
