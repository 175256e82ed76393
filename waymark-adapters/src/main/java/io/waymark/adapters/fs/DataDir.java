package io.waymark.adapters.fs;

import java.io.IOException;
import java.util.List;

/**
 * A data directory: the file-system port of the durable stores. Files are named by plain names
 * (no separators). Creating, renaming and deleting are durable only after {@link #sync()} — until
 * then a crash may lose them, as on a real file system whose directory was not fsynced.
 *
 * <p>Implementations: {@link FileDataDir} (production) and the simulator's disk, which tears and
 * drops whatever a crash may tear or drop and injects ENOSPC, EIO and flipped bits.
 */
public interface DataDir {
    /** Opens {@code name} for reading and writing, creating it empty when it does not exist. */
    DataFile open(String name) throws IOException;

    boolean exists(String name) throws IOException;

    /** Deletes {@code name} if it exists (not durable until {@link #sync()}). */
    void delete(String name) throws IOException;

    /** Renames {@code from} over {@code to} atomically, replacing it (not durable until {@link #sync()}). */
    void rename(String from, String to) throws IOException;

    /** Names of the files in the directory, sorted. */
    List<String> list() throws IOException;

    /** Fsyncs the directory itself: makes creates, renames and deletes so far durable. */
    void sync() throws IOException;

    /** Where {@code name} is, for messages an operator acts on (e.g. the absolute path). */
    String describe(String name);

    /** Refuses names that could escape the directory. */
    static String checkName(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a plain file name: " + name);
        }
        return name;
    }
}
