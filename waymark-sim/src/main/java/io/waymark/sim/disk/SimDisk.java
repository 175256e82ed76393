package io.waymark.sim.disk;

import io.waymark.adapters.fs.DataDir;
import io.waymark.adapters.fs.DataFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * A simulated data directory that owns crash behaviour (FoundationDB's {@code AsyncFileNonDurable},
 * TigerBeetle's testing storage). Each file has durable bytes and a list of unsynced changes; the
 * directory has a durable name table and a list of unsynced creates, renames and deletes.
 *
 * <p>{@link #crash()} models a power cut. Of each file's unsynced changes, one of two things survives,
 * chosen at random per file: a random prefix, the last survivor torn at a random byte (or, the size
 * having reached the disk before the data, as zeros); or each 512-byte sector of the changes that
 * overwrote bytes the file already held durably, independently and in any order — what the page
 * cache's write-back does to overwrites — while what extended the file still survives as a prefix. A
 * sector is written whole or not at all (the atomicity every log that overwrites in place relies on).
 * Of the directory's unsynced changes a random prefix survives, so a created file or a rename is lost
 * when the directory was not fsynced; a bit may flip in durable data. Handles opened before a crash
 * stop working (the process that held them is gone). A write that fails leaves a prefix of itself
 * in the page cache (at a page's edge where it overwrote); only writes that grow the file can fail
 * for want of space.
 *
 * <p>Deterministic: every choice comes from the injected random generator, so a seed replays a run.
 * Not thread-safe: the storage simulation is single-threaded.
 */
public final class SimDisk implements DataDir {
    /** Bounds the fault log kept for reports. */
    private static final int DAMAGE_LOG_MAX = 64;
    /** The unit a disk writes atomically: a crash keeps or loses each one whole. */
    static final int SECTOR_BYTES = 512;
    /** The unit the page cache copies a write in. */
    static final int PAGE_BYTES = 4096;

    private final RandomGenerator random;
    private DiskFaults faults;
    private boolean full;
    private long epoch;
    private long bitFlips;
    private final List<String> damage = new ArrayList<>();

    private final TreeMap<String, Inode> durableNames = new TreeMap<>();
    private final TreeMap<String, Inode> names = new TreeMap<>();
    private final List<DirOp> unsyncedDirOps = new ArrayList<>();

    public SimDisk(RandomGenerator random, DiskFaults faults) {
        if (random == null || faults == null) throw new IllegalArgumentException("random and faults must not be null");
        this.random = random;
        this.faults = faults;
    }

    public void faults(DiskFaults next) {
        if (next == null) throw new IllegalArgumentException("faults must not be null");
        this.faults = next;
    }

    public DiskFaults faults() {
        return faults;
    }

    /** While full, every write fails with ENOSPC and writes nothing (space returns with {@code full(false)}). */
    public void full(boolean isFull) {
        this.full = isFull;
    }

    /** Bits flipped in durable data so far: damage a store may refuse to open over. */
    public long bitFlips() {
        return bitFlips;
    }

    /** What was damaged, for reports (bounded). */
    public List<String> damage() {
        return List.copyOf(damage);
    }

    private void noteDamage(String what) {
        if (damage.size() < DAMAGE_LOG_MAX) damage.add(what);
    }

    // ---- the DataDir port ----

    @Override
    public DataFile open(String name) {
        DataDir.checkName(name);
        Inode inode = names.get(name);
        if (inode == null) {
            inode = new Inode();
            names.put(name, inode);
            unsyncedDirOps.add(new DirOp.Link(name, inode));
        }
        return new Handle(name, inode, epoch);
    }

    @Override
    public boolean exists(String name) {
        return names.containsKey(DataDir.checkName(name));
    }

    @Override
    public void delete(String name) {
        if (names.remove(DataDir.checkName(name)) != null) unsyncedDirOps.add(new DirOp.Unlink(name));
    }

    @Override
    public void rename(String from, String to) throws IOException {
        Inode inode = names.get(DataDir.checkName(from));
        if (inode == null) throw new IOException("ENOENT: no such file " + from + " (simulated)");
        names.remove(from);
        names.put(DataDir.checkName(to), inode);
        // A rename is atomic even at a crash: both halves are one directory change.
        unsyncedDirOps.add(new DirOp.Rename(from, to, inode));
    }

    @Override
    public List<String> list() {
        return List.copyOf(names.keySet());
    }

    @Override
    public void sync() throws IOException {
        if (random.nextDouble() < faults.syncFaultProbability()) {
            // Some directory changes may have reached the disk before the error: a crash keeps a prefix anyway.
            throw new IOException("EIO: fsync of the directory failed (simulated)");
        }
        durableNames.clear();
        durableNames.putAll(names);
        unsyncedDirOps.clear();
    }

    @Override
    public String describe(String name) {
        return "simdisk:/" + name;
    }

    // ---- crashes and damage ----

    /** A power cut: see the class comment. Every open handle becomes unusable. */
    public void crash() {
        epoch++;
        int keptDirOps = random.nextInt(unsyncedDirOps.size() + 1);
        TreeMap<String, Inode> survived = new TreeMap<>(durableNames);
        for (DirOp op : unsyncedDirOps.subList(0, keptDirOps)) op.applyTo(survived);
        unsyncedDirOps.clear();
        durableNames.clear();
        durableNames.putAll(survived);
        names.clear();
        names.putAll(survived);
        for (Map.Entry<String, Inode> e : survived.entrySet()) {
            e.getValue().crash(random);
            if (random.nextDouble() < faults.bitFlipProbability()) flipRandomBit(e.getKey(), e.getValue());
        }
    }

    /**
     * Rot at rest while the stores run: flips one bit in the fsynced bytes of a random file that has
     * no unsynced changes (an open handle reads the flipped byte from then on). False if none qualifies.
     */
    public boolean rotRandomBit() {
        List<Map.Entry<String, Inode>> candidates = new ArrayList<>();
        for (Map.Entry<String, Inode> e : names.entrySet()) {
            if (e.getValue().durable.length > 0 && e.getValue().unsynced.isEmpty()) candidates.add(e);
        }
        if (candidates.isEmpty()) return false;
        Map.Entry<String, Inode> pick = candidates.get(random.nextInt(candidates.size()));
        flipRandomBit(pick.getKey(), pick.getValue());
        return true;
    }

    private void flipRandomBit(String name, Inode inode) {
        if (inode.durable.length == 0) return;
        long offset = random.nextLong(inode.durable.length);
        flipBit(name, offset, random.nextInt(8));
    }

    /** Flips one bit of durable data (a scripted fault for tests), as a disk that rots at rest would. */
    public void flipBit(String name, long offset, int bit) {
        Inode inode = names.get(name);
        if (inode == null || offset < 0 || offset >= inode.durable.length || bit < 0 || bit > 7) {
            throw new IllegalArgumentException("no durable byte " + offset + " (bit " + bit + ") in " + name);
        }
        // Only data at rest rots here: with unsynced changes pending, what a reader sees is ambiguous.
        if (!inode.unsynced.isEmpty()) throw new IllegalStateException(name + " has unsynced changes; flip bits after a crash or an fsync");
        inode.durable[(int) offset] ^= (byte) (1 << bit);
        inode.current = inode.durable.clone();
        bitFlips++;
        noteDamage("bit " + bit + " of byte " + offset + " of " + name);
    }

    // ---- internals ----

    private sealed interface DirOp {
        void applyTo(Map<String, Inode> table);

        record Link(String name, Inode inode) implements DirOp {
            public void applyTo(Map<String, Inode> table) {
                table.put(name, inode);
            }
        }

        record Unlink(String name) implements DirOp {
            public void applyTo(Map<String, Inode> table) {
                table.remove(name);
            }
        }

        record Rename(String from, String to, Inode inode) implements DirOp {
            public void applyTo(Map<String, Inode> table) {
                if (table.get(from) == inode) table.remove(from);
                table.put(to, inode);
            }
        }
    }

    /** One unsynced change of a file's bytes. */
    private record FileOp(long offset, byte[] bytes, long truncateTo, boolean doomed) {
        static FileOp write(long offset, byte[] bytes) {
            return new FileOp(offset, bytes, -1, false);
        }

        static FileOp truncate(long size) {
            return new FileOp(0, null, size, false);
        }

        FileOp asDoomed() {
            return new FileOp(offset, bytes, truncateTo, true);
        }

        byte[] applyTo(byte[] content) {
            if (truncateTo >= 0) return java.util.Arrays.copyOf(content, (int) truncateTo);
            byte[] out = content.length >= offset + bytes.length ? content : java.util.Arrays.copyOf(content, (int) (offset + bytes.length));
            System.arraycopy(bytes, 0, out, (int) offset, bytes.length);
            return out;
        }
    }

    /** A file's bytes: what is durable, what a reader sees now, and what lies in between. */
    private static final class Inode {
        byte[] durable = new byte[0];
        byte[] current = new byte[0];
        final List<FileOp> unsynced = new ArrayList<>();

        void change(FileOp op) {
            current = op.applyTo(current == durable ? current.clone() : current);
            unsynced.add(op);
        }

        void force() {
            byte[] d = durable.clone();
            for (FileOp op : unsynced) if (!op.doomed()) d = op.applyTo(d);
            durable = d;
            unsynced.clear();
            current = d.clone();
        }

        /** After an fsync failed: what was not durable never will be (but reads still see it until a crash). */
        void doom() {
            unsynced.replaceAll(FileOp::asDoomed);
        }

        /**
         * The write-back order of a page cache: every sector of an overwrite (bytes below the durable
         * size) reaches the disk or not, independently; the parts that extend the file reach it as a
         * prefix (the first extension not kept whole is torn or dropped, and nothing after it grows
         * the file). A truncate survives only while that prefix does.
         */
        private byte[] scattered(List<FileOp> live, RandomGenerator random) {
            byte[] d = durable.clone();
            int durableBytes = d.length;
            boolean extending = true;
            for (FileOp op : live) { // bounded by the unsynced changes
                if (op.bytes() == null) {
                    if (extending) {
                        d = op.applyTo(d);
                        durableBytes = Math.min(durableBytes, d.length);
                    }
                    continue;
                }
                long start = op.offset();
                long end = start + op.bytes().length;
                long overwriteEnd = Math.min(end, durableBytes);
                for (long s = start; s < overwriteEnd; ) { // one step per sector touched
                    long next = Math.min(overwriteEnd, (s / SECTOR_BYTES + 1) * SECTOR_BYTES);
                    if (random.nextBoolean()) System.arraycopy(op.bytes(), (int) (s - start), d, (int) s, (int) (next - s));
                    s = next;
                }
                if (end <= durableBytes || !extending) continue;
                long from = Math.max(start, durableBytes);
                byte[] ext = java.util.Arrays.copyOfRange(op.bytes(), (int) (from - start), op.bytes().length);
                switch (random.nextInt(4)) {
                    case 0, 1 -> d = FileOp.write(from, ext).applyTo(d); // kept whole
                    case 2 -> { // torn at a random byte
                        extending = false;
                        if (ext.length > 1) d = FileOp.write(from, java.util.Arrays.copyOf(ext, 1 + random.nextInt(ext.length - 1))).applyTo(d);
                    }
                    default -> extending = false; // dropped
                }
            }
            return d;
        }

        void crash(RandomGenerator random) {
            List<FileOp> live = new ArrayList<>();
            for (FileOp op : unsynced) if (!op.doomed()) live.add(op);
            if (random.nextBoolean()) {
                durable = scattered(live, random);
                current = durable.clone();
                unsynced.clear();
                return;
            }
            int kept = random.nextInt(live.size() + 1);
            byte[] d = durable.clone();
            for (FileOp op : live.subList(0, kept)) d = op.applyTo(d);
            if (kept < live.size() && live.get(kept).bytes() != null) {
                FileOp torn = live.get(kept);
                int n = torn.bytes().length;
                switch (random.nextInt(3)) {
                    case 0 -> { } // dropped whole
                    case 1 -> { // torn at a random byte; where it overwrote durable bytes, at a sector's edge
                        int prefix = n <= 1 ? 0 : 1 + random.nextInt(n - 1);
                        long tear = torn.offset() + prefix;
                        if (tear < d.length) prefix = (int) Math.max(0, tear / SECTOR_BYTES * SECTOR_BYTES - torn.offset());
                        d = FileOp.write(torn.offset(), java.util.Arrays.copyOf(torn.bytes(), prefix)).applyTo(d);
                    }
                    default -> { // the size reached the disk, the data did not
                        if (torn.offset() + n > d.length) d = java.util.Arrays.copyOf(d, (int) (torn.offset() + n));
                    }
                }
            }
            durable = d;
            current = d.clone();
            unsynced.clear();
        }
    }

    private final class Handle implements DataFile {
        private final String name;
        private final Inode inode;
        private final long openedInEpoch;
        private boolean closed;

        Handle(String name, Inode inode, long openedInEpoch) {
            this.name = name;
            this.inode = inode;
            this.openedInEpoch = openedInEpoch;
        }

        private void usable() throws IOException {
            if (openedInEpoch != epoch) throw new IOException("handle of " + name + " was opened before a crash (simulated process is gone)");
            if (closed) throw new IOException("handle of " + name + " is closed");
        }

        @Override
        public int read(ByteBuffer dst, long offset) throws IOException {
            usable();
            if (offset >= inode.current.length) return -1;
            int n = (int) Math.min(dst.remaining(), inode.current.length - offset);
            dst.put(inode.current, (int) offset, n);
            return n;
        }

        @Override
        public void write(ByteBuffer src, long offset) throws IOException {
            usable();
            byte[] bytes = new byte[src.remaining()];
            src.get(bytes);
            if (full) throw new IOException("ENOSPC: no space left on device writing " + bytes.length + " bytes at offset " + offset + " of " + name + " (simulated)");
            // Bytes the file already holds need no new blocks: overwriting them cannot run out of space.
            long overwrites = Math.max(0, Math.min(offset + bytes.length, inode.current.length) - offset);
            boolean noSpace = overwrites < bytes.length && random.nextDouble() < faults.noSpaceProbability();
            boolean eio = !noSpace && random.nextDouble() < faults.writeFaultProbability();
            if (noSpace || eio) {
                int landed = random.nextInt(bytes.length + 1);
                // The page cache takes a write a page at a time: where it overwrote, what landed ends at a page's edge.
                if (landed < overwrites) landed = (int) Math.max(0, (offset + landed) / PAGE_BYTES * PAGE_BYTES - offset);
                if (landed > 0) inode.change(FileOp.write(offset, java.util.Arrays.copyOf(bytes, landed)));
                throw new IOException((noSpace ? "ENOSPC: no space left on device" : "EIO: write failed") + " after " + landed + " of " + bytes.length + " bytes at offset " + offset + " of " + name + " (simulated)");
            }
            inode.change(FileOp.write(offset, bytes));
        }

        @Override
        public void force() throws IOException {
            usable();
            if (random.nextDouble() < faults.syncFaultProbability()) {
                inode.doom();
                throw new IOException("EIO: fsync of " + name + " failed (simulated)");
            }
            inode.force();
        }

        @Override
        public void truncate(long sizeBytes) throws IOException {
            usable();
            if (sizeBytes < 0) throw new IllegalArgumentException("negative size");
            if (sizeBytes < inode.current.length) inode.change(FileOp.truncate(sizeBytes));
        }

        @Override
        public long size() throws IOException {
            usable();
            return inode.current.length;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
