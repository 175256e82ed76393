package io.waymark.adapters.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The production {@link DataDir}: a real directory, files through {@link FileChannel}. */
public final class FileDataDir implements DataDir {
    private final Path dir;

    private FileDataDir(Path dir) {
        this.dir = dir;
    }

    /** The directory {@code dir}, created (with its parents) when missing. */
    public static FileDataDir open(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        Files.createDirectories(abs);
        return new FileDataDir(abs);
    }

    private Path resolve(String name) {
        return dir.resolve(DataDir.checkName(name));
    }

    @Override
    public DataFile open(String name) throws IOException {
        return new ChannelFile(FileChannel.open(resolve(name), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    @Override
    public boolean exists(String name) {
        return Files.exists(resolve(name));
    }

    @Override
    public void delete(String name) throws IOException {
        Files.deleteIfExists(resolve(name));
    }

    @Override
    public void rename(String from, String to) throws IOException {
        try {
            Files.move(resolve(from), resolve(to), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + resolve(from) + " to " + to + ": the file system has no atomic rename", e);
        }
    }

    @Override
    public List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(null);
        return names;
    }

    /** On Linux a directory opened read-only can be fsynced; that makes a create or rename durable. */
    @Override
    public void sync() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public String describe(String name) {
        return resolve(name).toString();
    }

    private record ChannelFile(FileChannel channel) implements DataFile {
        @Override
        public int read(ByteBuffer dst, long offset) throws IOException {
            return channel.read(dst, offset);
        }

        @Override
        public void write(ByteBuffer src, long offset) throws IOException {
            long p = offset;
            while (src.hasRemaining()) { // FileChannel writes to regular files complete in one call; bounded anyway by progress
                int n = channel.write(src, p);
                if (n <= 0) throw new IOException("write made no progress at offset " + p);
                p += n;
            }
        }

        @Override
        public void force() throws IOException {
            channel.force(false);
        }

        @Override
        public void truncate(long sizeBytes) throws IOException {
            channel.truncate(sizeBytes);
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
