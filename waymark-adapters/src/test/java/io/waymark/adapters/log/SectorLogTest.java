package io.waymark.adapters.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.adapters.LogCapture;
import io.waymark.adapters.fs.FaultyDir;
import io.waymark.adapters.fs.FileDataDir;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format 3 of the append log ({@link Sectors}): appends overwrite space zeroed ahead of them, every
 * 512-byte sector checks itself, batches are numbered. These tests build the states a crash, a failed
 * fsync and rot at rest leave, by hand, and check that only a torn append is cut.
 */
class SectorLogTest {
    private static final String NAME = "test.log";
    private static final int MAX = 1 << 20;
    private static final int S = Sectors.BYTES;
    @TempDir Path dir;

    private Path file() {
        return dir.resolve(NAME);
    }

    /** Small entries and one of 1,200 bytes: a batch of three sectors. */
    private static List<byte[]> batch(int b) {
        List<byte[]> out = new ArrayList<>();
        out.add(("b" + b + "-small").getBytes(StandardCharsets.UTF_8));
        if (b % 2 == 1) {
            byte[] big = new byte[1200];
            Arrays.fill(big, (byte) ('a' + b));
            out.add(big);
        }
        return out;
    }

    private static List<String> texts(List<byte[]> entries) {
        List<String> out = new ArrayList<>();
        for (byte[] e : entries) out.add(new String(e, StandardCharsets.UTF_8));
        return out;
    }

    /** Appends batches 1..n, one append each; returns the logical size after each (index 0: empty). */
    private List<Long> write(int n) throws IOException {
        List<Long> sizes = new ArrayList<>();
        try (AppendLog log = AppendLog.open(file(), MAX, b -> {})) {
            sizes.add(log.sizeBytes());
            for (int b = 1; b <= n; b++) {
                log.append(batch(b));
                sizes.add(log.sizeBytes());
            }
        }
        return sizes;
    }

    private List<String> expected(int batches) {
        List<byte[]> all = new ArrayList<>();
        for (int b = 1; b <= batches; b++) all.addAll(batch(b));
        return texts(all);
    }

    private List<String> reopen() throws IOException {
        List<String> seen = new ArrayList<>();
        try (AppendLog log = AppendLog.open(file(), MAX, b -> seen.add(StandardCharsets.UTF_8.decode(b).toString()))) {
            assertThat(log.entries()).isEqualTo(seen.size());
        }
        return seen;
    }

    private void zeroSector(long fileOffset) throws IOException {
        byte[] b = Files.readAllBytes(file());
        Arrays.fill(b, (int) fileOffset, (int) fileOffset + S, (byte) 0);
        Files.write(file(), b);
    }

    private void flipBit(long fileOffset) throws IOException {
        byte[] b = Files.readAllBytes(file());
        b[(int) fileOffset] ^= 0x10;
        Files.write(file(), b);
    }

    @Test
    void entriesSurviveReopenAreReadBackAtTheirOffsetsAndTheFileIsZeroedAhead() throws IOException {
        List<Long> offsets = new ArrayList<>();
        List<byte[]> written = new ArrayList<>();
        try (AppendLog log = AppendLog.open(file(), MAX, b -> {})) {
            for (int b = 1; b <= 5; b++) {
                offsets.addAll(log.append(batch(b)));
                written.addAll(batch(b));
                if (b == 1) assertThat(Files.size(file())).as("zeroed ahead of the appends").isGreaterThanOrEqualTo(Sectors.sectorStart(log.sizeBytes()) + AppendLog.ZEROED_AHEAD_MIN);
            }
            for (int i = 0; i < offsets.size(); i++) assertThat(log.read(offsets.get(i))).isEqualTo(written.get(i));
        }
        List<Long> replayed = new ArrayList<>();
        try (AppendLog log = AppendLog.open(FileDataDir.open(dir), NAME, MAX, (AppendLog.Replay) (offset, payload) -> replayed.add(offset))) {
            assertThat(log.recovery().cut()).isFalse();
            assertThat(replayed).isEqualTo(offsets);
        }
        assertThat(reopen()).isEqualTo(texts(written));
        assertThat(Arrays.copyOf(Files.readAllBytes(file()), 8)).isEqualTo(AppendLog.HEADER);
    }

    @Test
    void aTornLastBatchIsCutWithAWarningAndTheLogTakesAppendsAfter() throws IOException {
        List<Long> sizes = write(3); // batch 3 holds three sectors
        zeroSector(Sectors.sectorStart(sizes.get(2)) + S); // its middle sector never reached the disk
        try (LogCapture logs = new LogCapture(AppendLog.class); AppendLog log = AppendLog.open(file(), MAX, b -> {})) {
            assertThat(log.recovery().cut()).isTrue();
            assertThat(log.entries()).isEqualTo(expected(2).size());
            assertThat(logs.messages()).anySatisfy(m -> assertThat(m).startsWith("WARN").contains("torn batch 3").contains("never acknowledged"));
            log.append(batch(4));
        }
        List<String> want = new ArrayList<>(expected(2));
        want.addAll(texts(batch(4)));
        assertThat(reopen()).isEqualTo(want);
        try (AppendLog log = AppendLog.open(file(), MAX, b -> {})) {
            assertThat(log.recovery().cut()).as("the second open finds nothing to cut").isFalse();
        }
    }

    @Test
    void everySubsetOfTheLastBatchsSectorsReopensToAWholeBatchPrefix() throws IOException {
        List<Long> sizes = write(3);
        byte[] full = Files.readAllBytes(file());
        long first = Sectors.sectorStart(sizes.get(2));
        int sectors = (int) ((Sectors.sectorStart(sizes.get(3)) - first) / S);
        assertThat(sectors).isEqualTo(3);
        for (int kept = 0; kept < 1 << sectors; kept++) { // which of batch 3's sectors reached the disk
            byte[] b = full.clone();
            for (int k = 0; k < sectors; k++) {
                if ((kept & 1 << k) == 0) Arrays.fill(b, (int) (first + k * S), (int) (first + (k + 1) * S), (byte) 0);
            }
            Files.write(file(), b);
            boolean whole = kept == (1 << sectors) - 1;
            assertThat(reopen()).as("sectors kept %s", Integer.toBinaryString(kept)).isEqualTo(expected(whole ? 3 : 2));
        }
    }

    @Test
    void aFlippedBitInAnyAcknowledgedSectorRefusesToOpenAndChangesNothing() throws IOException {
        List<Long> sizes = write(3);
        byte[] good = Files.readAllBytes(file());
        long last = Sectors.sectorStart(sizes.get(3)) - S; // the last batch's last sector
        for (long at : new long[] {S + 2, S + 40, 2 * S + 5, last + 20, last + S - 1}) { // a checksum, data, a header, the padding
            Files.write(file(), good);
            flipBit(at);
            byte[] before = Files.readAllBytes(file());
            assertThatThrownBy(() -> AppendLog.open(file(), MAX, b -> {})).as("bit flipped at %d", at)
                    .isInstanceOf(LogDamagedException.class).hasMessageContaining("fails its checksum").hasMessageContaining("What to do");
            assertThat(Files.readAllBytes(file())).as("acknowledged entries are never cut").isEqualTo(before);
        }
    }

    @Test
    void aLostSectorOfABatchThatALaterOneFollowsIsDamageNotATornTail() throws IOException {
        List<Long> sizes = write(4);
        zeroSector(Sectors.sectorStart(sizes.get(2)) + S); // batch 3 lost a sector, batch 4 came after it
        byte[] before = Files.readAllBytes(file());
        assertThatThrownBy(() -> AppendLog.open(file(), MAX, b -> {})).isInstanceOf(LogDamagedException.class)
                .hasMessageContaining("a sector of batch 4").hasMessageContaining("lost sectors");
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void bitRotInTheZeroedSpaceAheadIsDamageToo() throws IOException {
        List<Long> sizes = write(2);
        flipBit(Sectors.sectorStart(sizes.get(2)) + 3 * S + 7);
        byte[] before = Files.readAllBytes(file());
        // Nothing acknowledged lies there, but no crash writes it either: the disk is reported, not trusted.
        assertThatThrownBy(() -> AppendLog.open(file(), MAX, b -> {})).isInstanceOf(LogDamagedException.class).hasMessageContaining("fails its checksum");
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void sectorsLeftByAnEarlierAttemptAtTheSameBatchAreCutNotReplayed() throws IOException {
        List<Long> sizes = write(2);
        byte[] afterTwo = Files.readAllBytes(file());
        long third = Sectors.sectorStart(sizes.get(2));
        // A first attempt at batch 3 (three sectors) was torn and cut, and the cut was lost.
        try (AppendLog log = AppendLog.open(file(), MAX, b -> {})) {
            log.append(batch(3));
        }
        byte[] firstAttempt = Files.readAllBytes(file());
        // The second attempt at batch 3 is one sector long (batch(4)'s entries under number 3).
        Files.write(file(), afterTwo);
        try (AppendLog log = AppendLog.open(file(), MAX, b -> {})) {
            log.append(batch(4));
        }
        byte[] secondAttempt = Files.readAllBytes(file());

        // (a) The second attempt whole, the first one's other sectors still behind it.
        byte[] b = secondAttempt.clone();
        System.arraycopy(firstAttempt, (int) third + S, b, (int) third + S, 2 * S);
        Files.write(file(), b);
        List<String> want = new ArrayList<>(expected(2));
        want.addAll(texts(batch(4)));
        assertThat(reopen()).isEqualTo(want);

        // (b) The second attempt's first sector over the first attempt's first sector, its others
        // from the first attempt (a crash before the second attempt's fsync): each sector passes its
        // checksum, the batch's does not. Cut, never replayed as a mix.
        Files.write(file(), afterTwo);
        try (AppendLog log = AppendLog.open(file(), MAX, b2 -> {})) {
            log.append(List.of(Arrays.copyOf("x".repeat(600).getBytes(StandardCharsets.UTF_8), 600))); // two sectors, number 3
        }
        byte[] mix = Files.readAllBytes(file());
        System.arraycopy(firstAttempt, (int) third + S, mix, (int) third + S, 2 * S); // first attempt's last two sectors
        Files.write(file(), mix);
        try (AppendLog log = AppendLog.open(file(), MAX, b2 -> {})) {
            assertThat(log.recovery().cut()).isTrue();
            assertThat(log.entries()).isEqualTo(expected(2).size());
        }
    }

    @Test
    void aFailedFsyncCutsTheBatchAndAReopenNeverReadsIt() throws IOException {
        FaultyDir faulty = new FaultyDir(dir);
        try (AppendLog log = AppendLog.open(faulty, NAME, MAX, b -> {})) {
            log.append(batch(1));
            long end = Sectors.sectorStart(log.sizeBytes());
            faulty.failNextForces(1);
            assertThatThrownBy(() -> log.append(batch(2))).isInstanceOf(IOException.class);
            // The page cache may still hold the batch after a failed fsync: the file is cut at its start.
            assertThat(Files.size(file())).isEqualTo(end);
            assertThatThrownBy(() -> log.append(batch(3))).isInstanceOf(IOException.class).hasMessageContaining("reopen");
        }
        try (AppendLog log = AppendLog.open(faulty, NAME, MAX, b -> {})) {
            assertThat(log.entries()).isEqualTo(batch(1).size());
            log.append(batch(2));
        }
        assertThat(reopen()).isEqualTo(expected(2));
    }

    @Test
    void salvageReadsTheBatchesAroundADamagedOneAndReportsItsSectors() throws IOException {
        List<Long> sizes = write(4);
        flipBit(Sectors.sectorStart(sizes.get(2)) + S + 100); // inside batch 3
        List<String> seen = new ArrayList<>();
        SalvageReport r = AppendLog.salvage(FileDataDir.open(dir), NAME, MAX, b -> seen.add(StandardCharsets.UTF_8.decode(b).toString()));
        List<String> want = new ArrayList<>(expected(2));
        want.addAll(texts(batch(4)));
        assertThat(seen).isEqualTo(want);
        assertThat(r.damage()).singleElement().satisfies(d -> {
            assertThat(d.offset()).isEqualTo(Sectors.sectorStart(sizes.get(2)));
            assertThat(d.lengthBytes()).isEqualTo(Sectors.sectorStart(sizes.get(3)) - Sectors.sectorStart(sizes.get(2)));
        });
        assertThat(r.tornTailBytes()).isZero();
    }

    @Test
    void salvageOfALogWhoseFileHeaderRottedStillReadsItsSectors() throws IOException {
        write(3);
        flipBit(2); // "WMLOG3" no more
        assertThatThrownBy(() -> AppendLog.open(file(), MAX, b -> {})).isInstanceOf(LogDamagedException.class).hasMessageContaining("bad header");
        List<String> seen = new ArrayList<>();
        SalvageReport r = AppendLog.salvage(FileDataDir.open(dir), NAME, MAX, b -> seen.add(StandardCharsets.UTF_8.decode(b).toString()));
        assertThat(seen).isEqualTo(expected(3));
        assertThat(r.damaged()).isFalse();
    }

    @Test
    void aSectorsOwnChecksumCoversItsHeader() {
        ByteBuffer s = ByteBuffer.allocate(S);
        s.putInt(4, 1).putShort(8, (short) 10).putShort(10, (short) 3);
        CRC32C crc = new CRC32C();
        crc.update(s.duplicate().position(4));
        s.putInt(0, (int) crc.getValue());
        assertThat(Sectors.classify(s, new CRC32C())).isInstanceOf(Sectors.Sector.Good.class);
        s.putInt(4, 2); // another batch number under the same checksum
        assertThat(Sectors.classify(s, new CRC32C())).isInstanceOf(Sectors.Sector.Bad.class);
        assertThat(Sectors.classify(ByteBuffer.allocate(S), new CRC32C())).isInstanceOf(Sectors.Sector.Zero.class);
    }
}
