package io.waymark.sim.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.fs.DataFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimDiskTest {
    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String content(SimDisk disk, String name) throws IOException {
        try (DataFile f = disk.open(name)) {
            ByteBuffer b = ByteBuffer.allocate((int) f.size());
            f.readFully(b, 0);
            return new String(b.array(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void syncedDataSurvivesACrashAndUnsyncedDataSurvivesAtMostAsATornPrefix() throws IOException {
        for (long seed = 0; seed < 200; seed++) {
            SimDisk disk = new SimDisk(new SplittableRandom(seed), DiskFaults.NONE);
            DataFile f = disk.open("a");
            disk.sync();
            f.write(bytes("durable;"), 0);
            f.force();
            f.write(bytes("pending-one;"), 8);
            f.write(bytes("pending-two;"), 20);
            disk.crash();
            String after = content(disk, "a");
            assertThat(after).startsWith("durable;");
            String tail = after.substring(8);
            String all = "pending-one;pending-two;";
            // A prefix of the unsynced writes, or the size without the data (zeros).
            assertThat(all.startsWith(tail) || tail.chars().allMatch(c -> c == 0) || (all.startsWith(tail.replace("\0", "")) && tail.endsWith("\0"))).as("seed %d: %s", seed, tail).isTrue();
        }
    }

    @Test
    void anUnsyncedOverwriteSurvivesACrashSectorBySectorEachSectorWhole() throws IOException {
        int sectors = 4;
        int S = SimDisk.SECTOR_BYTES;
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            SimDisk disk = new SimDisk(new SplittableRandom(seed), DiskFaults.NONE);
            DataFile f = disk.open("a");
            disk.sync();
            f.write(ByteBuffer.allocate(sectors * S), 0); // zeros, durable: space prepared ahead
            f.force();
            byte[] next = new byte[sectors * S];
            for (int k = 0; k < sectors; k++) java.util.Arrays.fill(next, k * S, (k + 1) * S, (byte) (k + 1));
            f.write(ByteBuffer.wrap(next, 10, next.length - 10), 10); // not sector-aligned at its start
            disk.crash();
            byte[] after = new byte[sectors * S];
            try (DataFile g = disk.open("a")) {
                assertThat(g.size()).isEqualTo(sectors * S);
                g.readFully(ByteBuffer.wrap(after), 0);
            }
            int kept = 0;
            for (int k = 0; k < sectors; k++) {
                int from = Math.max(k * S, 10);
                byte first = after[from];
                for (int i = from; i < (k + 1) * S; i++) assertThat(after[i]).as("seed %d: sector %d is old or new, whole", seed, k).isEqualTo(first);
                assertThat(first == 0 || first == k + 1).isTrue();
                if (first != 0) kept |= 1 << k;
            }
            seen.add(kept);
        }
        // Any subset, in any order: not only prefixes (0b0001, 0b0011, 0b0111, 0b1111).
        assertThat(seen).contains(0b0101, 0b1010, 0b1000);
    }

    @Test
    void aHandleFromBeforeACrashIsDead() throws IOException {
        SimDisk disk = new SimDisk(new SplittableRandom(1), DiskFaults.NONE);
        DataFile f = disk.open("a");
        disk.crash();
        assertThatThrownBy(() -> f.write(bytes("x"), 0)).isInstanceOf(IOException.class).hasMessageContaining("before a crash");
        f.close(); // closing a dead handle is fine
    }

    @Test
    void aCreatedFileOrARenameIsLostWhenTheDirectoryWasNotSynced() throws IOException {
        int lostCreates = 0;
        int lostRenames = 0;
        for (long seed = 0; seed < 100; seed++) {
            SimDisk disk = new SimDisk(new SplittableRandom(seed), DiskFaults.NONE);
            DataFile f = disk.open("new");
            f.write(bytes("data"), 0);
            f.force(); // the data is durable, its name is not
            disk.crash();
            if (!disk.exists("new")) lostCreates++;

            DataFile g = disk.open("tmp");
            g.write(bytes("fresh"), 0);
            g.force();
            disk.rename("tmp", "live");
            disk.crash();
            if (!disk.exists("live")) lostRenames++;
            else assertThat(content(disk, "live")).isEqualTo("fresh");
        }
        assertThat(lostCreates).isBetween(1, 99);
        assertThat(lostRenames).isBetween(1, 99);
    }

    @Test
    void afterAFailedFsyncTheDataIsNeverDurableEvenIfALaterFsyncSucceeds() throws IOException {
        SimDisk disk = new SimDisk(new SplittableRandom(3), new DiskFaults(0, 0, 1, 0));
        DataFile f = disk.open("a");
        f.write(bytes("lost"), 0);
        assertThatThrownBy(f::force).hasMessageContaining("EIO");
        disk.faults(DiskFaults.NONE);
        disk.sync();
        assertThat(content(disk, "a")).isEqualTo("lost"); // still in the page cache
        f.force(); // "succeeds", as Linux does after marking the pages clean
        disk.crash();
        assertThat(content(disk, "a")).isEmpty();
    }

    @Test
    void aFullDiskRefusesWritesUntilSpaceReturns() throws IOException {
        SimDisk disk = new SimDisk(new SplittableRandom(4), DiskFaults.NONE);
        DataFile f = disk.open("a");
        disk.full(true);
        assertThatThrownBy(() -> f.write(bytes("x"), 0)).hasMessageContaining("ENOSPC");
        assertThat(f.size()).isZero();
        disk.full(false);
        f.write(bytes("x"), 0);
        assertThat(f.size()).isEqualTo(1);
    }

    @Test
    void flippedBitsChangeDurableDataAndAreCounted() throws IOException {
        SimDisk disk = new SimDisk(new SplittableRandom(5), DiskFaults.NONE);
        DataFile f = disk.open("a");
        f.write(bytes("A"), 0);
        f.force();
        disk.sync();
        disk.flipBit("a", 0, 0);
        assertThat(content(disk, "a")).isEqualTo("@");
        assertThat(disk.bitFlips()).isEqualTo(1);
        assertThat(disk.damage()).containsExactly("bit 0 of byte 0 of a");
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        for (long seed = 0; seed < 20; seed++) {
            assertThat(StorageRun.run(seed, StorageRun.Settings.DEFAULTS).toString()).isEqualTo(StorageRun.run(seed, StorageRun.Settings.DEFAULTS).toString());
        }
    }
}
