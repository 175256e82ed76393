package io.waymark.adapters.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.fs.FaultyDir;
import io.waymark.adapters.fs.FileDataDir;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Salvage, failed appends and compactions, and format 1 logs, on format 2 files (format 3: {@link SectorLogTest}). */
class AppendLogRecoveryTest {
    private static final int MAX = 1 << 20;
    private static final String NAME = "test.log";
    @TempDir Path dir;

    private static byte[] entry(int i) {
        return ("entry-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private List<String> entriesOf(AppendLogOpener opener) throws IOException {
        List<String> seen = new ArrayList<>();
        opener.open(b -> seen.add(StandardCharsets.UTF_8.decode(b).toString()));
        return seen;
    }

    private interface AppendLogOpener {
        void open(java.util.function.Consumer<ByteBuffer> replay) throws IOException;
    }

    private void write(int n) throws IOException {
        try (AppendLog log = Format2.open(dir.resolve(NAME), MAX, b -> {})) {
            for (int i = 0; i < n; i++) log.append(List.of(entry(i)));
        }
    }

    private long offsetOf(int index) {
        long off = AppendLog.HEADER_V2.length;
        for (int i = 0; i < index; i++) off += FrameReader.overheadBytes(2) + entry(i).length;
        return off;
    }

    private void flip(long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(NAME).toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x40);
        }
    }

    @Test
    void salvageSkipsADamagedEntryReportsItAndChangesNothing() throws IOException {
        write(8);
        flip(offsetOf(3) + FrameReader.overheadBytes(2) + 1);
        byte[] before = Files.readAllBytes(dir.resolve(NAME));
        SalvageReport[] report = new SalvageReport[1];
        List<String> seen = entriesOf(replay -> report[0] = AppendLog.salvage(FileDataDir.open(dir), NAME, MAX, replay));
        assertThat(seen).containsExactly("entry-0", "entry-1", "entry-2", "entry-4", "entry-5", "entry-6", "entry-7");
        assertThat(report[0].entriesRead()).isEqualTo(7);
        assertThat(report[0].damage()).singleElement().satisfies(d -> {
            assertThat(d.offset()).isEqualTo(offsetOf(3));
            assertThat(d.lengthBytes()).isEqualTo(offsetOf(4) - offsetOf(3));
            assertThat(d.reason()).contains("checksum");
        });
        assertThat(Files.readAllBytes(dir.resolve(NAME))).isEqualTo(before);
    }

    @Test
    void entriesAreReadBackAtTheirOffsetsAndCheckedAgain() throws IOException {
        List<Long> offsets;
        try (AppendLog log = Format2.open(dir.resolve(NAME), MAX, b -> {})) {
            offsets = log.append(List.of(entry(0), entry(1), entry(2)));
            assertThat(offsets).containsExactly(offsetOf(0), offsetOf(1), offsetOf(2));
            assertThat(new String(log.read(offsets.get(1)), StandardCharsets.UTF_8)).isEqualTo("entry-1");
            List<Long> moved = log.rewrite(List.of(entry(2)));
            assertThat(new String(log.read(moved.get(0)), StandardCharsets.UTF_8)).isEqualTo("entry-2");
        }
        List<Long> replayed = new ArrayList<>();
        try (AppendLog log = Format2.open(FileDataDir.open(dir), NAME, MAX, (AppendLog.Replay) (offset, payload) -> replayed.add(offset))) {
            // The compaction wrote format 3: its first entry is at logical offset 0.
            assertThat(replayed).containsExactly(0L);
            flip(Sectors.physical(Sectors.ENTRY_HEAD));
            assertThatThrownBy(() -> log.read(0)).isInstanceOf(LogDamagedException.class).hasMessageContaining("offset 0").hasMessageContaining("checksum");
        }
    }

    @Test
    void salvageOfAnUndamagedLogReadsEverything() throws IOException {
        write(5);
        SalvageReport[] report = new SalvageReport[1];
        assertThat(entriesOf(replay -> report[0] = AppendLog.salvage(FileDataDir.open(dir), NAME, MAX, replay))).hasSize(5);
        assertThat(report[0].damaged()).isFalse();
    }

    @Test
    void aFailedFsyncCutsTheBatchBackAndTheLogRefusesFurtherAppendsUntilReopened() throws IOException {
        FaultyDir faulty = new FaultyDir(dir);
        try (AppendLog log = Format2.open(faulty, NAME, MAX, b -> {})) {
            log.append(List.of(entry(0)));
            long durable = Files.size(dir.resolve(NAME));
            faulty.failNextForces(1);
            assertThatThrownBy(() -> log.append(List.of(entry(1)))).isInstanceOf(IOException.class);
            // The page cache may still show the failed batch after a failed fsync; it must not be replayed.
            assertThat(Files.size(dir.resolve(NAME))).isEqualTo(durable);
            assertThatThrownBy(() -> log.append(List.of(entry(2)))).isInstanceOf(IOException.class).hasMessageContaining("reopen");
        }
        try (AppendLog log = Format2.open(faulty, NAME, MAX, b -> {})) {
            assertThat(log.entries()).isEqualTo(1);
            log.append(List.of(entry(1)));
        }
        assertThat(entriesOf(replay -> Format2.open(dir.resolve(NAME), MAX, replay).close())).containsExactly("entry-0", "entry-1");
    }

    @Test
    void aCompactionThatFailsBeforeItsRenameLeavesTheLogIntactAndInUse() throws IOException {
        FaultyDir faulty = new FaultyDir(dir);
        try (AppendLog log = Format2.open(faulty, NAME, MAX, b -> {})) {
            for (int i = 0; i < 4; i++) log.append(List.of(entry(i)));
            faulty.failWritesTo(".compact.new");
            assertThatThrownBy(() -> log.rewrite(List.of(entry(9)))).isInstanceOf(CompactionFailedException.class).hasMessageContaining("intact");
            faulty.failWritesTo(".compact");
            assertThatThrownBy(() -> log.rewrite(List.of(entry(9)))).isInstanceOf(CompactionFailedException.class);
            assertThat(faulty.list()).containsExactly(NAME);
            log.append(List.of(entry(4)));
        }
        assertThat(entriesOf(replay -> Format2.open(dir.resolve(NAME), MAX, replay).close())).hasSize(5);
    }

    @Test
    void openRemovesWhatAnInterruptedCompactionLeft() throws IOException {
        write(2);
        Files.write(dir.resolve(NAME + ".compact"), new byte[] {1, 2, 3});
        Files.write(dir.resolve(NAME + ".compact.new"), new byte[] {1});
        Files.write(dir.resolve("unrelated"), new byte[] {1});
        assertThat(entriesOf(replay -> Format2.open(dir.resolve(NAME), MAX, replay).close())).hasSize(2);
        assertThat(FileDataDir.open(dir).list()).containsExactly(NAME, "unrelated");
    }

    @Test
    void aFormatOneLogIsReadAppendedToAndCompactedToFormatThree() throws IOException {
        // Format 1 frames as the previous release wrote them.
        ByteBuffer file = ByteBuffer.allocate(1024);
        file.put(AppendLog.HEADER_V1);
        for (int i = 0; i < 3; i++) {
            byte[] e = entry(i);
            CRC32C crc = new CRC32C();
            crc.update(ByteBuffer.allocate(4).putInt(0, e.length).array());
            crc.update(e);
            file.putInt(e.length).putInt((int) crc.getValue()).put(e);
        }
        Files.write(dir.resolve(NAME), java.util.Arrays.copyOf(file.array(), file.position()));
        try (AppendLog log = Format2.open(dir.resolve(NAME), MAX, b -> {})) {
            assertThat(log.entries()).isEqualTo(3);
            log.append(List.of(entry(3)));
        }
        assertThat(entriesOf(replay -> Format2.open(dir.resolve(NAME), MAX, replay).close())).hasSize(4);
        try (AppendLog log = Format2.open(dir.resolve(NAME), MAX, b -> {})) {
            log.rewrite(List.of(entry(7)));
            log.append(List.of(entry(8))); // in the new file's format
        }
        assertThat(java.util.Arrays.copyOf(Files.readAllBytes(dir.resolve(NAME)), 8)).isEqualTo(AppendLog.HEADER);
        assertThat(entriesOf(replay -> Format2.open(dir.resolve(NAME), MAX, replay).close())).containsExactly("entry-7", "entry-8");
    }
}
